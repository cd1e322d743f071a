// The dashboard: service-quality metrics (好评率, 差评整改率, …) of the units in the caller's scope
// for a period, from GET /api/metrics/units; a bar chart, a heatmap of units × metrics, the bottom
// 10% by 好评率 and the full table. Rates computed from too small a sample are shown as —.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, type Page } from '../../shared/api.ts';
import { formatRate } from '../../shared/format.ts';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { Chart } from '../Chart.tsx';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { ScoringDashboard } from '../scoring/DashboardPanels.tsx';

interface Metric { value: number | null; numerator: number; denominator: number; reason?: string }
interface UnitMetrics {
  unit: { code: string; name: string; category: string };
  minSample: number;
  counts: { ratings: number; badRatings: number; rectifications: number; openRectifications: number; overdueRectifications: number; completedTransactions: number };
  metrics: Record<'goodRate' | 'badRate' | 'rectificationRate' | 'onTimeRectificationRate' | 'revisitRate' | 'falseRectificationRate' | 'onTimeCompletionRate', Metric>;
}

const METRICS: { key: keyof UnitMetrics['metrics']; label: MessageKey }[] = [
  { key: 'goodRate', label: 'metric.goodRate' },
  { key: 'badRate', label: 'metric.badRate' },
  { key: 'rectificationRate', label: 'metric.rectificationRate' },
  { key: 'onTimeRectificationRate', label: 'metric.onTimeRectificationRate' },
  { key: 'revisitRate', label: 'metric.revisitRate' },
  { key: 'onTimeCompletionRate', label: 'metric.onTimeCompletionRate' },
];

const PERIODS: { days: number; label: MessageKey }[] = [
  { days: 30, label: 'dashboard.period30' },
  { days: 90, label: 'dashboard.period90' },
  { days: 365, label: 'dashboard.period365' },
];

