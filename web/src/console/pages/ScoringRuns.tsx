// Scoring runs (考核计分): every run with its period, framework and status; an organizer starts a run
// for a period (the same evidence gives back the existing run) and publishes a draft, which freezes it
// and commits it to the ledger.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Space, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, friendlyError, type Page } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';
import { lastQuarter, may, PERIOD_RE, pick, type Framework, type Run } from '../scoring/model.ts';
import { useMe } from '../session.ts';

export function RunStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return status === 'published'
    ? <Tag color="green" data-testid="run-status">{t('scoring.status.published')}</Tag>
    : <Tag color="orange" data-testid="run-status">{t('scoring.status.draft')}</Tag>;
}

export function usePublishRun(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Run>(`/api/scoring/runs/${id}/publish`),
    onSuccess: () => qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).includes('scoring') }),
  });
}

export function PublishButtonFor({ run }: { run: Run }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const publish = usePublishRun(run.id);
  return (
    <Popconfirm title={t('scoring.publishConfirm')} okText={t('scoring.publish')} cancelText={t('scoring.cancel')}
      onConfirm={() => publish.mutateAsync().then(() => message.success(t('scoring.published')), (e) => message.error(friendlyError(t, e)))}>
      <Button size="small" loading={publish.isPending} data-testid="run-publish">{t('scoring.publish')}</Button>
    </Popconfirm>
  );
}

function StartRun() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const frameworks = useQuery({
    queryKey: ['scoring-frameworks-published'],
    queryFn: () => api.get<Page<Framework>>('/api/scoring/frameworks', { status: 'published', pageSize: 100 }),
  });
  const [created, setCreated] = useState<boolean | null>(null);
  const start = useMutation({
    mutationFn: (v: { period: string; frameworkId?: number }) => api.post<{ run: Run; created: boolean }>('/api/scoring/runs', v),
    onSuccess: (r) => {
      setCreated(r.created);
      void qc.invalidateQueries({ queryKey: ['/api/scoring/runs'] });
      navigate(`/scoring/runs/${r.run.id}`);
    },
  });
  return (
    <Card title={t('scoring.startTitle')} style={{ marginBottom: 16 }}>
      <Form name="start-run" layout="inline" initialValues={{ period: lastQuarter() }} onFinish={(v: { period: string; frameworkId?: number }) => start.mutate({ period: v.period.trim(), frameworkId: v.frameworkId })}>
        <Form.Item name="period" label={t('scoring.period')} rules={[{ required: true, message: t('error.required') }, { pattern: PERIOD_RE, message: t('scoring.periodHelp') }]}>
          <Input style={{ width: 140 }} maxLength={7} placeholder="2026Q3" />
        </Form.Item>
        <Form.Item name="frameworkId" label={t('scoring.framework')}>
          <Select allowClear style={{ width: 280 }} placeholder={t('scoring.latestFramework')} aria-label={t('scoring.framework')}
            options={(frameworks.data?.items ?? []).map((f) => ({ value: f.id, label: `${pick(locale, f.nameZh, f.nameEn)} v${f.versionNo}` }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={start.isPending} data-testid="run-start">{t('scoring.start')}</Button>
      </Form>
      {start.isPending && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('scoring.running')} />}
      {start.isError && <Alert style={{ marginTop: 12 }} type="error" role="alert" showIcon title={friendlyError(t, start.error)} description={start.error.message} />}
      {created === false && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('scoring.sameRun')} />}
    </Card>
  );
}

export default function ScoringRuns() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [status, setStatus] = useState<string | undefined>();
  const columns: TableColumnsType<Run> = [
    { title: t('scoring.runNo'), dataIndex: 'id', render: (id: number) => <Link to={`/scoring/runs/${id}`} data-testid="run-link">#{id}</Link> },
    { title: t('scoring.period'), dataIndex: 'period' },
    { title: t('scoring.framework'), dataIndex: 'frameworkId', render: (id: number) => <Link to={`/scoring/frameworks/${id}`}>#{id}</Link> },
    { title: t('field.status'), dataIndex: 'status', render: (s: string) => <RunStatus status={s} /> },
    { title: t('scoring.subjects'), dataIndex: 'subjectCount' },
    { title: t('scoring.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, locale) },
    { title: t('scoring.publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => formatDateTime(v, locale) },
    {
      title: t('common.actions'), key: 'a', render: (_, r) => (
        <Space>
          <Link to={`/scoring/runs/${r.id}`}>{t('scoring.viewResults')}</Link>
          {r.status === 'draft' && may.publishRun(me) && <PublishButtonFor run={r} />}
        </Space>
      ),
    },
  ];
  return (
    <>
      <PageTitle extra={
        <Select aria-label={t('field.status')} allowClear placeholder={t('scoring.allStatuses')} style={{ width: 160 }} value={status} onChange={setStatus}
          options={[{ value: 'draft', label: t('scoring.status.draft') }, { value: 'published', label: t('scoring.status.published') }]} />
      }>{t('scoring.runsTitle')}</PageTitle>
      {may.run(me) && <StartRun />}
      <PagedTable<Run> url="/api/scoring/runs" rowKey="id" columns={columns} filters={{ status }} search={false} testId="runs-table" />
    </>
  );
}
