// The dashboard's scoring panels, all in the caller's data scope: a heatmap of units × dimensions from
// the latest published run (the 30 lowest totals; each cell the share of the dimension's points
// gained), its bottom-10% units, and trend lines of 好评率 and 差评整改率 over the last six months.
import { useQueries, useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Spin, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, type Page } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { Chart } from '../Chart.tsx';
import { ErrorNotice } from '../paged.tsx';
import { useMe } from '../session.ts';
import { bandColour, bandName, may, pick, useFramework, useLatestPublishedRun, type UnitMatrixRow } from './model.ts';

interface Rate { numerator: number; denominator: number }
interface UnitMetrics { minSample: number; metrics: Record<'goodRate' | 'rectificationRate', Rate> }

/** The first day of the month `back` months before this one (Beijing time), YYYY-MM-DD. */
function monthStart(back: number, now = Date.now()): string {
  const d = new Date(now + 8 * 3_600_000);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return m.toISOString().slice(0, 10);
}

function pooled(rows: UnitMetrics[], key: 'goodRate' | 'rectificationRate'): number | null {
  let n = 0;
  let d = 0;
  for (const r of rows) {
    n += r.metrics[key].numerator;
    d += r.metrics[key].denominator;
  }
  return d > 0 && d >= (rows[0]?.minSample ?? 1) ? +((n / d) * 100).toFixed(1) : null;
}

function Trend() {
  const { t } = useI18n();
  const months = [5, 4, 3, 2, 1, 0].map((back) => ({ from: monthStart(back), to: monthStart(back - 1) }));
  const qs = useQueries({
    queries: months.map((m) => ({
      queryKey: ['metrics', m.from, m.to],
      queryFn: () => api.get<Page<UnitMetrics>>('/api/metrics/units', { from: m.from, to: m.to, pageSize: 500 }),
      staleTime: 300_000,
    })),
  });
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t('metric.goodRate'), t('metric.rectificationRate')] },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.from.slice(0, 7)) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: (['goodRate', 'rectificationRate'] as const).map((k) => ({
      name: t(k === 'goodRate' ? 'metric.goodRate' : 'metric.rectificationRate'), type: 'line', connectNulls: false,
      data: qs.map((q) => (q.data ? pooled(q.data.items, k) : null)),
    })),
  }), [qs, months, t]);
  if (qs.some((q) => q.isPending)) return <Spin aria-label={t('common.loading')} />;
  const failed = qs.find((q) => q.isError);
  if (failed) return <ErrorNotice error={failed.error} />;
  return <Chart option={option} height={280} label={t('scoring.dash.trend')} />;
}

export function ScoringDashboard() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const show = may.readScores(me) && me?.role !== 'staff';
  const run = useLatestPublishedRun(show);
  const runId = run.data?.id;
  const framework = useFramework(run.data?.frameworkId);
  const matrix = useQuery({
    queryKey: ['scoring-units', runId, 'worst'],
    queryFn: () => api.get<Page<UnitMatrixRow>>(`/api/scoring/runs/${runId}/units`, { pageSize: 30 }),
    enabled: Boolean(runId),
  });
  const bottom = useQuery({
    queryKey: ['scoring-units', runId, 'bottom'],
    queryFn: () => api.get<Page<UnitMatrixRow>>(`/api/scoring/runs/${runId}/units`, { bottom: true, pageSize: 20 }),
    enabled: Boolean(runId),
  });
  const rows = matrix.data?.items ?? [];
  // Dimensions by code in the order they first appear (categories share the four dimensions).
  const dims = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of rows) for (const d of r.dimensions) if (!m.has(d.code)) m.set(d.code, pick(locale, d.nameZh, d.nameEn));
    return [...m];
  }, [rows, locale]);
  const heat = useMemo(() => ({
    tooltip: { position: 'top' },
    grid: { left: 180, right: 16, top: 8, bottom: 48 },
    xAxis: { type: 'category', data: dims.map(([, n]) => n) },
    yAxis: { type: 'category', data: rows.map((r) => `${r.unitName} (${r.total})`), axisLabel: { fontSize: 10 } },
    visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, show: false, inRange: { color: ['#b71c1c', '#fff59d', '#2e7d32'] } },
    series: [{
      type: 'heatmap', label: { show: true, fontSize: 10 },
      data: rows.flatMap((r, y) => dims.map(([code], x) => {
        const d = r.dimensions.find((v) => v.code === code);
        return [x, y, d && d.max > 0 ? Math.round((d.points / d.max) * 100) : '-'];
      })),
    }],
  }), [rows, dims]);
  const bands = framework.data?.definition.bands;
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col xs={24} lg={12}>
        <Card title={t('scoring.dash.trend')}><Trend /></Card>
      </Col>
      {show && (
        <Col xs={24} lg={12}>
          <Card title={t('scoring.dash.bottom')} extra={runId ? <Link to={`/scoring/runs/${runId}`}>{t('scoring.dash.run', { period: run.data!.period })}</Link> : null}>
            {run.data === null ? <Empty description={t('scoring.dash.noRun')} /> : (
              <Table<UnitMatrixRow> size="small" rowKey="unitCode" pagination={false} dataSource={bottom.data?.items ?? []} loading={bottom.isFetching} data-testid="scoring-bottom"
                locale={{ emptyText: t('dashboard.noData') }}
                columns={[
                  { title: t('field.unit'), key: 'u', render: (_, r) => <Link to={`/scoring/runs/${runId}/unit/${encodeURIComponent(r.unitCode)}`}>{r.unitName}</Link> },
                  { title: t('scoring.total'), dataIndex: 'total' },
                  { title: t('scoring.band'), dataIndex: 'band', render: (b: string) => <Tag color={bandColour(b)}>{bandName(locale, bands, b)}</Tag> },
                  { title: t('scoring.rank'), key: 'r', render: (_, r) => `${r.rank} / ${r.categorySize}` },
                ]} />
            )}
          </Card>
        </Col>
      )}
      {show && (
        <Col xs={24}>
          <Card title={t('scoring.dash.heatmap')}>
            {matrix.isError && <ErrorNotice error={matrix.error} />}
            {run.data === null || (matrix.data && !rows.length)
              ? <Empty description={t('scoring.dash.noRun')} />
              : rows.length ? <Chart option={heat} height={Math.max(240, rows.length * 22 + 80)} label={t('scoring.dash.heatmap')} /> : <Spin aria-label={t('common.loading')} />}
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('scoring.dash.heatmapHelp')}</Typography.Paragraph>
          </Card>
        </Col>
      )}
    </Row>
  );
}
