// Pages whose capability is still being built (complaint cases): a clear notice, no made-up data.
import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';

const TITLES: Record<'report' | 'track' | 'disclosures', MessageKey> = {
  report: 'portal.home.report',
  track: 'portal.home.track',
  disclosures: 'portal.home.disclosures',
};

export default function Coming({ feature }: { feature: keyof typeof TITLES }) {
  const t = useT();
  return (
    <Result
      status="info"
      title={t(TITLES[feature])}
      subTitle={t('common.comingSoonText')}
      extra={<Link to="/"><Button>{t('common.backHome')}</Button></Link>}
    />
  );
}
