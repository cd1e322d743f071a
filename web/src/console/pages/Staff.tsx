// Staff list (一人一档): ID numbers and phones arrive masked from the server; only the person's
// own page can ask for them in full (admin, inspector, with a reason, logged).
import { Tag } from 'antd';
import { Link } from 'react-router';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';

export interface StaffRow {
  code: string; name: string; unitCode: string; unitName: string; position: string; level: string; status: string;
  enteredOn: string | null; departedOn: string | null; idNumber: string | null; phone: string | null; version: number; updatedAt: string;
}

export default function Staff() {
  const t = useT();
  return (
    <>
      <PageTitle>{t('nav.staff')}</PageTitle>
      <PagedTable<StaffRow>
        url="/api/staff"
        rowKey="code"
        testId="staff-table"
        columns={[
          { title: t('field.code'), dataIndex: 'code', render: (v: string) => <Link to={`/staff/${encodeURIComponent(v)}`}>{v}</Link> },
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('field.unit'), dataIndex: 'unitName' },
          { title: t('field.position'), dataIndex: 'position' },
          { title: t('field.staffLevel'), dataIndex: 'level', render: (v: string) => t(`staffLevel.${v}` as MessageKey) },
          { title: t('field.status'), dataIndex: 'status', render: (v: string) => <Tag>{t(`staffStatus.${v}` as MessageKey)}</Tag> },
          { title: t('field.idNumber'), dataIndex: 'idNumber', render: (v: string | null) => v ?? '—' },
          { title: t('field.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
