// The rectification workbench (差评整改): the caller's queue, most urgent deadline first, with a live
// countdown to each stage's deadline; filter by status or overdue.
import { useQuery } from '@tanstack/react-query';
import { Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type Page } from '../../shared/api.ts';
import { countdown, formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import type { Rectification } from '../rectification.ts';

const STATUSES = ['verifying', 'rectifying', 'revisiting', 'appealing', 'closed'];

/** Re-renders every 30 s so countdowns move. */
function useNow(ms = 30_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export default function Rectifications() {
  const { t, locale } = useI18n();
  const now = useNow();
  const [status, setStatus] = useState<string | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const q = useQuery({
    queryKey: ['rectifications', status, overdue, page, pageSize],
    queryFn: () => api.get<Page<Rectification>>('/api/rectifications', { status, overdue: overdue || undefined, page, pageSize }),
    placeholderData: (p) => p,
  });
  // Most urgent first: the server orders by deadline; closed ones (no stage deadline) last.
  const rows = [...(q.data?.items ?? [])].sort((a, b) => (a.stageDeadline ?? '9999').localeCompare(b.stageDeadline ?? '9999'));
  return (
    <>
      <PageTitle>{t('nav.rectifications')}</PageTitle>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('field.status')}
          allowClear
          placeholder={t('rect.allStatuses')}
          style={{ width: 180 }}
          value={status}
          onChange={(v) => { setStatus(v); setPage(1); }}
          options={STATUSES.map((s) => ({ value: s, label: label(t, 'rect.status', s) }))}
        />
        <label>
          <Space>
            <Switch checked={overdue} onChange={(v) => { setOverdue(v); setPage(1); }} aria-label={t('rect.onlyOverdue')} />
            <Typography.Text>{t('rect.onlyOverdue')}</Typography.Text>
          </Space>
        </label>
      </Space>
      {q.isError && <ErrorNotice error={q.error} />}
      <Table<Rectification>
        data-testid="rectification-queue"
        rowKey="id"
        size="middle"
        loading={q.isFetching}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize, total: q.data?.total ?? 0, showTotal: (n) => t('common.total', { n }), onChange: (p, s) => { setPage(p); setPageSize(s); } }}
        columns={[
          { title: t('rect.deadline'), key: 'deadline', render: (_, r) => {
            if (r.status === 'closed') return <Tag>{t('rect.status.closed')}</Tag>;
            const c = countdown(t, r.stageDeadline, now);
            return <Tag color={c.overdue || r.overdue ? 'red' : 'orange'} data-testid="countdown">{c.text}</Tag>;
          } },
          { title: t('field.status'), dataIndex: 'status', render: (v: string) => label(t, 'rect.status', v) },
          { title: t('rect.transaction'), key: 'tx', render: (_, r) => <Link to={`/rectifications/${r.id}`} data-testid="rect-link">{r.transaction.code}</Link> },
          { title: t('field.unit'), key: 'unit', render: (_, r) => r.unit.name },
          { title: t('rect.rating'), key: 'rating', render: (_, r) => <Tag color={r.rating.level <= 2 ? 'red' : 'green'}>{label(t, 'rating', `level${r.rating.level}`)}</Tag> },
          { title: t('rect.comment'), key: 'comment', render: (_, r) => r.rating.comment ?? '—' },
          { title: t('rect.openedAt'), dataIndex: 'openedAt', render: (v: string) => formatDateTime(v, locale) },
        ]}
      />
    </>
  );
}
