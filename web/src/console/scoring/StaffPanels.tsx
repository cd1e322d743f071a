// A person's archive (StaffDetail): the radar of their dimensions in the latest published run, with a
// link to the full breakdown, and their integrity points (诚信积分): the balance and each change with
// the event and the evidence behind it. Out of scope, or without a result, the panels say so.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Spin, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { ErrorNotice } from '../paged.tsx';
import { useMe } from '../session.ts';
import { EvidenceLinks } from './Evidence.tsx';
import { DimensionRadar } from './Radar.tsx';
import { may, useLatestPublishedRun, type ResultDetail } from './model.ts';

interface Account {
  staff: { code: string; name: string; unitCode: string };
  basePoints: number; balance: number;
  items: { id: number; eventType: string; eventNameZh: string; at: string; period: string; points: number; balance: number; summary: string; evidence: { type: string; id: string; url: string } }[];
  page: number; pageSize: number; total: number;
}

function Radar({ code, unitCode }: { code: string; unitCode: string }) {
  const { t } = useI18n();
  const run = useLatestPublishedRun();
  const runId = run.data?.id;
  const q = useQuery({
    queryKey: ['scoring-result', runId, 'staff', code],
    queryFn: () => api.get<ResultDetail>(`/api/scoring/runs/${runId}/results/staff/${encodeURIComponent(code)}`),
    enabled: Boolean(runId),
    retry: false,
  });
  if (run.isPending || (runId && q.isPending)) return <Spin aria-label={t('common.loading')} />;
  if (!runId || (q.isError && q.error instanceof ApiError && q.error.status === 404)) return <Empty description={t('scoring.staff.noResult')} />;
  if (q.isError) return <ErrorNotice error={q.error} />;
  return (
    <>
      <DimensionRadar detail={q.data!} height={260} />
      <Typography.Paragraph data-testid="staff-score">
        {t('scoring.staff.summary', { period: run.data!.period, total: q.data!.total, rank: q.data!.rank, n: q.data!.categorySize })}{' '}
        <Link to={`/scoring/runs/${runId}/staff/${encodeURIComponent(code)}?unit=${encodeURIComponent(unitCode)}`}>{t('scoring.staff.breakdown')}</Link>
      </Typography.Paragraph>
    </>
  );
}

function Integrity({ code }: { code: string }) {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['integrity', code, page],
    queryFn: () => api.get<Account>(`/api/integrity/staff/${encodeURIComponent(code)}`, { page, pageSize: 10 }),
    placeholderData: (p) => p,
    retry: false,
  });
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) return <ErrorNotice error={q.error} />;
  const a = q.data;
  return (
    <>
      <Row gutter={16}>
        <Col span={12}><Statistic title={t('scoring.staff.balance')} value={a.balance} data-testid="integrity-balance" /></Col>
        <Col span={12}><Statistic title={t('scoring.staff.base')} value={a.basePoints} /></Col>
      </Row>
      <Table size="small" rowKey="id" style={{ marginTop: 12 }} dataSource={a.items} locale={{ emptyText: t('scoring.staff.noEvents') }} scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 10, total: a.total, onChange: setPage, showTotal: (n) => t('common.total', { n }) }}
        columns={[
          { title: t('scoring.staff.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, locale) },
          { title: t('scoring.staff.event'), dataIndex: 'summary', render: (s: string, r) => s || r.eventNameZh },
          { title: t('scoring.points'), dataIndex: 'points', render: (p: number) => <Typography.Text type={p < 0 ? 'danger' : 'success'}>{p > 0 ? `+${p}` : p}</Typography.Text> },
          { title: t('scoring.staff.balance'), dataIndex: 'balance' },
          { title: t('scoring.evidence'), key: 'e', render: (_, r) => <EvidenceLinks refs={[{ type: r.evidence.type, id: r.evidence.id }]} /> },
        ]} />
    </>
  );
}

export function StaffScorePanels({ code, unitCode }: { code: string; unitCode: string }) {
  const { t } = useI18n();
  const me = useMe().data;
  if (!may.readScores(me)) return null;
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col xs={24} lg={10}><Card title={t('scoring.radar')}><Radar code={code} unitCode={unitCode} /></Card></Col>
      <Col xs={24} lg={14}><Card title={t('scoring.staff.integrity')}><Integrity code={code} /></Card></Col>
    </Row>
  );
}
