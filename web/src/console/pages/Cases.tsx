// The case workbench (投诉举报办理): the cases of the caller's units, nearest running deadline first (the
// server's order), with a live countdown to the clock that runs now (first response, then 办结); overdue
// rows are marked. Filters: status, category, channel, overdue only, open only, text.
import { useQuery } from '@tanstack/react-query';
import { Button, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router';
import { api, type Page } from '../../shared/api.ts';
import { countdown, formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { CASE_CATEGORIES, CASE_CHANNELS, CASE_STATUSES, runningClock, type CaseItem } from '../cases.ts';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { useMe } from '../session.ts';
import { CaseEntry } from './CaseEntry.tsx';

/** Re-renders every 30 s so countdowns move. */
function useNow(ms = 30_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The first-response clock (until the case is accepted, rejected or answered). */
export function FirstResponse({ c, now }: { c: CaseItem; now: number }) {
  const { t } = useI18n();
  if (c.firstRespondedAt) return <Typography.Text type="secondary">{t('cases.queue.responded')}</Typography.Text>;
  if (runningClock(c) !== 'firstResponse') return <>—</>;
  const cd = countdown(t, c.firstResponseDue, now);
  return <Tag color={cd.overdue ? 'red' : 'orange'} data-testid="case-countdown">{cd.text}</Tag>;
}

/** The 办结 clock (from acceptance, on working days; stops when resolved). */
export function Resolution({ c, now }: { c: CaseItem; now: number }) {
  const { t, locale } = useI18n();
  if (!c.dueAt) return <>—</>;
  if (runningClock(c) !== 'resolve') return <Typography.Text type="secondary">{formatDateTime(c.dueAt, locale)}</Typography.Text>;
  const cd = countdown(t, c.dueAt, now);
  return <Tag color={cd.overdue || c.overdue ? 'red' : 'orange'} data-testid="case-countdown">{cd.text}</Tag>;
}

export default function Cases() {
  const { t, locale } = useI18n();
  const now = useNow();
  const [filters, setFilters] = useState<{ status?: string; category?: string; channel?: string; overdue: boolean; open: boolean; q: string }>({ overdue: false, open: false, q: '' });
  const [page, setPage] = useState(1);
  const [entering, setEntering] = useState(false);
  const me = useMe().data;
  const [pageSize, setPageSize] = useState(20);
  const set = (patch: Partial<typeof filters>) => { setFilters((f) => ({ ...f, ...patch })); setPage(1); };
  const q = useQuery({
    queryKey: ['cases', filters, page, pageSize],
    queryFn: () => api.get<Page<CaseItem>>('/api/cases', {
      status: filters.status, category: filters.category, channel: filters.channel,
      overdue: filters.overdue || undefined, open: filters.open || undefined, q: filters.q || undefined, page, pageSize,
    }),
    placeholderData: (p) => p,
  });
  return (
    <>
      <PageTitle>{t('nav.cases')}</PageTitle>
      {me && ['inspector', 'unit_head'].includes(me.role) && (
        <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setEntering(true)} data-testid="case-entry">{t('cases.entry.button')}</Button>
      )}
      <CaseEntry open={entering} onClose={() => setEntering(false)} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label={t('cases.field.status')} allowClear placeholder={t('cases.queue.allStatuses')} style={{ width: 150 }} value={filters.status}
          onChange={(v) => set({ status: v })} options={CASE_STATUSES.map((s) => ({ value: s, label: label(t, 'cases.status', s) }))} />
        <Select aria-label={t('cases.field.category')} allowClear placeholder={t('cases.queue.allCategories')} style={{ width: 170 }} value={filters.category}
          onChange={(v) => set({ category: v })} options={CASE_CATEGORIES.map((s) => ({ value: s, label: label(t, 'cases.category', s) }))} />
        <Select aria-label={t('cases.field.channel')} allowClear placeholder={t('cases.queue.allChannels')} style={{ width: 140 }} value={filters.channel}
          onChange={(v) => set({ channel: v })} options={CASE_CHANNELS.map((s) => ({ value: s, label: label(t, 'cases.channel', s) }))} />
        <label>
          <Space>
            <Switch checked={filters.overdue} onChange={(v) => set({ overdue: v })} aria-label={t('cases.queue.onlyOverdue')} data-testid="cases-overdue" />
            <Typography.Text>{t('cases.queue.onlyOverdue')}</Typography.Text>
          </Space>
        </label>
        <label>
          <Space>
            <Switch checked={filters.open} onChange={(v) => set({ open: v })} aria-label={t('cases.queue.onlyOpen')} />
            <Typography.Text>{t('cases.queue.onlyOpen')}</Typography.Text>
          </Space>
        </label>
        <Input.Search aria-label={t('common.search')} placeholder={t('cases.queue.searchText')} allowClear onSearch={(v) => set({ q: v.trim() })} style={{ width: 220 }} />
      </Space>
      {q.isError && <ErrorNotice error={q.error} />}
      <Table<CaseItem>
        data-testid="case-queue"
        rowKey="id"
        size="middle"
        loading={q.isFetching}
        dataSource={q.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({ style: r.overdue ? { background: '#fff1f0' } : undefined, 'data-overdue': r.overdue ? 'true' : undefined } as HTMLAttributes<HTMLElement>)}
        pagination={{ current: page, pageSize, total: q.data?.total ?? 0, showSizeChanger: true, showTotal: (n) => t('common.total', { n }), onChange: (p, s) => { setPage(p); setPageSize(s); } }}
        columns={[
          { title: t('cases.queue.firstResponseClock'), key: 'first', render: (_, r) => <FirstResponse c={r} now={now} /> },
          { title: t('cases.queue.resolveClock'), key: 'due', render: (_, r) => <Resolution c={r} now={now} /> },
          { title: t('cases.queue.number'), key: 'id', render: (_, r) => <Link to={`/cases/${r.id}`} data-testid="case-link">{t('cases.queue.caseNo', { id: r.id })}</Link> },
          { title: t('cases.field.status'), key: 'status', render: (_, r) => <Space size={4}><Tag>{label(t, 'cases.status', r.status)}</Tag>{r.overdue && <Tag color="red">{t('cases.queue.overdue')}</Tag>}</Space> },
          { title: t('cases.queue.text'), key: 'text', render: (_, r) => <Typography.Text style={{ maxWidth: 320 }} ellipsis={{ tooltip: r.text }}>{r.text}</Typography.Text> },
          { title: t('cases.field.category'), key: 'category', render: (_, r) => label(t, 'cases.category', r.category.code) },
          { title: t('cases.field.unit'), key: 'unit', render: (_, r) => (
            <Space direction="vertical" size={0}>
              <span>{r.unit.name}</span>
              {r.transfer && <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('cases.queue.transferTo', { unit: r.transfer.unitName ?? r.transfer.unitCode })}</Typography.Text>}
            </Space>
          ) },
          { title: t('cases.field.channel'), key: 'channel', render: (_, r) => label(t, 'cases.channel', r.channel) },
          { title: t('cases.field.submittedAt'), key: 'submittedAt', render: (_, r) => formatDateTime(r.submittedAt, locale) },
        ]}
      />
    </>
  );
}
