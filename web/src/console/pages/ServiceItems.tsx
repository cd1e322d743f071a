import { useT } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';

interface Item { code: string; name: string; unitCode: string; unitName: string; promisedDays: number }

export default function ServiceItems() {
  const t = useT();
  return (
    <>
      <PageTitle>{t('nav.serviceItems')}</PageTitle>
      <PagedTable<Item>
        url="/api/service-items"
        rowKey="code"
        testId="service-items-table"
        columns={[
          { title: t('field.code'), dataIndex: 'code' },
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.unit'), dataIndex: 'unitName' },
          { title: t('field.promisedDays'), dataIndex: 'promisedDays' },
        ]}
      />
    </>
  );
}
