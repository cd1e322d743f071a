// The receipt code, shown once (only its hash is stored): copy it, tick "I have saved it", then go on.
// Until ticked, leaving the page asks first.
import { Alert, Button, Card, Checkbox, Result, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../shared/i18n/index.tsx';
import { groupCode } from '../cases.ts';

export function ReceiptStep({ code }: { code: string }) {
  const t = useT();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (saved) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [saved]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <Card>
      <Result status="success" title={t('cases.receipt.title')} subTitle={t('cases.receipt.subtitle')} style={{ padding: '16px 0' }} />
      <Alert type="warning" showIcon message={t('cases.receipt.warning')} style={{ marginBottom: 16 }} />
      <Typography.Text type="secondary" id="receipt-label">{t('cases.receipt.label')}</Typography.Text>
      <div
        data-testid="receipt-code"
        aria-labelledby="receipt-label"
        style={{ fontFamily: 'ui-monospace, monospace', fontSize: 22, letterSpacing: 1, padding: '12px 8px', margin: '8px 0 12px', background: '#fff7e6', border: '1px dashed #fa8c16', borderRadius: 6, textAlign: 'center', userSelect: 'all', wordBreak: 'break-all' }}
      >
        {groupCode(code)}
      </div>
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Button block onClick={() => void copy()} data-testid="receipt-copy">{t('cases.receipt.copy')}</Button>
        {copied === 'yes' && <Typography.Text type="success" role="status">{t('cases.receipt.copied')}</Typography.Text>}
        {copied === 'no' && <Typography.Text type="warning" role="status">{t('cases.receipt.copyFailed')}</Typography.Text>}
        <Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)} data-testid="receipt-saved">{t('cases.receipt.saved')}</Checkbox>
        <Button
          type="primary"
          block
          size="large"
          disabled={!saved}
          data-testid="receipt-track"
          // The code travels in the router's state (not the URL) and the track page clears it at once.
          onClick={() => navigate('/track', { state: { receiptCode: code } })}
        >
          {t('cases.receipt.track')}
        </Button>
        <Button block disabled={!saved} onClick={() => navigate('/')}>{t('common.backHome')}</Button>
      </Space>
    </Card>
  );
}
