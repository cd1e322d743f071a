import { Card, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';

const ENTRIES: { to: string; title: MessageKey; text: MessageKey; ready: boolean }[] = [
  { to: '/rate', title: 'portal.home.rate', text: 'portal.home.rateText', ready: true },
  { to: '/report', title: 'portal.home.report', text: 'portal.home.reportText', ready: true },
  { to: '/track', title: 'portal.home.track', text: 'portal.home.trackText', ready: true },
  { to: '/disclosures', title: 'portal.home.disclosures', text: 'portal.home.disclosuresText', ready: true },
];

export default function Home() {
  const t = useT();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('portal.home.welcome')}</Typography.Title>
      {ENTRIES.map((e) => (
        <Link key={e.to} to={e.to} data-testid={`portal-entry-${e.to.slice(1)}`}>
          <Card hoverable title={t(e.title)} extra={e.ready ? null : <Typography.Text type="secondary">{t('common.comingSoon')}</Typography.Text>}>
            {t(e.text)}
          </Card>
        </Link>
      ))}
    </Space>
  );
}