/** A day in Beijing time as YYYY-MM-DD, `offset` days from today. */
function beijingDay(offset: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

/** One rate over every listed unit (numerators and denominators added), under the same minimum sample. */
function pooled(rows: UnitMetrics[], key: keyof UnitMetrics['metrics']): number | null {
  let n = 0;
  let d = 0;
  for (const r of rows) {
    n += r.metrics[key].numerator;
    d += r.metrics[key].denominator;
  }
  const minSample = rows[0]?.minSample ?? 1;
  return d > 0 && d >= minSample ? n / d : null;
}

export default function Dashboard() {
  const t = useT();
  const [days, setDays] = useState(90);
  const from = beijingDay(-days + 1);
  const to = beijingDay(1);
  const q = useQuery({
    queryKey: ['metrics', from, to],
    queryFn: () => api.get<Page<UnitMetrics>>('/api/metrics/units', { from, to, pageSize: 500 }),
  });
  // Units with evidence first, the rest in the server's order.
  // Open complaint cases past their deadline (投诉举报逾期), in scope; hidden for roles that may not read cases.
  const overdueCases = useQuery({
    queryKey: ['cases', 'overdue'],
    queryFn: () => api.get<Page<{ unitCode: string; overdue: number }>>('/api/cases/overdue'),
    retry: false,
  });
  const rows = useMemo(() => [...(q.data?.items ?? [])].sort((a, b) => b.counts.ratings - a.counts.ratings), [q.data]);
  const rated = rows.filter((r) => r.counts.ratings > 0 || r.counts.rectifications > 0);
  const shown = rated.slice(0, 30);
  const bottom = useMemo(() => {
    const withRate = rated.filter((r) => r.metrics.goodRate.value !== null).sort((a, b) => a.metrics.goodRate.value! - b.metrics.goodRate.value!);
    return withRate.slice(0, Math.max(1, Math.ceil(withRate.length * 0.1)));
  }, [rated]);
  const bar = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { data: [t('metric.goodRate'), t('metric.rectificationRate')] },
    grid: { left: 48, right: 16, bottom: 80 },
    xAxis: { type: 'category', data: shown.map((r) => r.unit.name), axisLabel: { rotate: 40, fontSize: 10 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: t('metric.goodRate'), type: 'bar', data: shown.map((r) => (r.metrics.goodRate.value === null ? null : +(r.metrics.goodRate.value * 100).toFixed(1))) },
      { name: t('metric.rectificationRate'), type: 'bar', data: shown.map((r) => (r.metrics.rectificationRate.value === null ? null : +(r.metrics.rectificationRate.value * 100).toFixed(1))) },
    ],
  }), [shown, t]);
  const heat = useMemo(() => ({
    tooltip: { position: 'top' },
    grid: { left: 160, right: 16, top: 8, bottom: 80 },
    xAxis: { type: 'category', data: METRICS.map((m) => t(m.label)), axisLabel: { rotate: 30, fontSize: 10 } },
    yAxis: { type: 'category', data: shown.map((r) => r.unit.name), axisLabel: { fontSize: 10 } },
    visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, show: false },
    series: [{
      type: 'heatmap',
      data: shown.flatMap((r, y) => METRICS.map((m, x) => [x, y, r.metrics[m.key].value === null ? '-' : +(r.metrics[m.key].value! * 100).toFixed(1)])),
    }],
  }), [shown, t]);

  return (
    <>
      <PageTitle extra={
        <Select aria-label={t('dashboard.period')} value={days} onChange={setDays} style={{ width: 160 }} options={PERIODS.map((p) => ({ value: p.days, label: t(p.label) }))} />
      }>{t('nav.dashboard')}</PageTitle>
      {q.isError && <ErrorNotice error={q.error} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Card><Statistic title={t('metric.goodRate')} value={formatRate(pooled(rows, 'goodRate'))} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('metric.rectificationRate')} value={formatRate(pooled(rows, 'rectificationRate'))} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('dashboard.ratings')} value={rows.reduce((s, r) => s + r.counts.ratings, 0)} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('dashboard.overdue')} value={rows.reduce((s, r) => s + r.counts.overdueRectifications, 0)} /></Card></Col>
        {overdueCases.isSuccess && (
          <Col xs={12} md={6}><Card><Statistic title={t('dashboard.overdueCases')} value={overdueCases.data.items.reduce((s, r) => s + r.overdue, 0)} /></Card></Col>
        )}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card title={t('dashboard.byUnit')}>
            {shown.length ? <Chart option={bar} label={t('dashboard.byUnit')} /> : <Empty description={t('dashboard.noData')} />}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('dashboard.bottom')}>
            <Table size="small" rowKey={(r) => r.unit.code} pagination={false} dataSource={bottom} locale={{ emptyText: t('dashboard.noData') }}
              columns={[
                { title: t('field.unit'), key: 'u', render: (_, r) => r.unit.name },
                { title: t('metric.goodRate'), key: 'g', render: (_, r) => formatRate(r.metrics.goodRate.value) },
              ]} />
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={t('dashboard.heatmap')}>
            {shown.length ? <Chart option={heat} height={Math.max(240, shown.length * 22 + 100)} label={t('dashboard.heatmap')} /> : <Empty description={t('dashboard.noData')} />}
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={t('dashboard.table')}>
            <Typography.Paragraph type="secondary">{t('dashboard.minSample')}</Typography.Paragraph>
            <Table size="small" rowKey={(r) => r.unit.code} dataSource={rows} loading={q.isFetching} scroll={{ x: 'max-content' }} data-testid="metrics-table"
              columns={[
                { title: t('field.unit'), key: 'u', fixed: 'left', render: (_, r) => r.unit.name },
                { title: t('dashboard.ratings'), key: 'n', render: (_, r) => r.counts.ratings },
                ...METRICS.map((m) => ({ title: t(m.label), key: m.key, render: (_: unknown, r: UnitMetrics) => formatRate(r.metrics[m.key].value) })),
              ]} />
          </Card>
        </Col>
      </Row>
      <ScoringDashboard />
      <Space />
    </>
  );
}
