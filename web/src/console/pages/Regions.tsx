import { Tag } from 'antd';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';

interface Region { code: string; name: string; level: string; parentCode: string | null }

export default function Regions() {
  const t = useT();
  return (
    <>
      <PageTitle>{t('nav.regions')}</PageTitle>
      <PagedTable<Region>
        url="/api/regions"
        rowKey="code"
        testId="regions-table"
        columns={[
          { title: t('field.code'), dataIndex: 'code' },
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.level'), dataIndex: 'level', render: (v: string) => <Tag>{t(`regionLevel.${v}` as MessageKey)}</Tag> },
          { title: t('field.parentCode'), dataIndex: 'parentCode', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
