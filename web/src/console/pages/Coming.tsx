// Capabilities being built on other branches (complaint cases, scoring): the place is kept, no data is invented.
import { Result } from 'antd';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';

const TITLES: Record<'cases' | 'scoring', MessageKey> = { cases: 'nav.cases', scoring: 'nav.scoring' };

export default function Coming({ feature }: { feature: keyof typeof TITLES }) {
  const t = useT();
  return <Result status="info" title={t(TITLES[feature])} subTitle={t('common.comingSoonText')} data-testid="coming-soon" />;
}
