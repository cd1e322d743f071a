// The ledger (存证): the latest signed checkpoint, and one record's entry with its inclusion proof,
// checked here in the browser against the checkpoint's root.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { api, ApiError, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { parseCheckpoint, rootFromInclusionProof } from '../../shared/merkle.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';

const TYPES = ['region', 'unit', 'service_item', 'staff', 'user', 'import', 'calendar_day', 'rating', 'rectification', 'rectification.event', 'rectification.deadline', 'source', 'ingest_job', 'service_transaction'];

interface RecordProof {
  type: string; id: string; version: number; leafIndex: number; entry: string; entryFields: { time: string; digest: string };
  treeSize: number; rootHash: string; inclusionProof: string[]; checkpoint: string; stored: { version: number; digest: string; matchesEntry: boolean };
}

export default function Ledger() {
  const { t, locale } = useI18n();
  const cp = useQuery({
    queryKey: ['checkpoint'],
    queryFn: async () => {
      const res = await fetch('/ledger/checkpoint');
      if (!res.ok) throw new ApiError({ status: res.status });
      return res.text();
    },
  });
  const parsed = cp.data ? parseCheckpoint(cp.data) : null;
  const verify = useMutation({
    mutationFn: async (v: { type: string; id: string }) => {
      const proof = await api.get<RecordProof>(`/api/ledger/records/${encodeURIComponent(v.type)}/${encodeURIComponent(v.id.trim())}`);
      const root = await rootFromInclusionProof(proof.entry, proof.leafIndex, proof.treeSize, proof.inclusionProof);
      const signed = parseCheckpoint(proof.checkpoint);
      return { proof, ok: root !== null && root === proof.rootHash && signed?.root === root && signed.size === proof.treeSize };
    },
  });
  return (
    <>
      <PageTitle>{t('nav.ledger')}</PageTitle>
      <Card title={t('ledger.checkpoint')} style={{ marginBottom: 16 }}>
        {cp.isError && <ErrorNotice error={cp.error} />}
        {parsed && (
          <Descriptions size="small" bordered column={1} data-testid="checkpoint">
            <Descriptions.Item label={t('ledger.origin')}>{parsed.origin}</Descriptions.Item>
            <Descriptions.Item label={t('ledger.treeSize')}>{parsed.size}</Descriptions.Item>
            <Descriptions.Item label={t('ledger.rootHash')}><Typography.Text code copyable>{parsed.root}</Typography.Text></Descriptions.Item>
          </Descriptions>
        )}
        {cp.data && <pre style={{ marginTop: 12, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} aria-label={t('ledger.signedNote')}>{cp.data}</pre>}
        <Typography.Paragraph type="secondary">{t('ledger.outsideHelp')}</Typography.Paragraph>
      </Card>
      <Card title={t('ledger.verifyTitle')}>
        <Form name="ledger" layout="inline" onFinish={(v: { type: string; id: string }) => verify.mutate(v)} initialValues={{ type: 'unit' }}>
          <Form.Item name="type" label={t('ledger.type')} rules={[{ required: true }]}>
            <Select style={{ width: 200 }} options={TYPES.map((x) => ({ value: x, label: x }))} aria-label={t('ledger.type')} />
          </Form.Item>
          <Form.Item name="id" label={t('ledger.id')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}>
            <Input style={{ width: 200 }} maxLength={128} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={verify.isPending} data-testid="ledger-verify">{t('ledger.verify')}</Button>
        </Form>
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          {verify.isError && <Alert role="alert" type="error" showIcon message={verify.error instanceof ApiError && verify.error.status === 404 ? t('ledger.notFound') : friendlyError(t, verify.error)} />}
          {verify.data && (
            <>
              <Alert type={verify.data.ok && verify.data.proof.stored.matchesEntry ? 'success' : 'error'} showIcon data-testid="verify-result"
                message={verify.data.ok ? (verify.data.proof.stored.matchesEntry ? t('ledger.verified') : t('ledger.storedDiffers')) : t('ledger.proofFailed')} />
              <Descriptions size="small" bordered column={1}>
                <Descriptions.Item label={t('ledger.version')}>{verify.data.proof.version}</Descriptions.Item>
                <Descriptions.Item label={t('ledger.leafIndex')}>{verify.data.proof.leafIndex}</Descriptions.Item>
                <Descriptions.Item label={t('ledger.time')}>{formatDateTime(verify.data.proof.entryFields.time, locale)}</Descriptions.Item>
                <Descriptions.Item label={t('ledger.digest')}><Typography.Text code>{verify.data.proof.entryFields.digest}</Typography.Text></Descriptions.Item>
                <Descriptions.Item label={t('ledger.treeSize')}>{verify.data.proof.treeSize}</Descriptions.Item>
                <Descriptions.Item label={t('ledger.proofLength')}>{verify.data.proof.inclusionProof.length}</Descriptions.Item>
                <Descriptions.Item label={t('ledger.storedMatches')}>
                  <Tag color={verify.data.proof.stored.matchesEntry ? 'green' : 'red'}>{verify.data.proof.stored.matchesEntry ? t('common.yes') : t('common.no')}</Tag>
                </Descriptions.Item>
              </Descriptions>
            </>
          )}
        </Space>
      </Card>
    </>
  );
}
