import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../shared/i18n/index.tsx';

export default function NotFound({ text }: { text?: string }) {
  const t = useT();
  return (
    <Result
      status="404"
      data-testid="not-found"
      title={t('common.notFoundTitle')}
      subTitle={text ?? t('common.notFoundText')}
      extra={<Link to="/"><Button type="primary">{t('common.backHome')}</Button></Link>}
    />
  );
}
