// Who viewed which personal record, when and why (admin, inspector).
import { useI18n } from '../../shared/i18n/index.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { label } from '../labels.ts';
import { PagedTable, PageTitle } from '../paged.tsx';

interface Entry { id: number; at: string; actor: string; action: string; reason: string | null; subjectType: string; subjectCode: string | null }

export default function AccessLog() {
  const { t, locale } = useI18n();
  return (
    <>
      <PageTitle>{t('nav.accessLog')}</PageTitle>
      <PagedTable<Entry>
        url="/api/access-log"
        rowKey="id"
        search={false}
        testId="access-log-table"
        columns={[
          { title: t('access.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, locale) },
          { title: t('access.actor'), dataIndex: 'actor' },
          { title: t('access.action'), dataIndex: 'action', render: (v: string) => label(t, 'access.actionValue', v) },
          { title: t('access.subject'), key: 's', render: (_, r) => `${label(t, 'access.subjectType', r.subjectType)} ${r.subjectCode ?? ''}` },
          { title: t('access.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
