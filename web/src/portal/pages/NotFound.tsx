import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../shared/i18n/index.tsx';

export default function NotFound() {
  const t = useT();
  return <Result status="404" title={t('common.notFoundTitle')} subTitle={t('common.notFoundText')} extra={<Link to="/"><Button type="primary">{t('common.backHome')}</Button></Link>} />;
}
