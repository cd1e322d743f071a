import { Tag } from 'antd';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';

interface Unit { code: string; name: string; category: string; regionCode: string; regionName: string; parentCode: string | null }

export default function Units() {
  const t = useT();
  return (
    <>
      <PageTitle>{t('nav.units')}</PageTitle>
      <PagedTable<Unit>
        url="/api/units"
        rowKey="code"
        testId="units-table"
        columns={[
          { title: t('field.code'), dataIndex: 'code' },
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.category'), dataIndex: 'category', render: (v: string) => <Tag>{t(`category.${v}` as MessageKey)}</Tag> },
          { title: t('field.region'), dataIndex: 'regionName' },
          { title: t('field.parentCode'), dataIndex: 'parentCode', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
