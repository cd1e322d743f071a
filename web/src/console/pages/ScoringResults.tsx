// One run's results: the table (total, band, rank in category, bottom-10% flag, promotable) with
// filters and paging, each row opening the subject's breakdown; the band distribution; CSV/XLSX
// export; and, for organizers, the fairness report.
import { useQueries } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Input, Select, Space, Spin, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type Page } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { Chart } from '../Chart.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PagedTable, PageTitle } from '../paged.tsx';
import { bandColour, bandName, may, pick, useFramework, useRun, type Band, type ResultRow } from '../scoring/model.ts';
import { useMe } from '../session.ts';
import Fairness from './ScoringFairness.tsx';
import NotFound from './NotFound.tsx';
import { PublishButtonFor, RunStatus } from './ScoringRuns.tsx';

const CATEGORIES = ['window_service', 'law_enforcement', 'general_admin'];

/** How many results fall in each band, per kind (one count query per band and kind). */
function BandChart({ runId, bands, category }: { runId: number; bands: Band[]; category?: string }) {
  const { t, locale } = useI18n();
  const kinds = ['staff', 'unit'] as const;
  const counts = useQueries({
    queries: kinds.flatMap((kind) => bands.map((b) => ({
      queryKey: ['scoring-band-count', runId, kind, b.code, category],
      queryFn: () => api.get<Page<ResultRow>>(`/api/scoring/runs/${runId}/results`, { kind, band: b.code, category, pageSize: 1 }),
    }))),
  });
  const ready = counts.every((c) => c.data);
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    legend: { data: [t('scoring.kind.staff'), t('scoring.kind.unit')] },
    grid: { left: 48, right: 16, bottom: 32 },
    xAxis: { type: 'category', data: bands.map((b) => pick(locale, b.nameZh, b.nameEn)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: kinds.map((kind, k) => ({
      name: t(kind === 'staff' ? 'scoring.kind.staff' : 'scoring.kind.unit'), type: 'bar',
      data: bands.map((_, i) => counts[k * bands.length + i]?.data?.total ?? 0),
    })),
  }), [bands, counts, locale, t]);
  if (!ready) return <Spin aria-label={t('common.loading')} />;
  const total = counts.reduce((s, c) => s + (c.data?.total ?? 0), 0);
  return (
    <>
      {total ? <Chart option={option} label={t('scoring.bandDistribution')} /> : <Empty description={t('scoring.noResults')} />}
      <Space wrap data-testid="band-counts">
        {kinds.map((kind, k) => bands.map((b, i) => (
          <Tag key={`${kind}-${b.code}`} color={bandColour(b.code)}>
            {t(kind === 'staff' ? 'scoring.kind.staff' : 'scoring.kind.unit')} · {pick(locale, b.nameZh, b.nameEn)}: {counts[k * bands.length + i]?.data?.total ?? 0}
          </Tag>
        )))}
      </Space>
    </>
  );
}

export default function ScoringResults() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const id = Number(useParams().id);
  const run = useRun(id);
  const framework = useFramework(run.data?.frameworkId);
  const [kind, setKind] = useState<string | undefined>();
  const [category, setCategory] = useState<string | undefined>();
  const [band, setBand] = useState<string | undefined>();
  const [q, setQ] = useState('');
  if (!Number.isInteger(id) || id < 1) return <NotFound />;
  if (run.isPending) return <Spin aria-label={t('common.loading')} />;
  if (run.isError) return run.error instanceof ApiError && run.error.status === 404 ? <NotFound /> : <ErrorNotice error={run.error} />;
  const r = run.data;
  const bands = framework.data?.definition.bands ?? [];
  const def = framework.data;
  const columns: TableColumnsType<ResultRow> = [
    { title: t('scoring.kind'), dataIndex: 'subjectKind', render: (k: string) => t(k === 'staff' ? 'scoring.kind.staff' : 'scoring.kind.unit') },
    {
      title: t('field.code'), dataIndex: 'subjectCode',
      render: (c: string, row) => <Link data-testid="result-link" to={`/scoring/runs/${id}/${row.subjectKind}/${encodeURIComponent(c)}?unit=${encodeURIComponent(row.unitCode)}`}>{c}</Link>,
    },
    { title: t('field.unit'), dataIndex: 'unitName' },
    { title: t('field.category'), dataIndex: 'category', render: (c: string) => label(t, 'category', c) },
    { title: t('field.staffLevel'), dataIndex: 'level', render: (l: string | null) => label(t, 'staffLevel', l) },
    { title: t('scoring.total'), dataIndex: 'total', align: 'right', render: (v: number) => <strong>{v.toFixed(2)}</strong> },
    { title: t('scoring.band'), dataIndex: 'band', render: (b: string, row) => <Space size={4}><Tag color={bandColour(b)}>{bandName(locale, bands, b)}</Tag>{row.vetoed && <Tag color="red">{t('scoring.vetoed')}</Tag>}</Space> },
    { title: t('scoring.rank'), key: 'rank', render: (_, row) => `${row.rank} / ${row.categorySize}` },
    { title: t('scoring.bottom'), dataIndex: 'bottom', render: (b: boolean) => (b ? <Tag color="red">{t('scoring.bottomYes')}</Tag> : '—') },
    { title: t('scoring.promotable'), dataIndex: 'promotionEligible', render: (v: boolean | null) => (v === null ? '—' : v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>) },
  ];
  const exportHref = (format: 'csv' | 'xlsx') => `/api/scoring/runs/${id}/export?format=${format}`;
  return (
    <>
      <PageTitle extra={
        <Space wrap>
          <Link to="/scoring">{t('common.back')}</Link>
          <Button href={exportHref('csv')} download data-testid="export-csv">{t('scoring.exportCsv')}</Button>
          <Button href={exportHref('xlsx')} download>{t('scoring.exportXlsx')}</Button>
          {r.status === 'draft' && may.publishRun(me) && <PublishButtonFor run={r} />}
        </Space>
      }>{t('scoring.resultsTitle', { id: r.id, period: r.period })}</PageTitle>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="run-info">
          <Descriptions.Item label={t('scoring.period')}>{r.period}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.framework')}>
            <Link to={`/scoring/frameworks/${r.frameworkId}`}>{def ? `${pick(locale, def.nameZh, def.nameEn)} v${def.versionNo}` : `#${r.frameworkId}`}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('field.status')}><RunStatus status={r.status} /></Descriptions.Item>
          <Descriptions.Item label={t('scoring.subjects')}>{r.subjectCount}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.unscored')}>{r.unscoredCount}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.publishedAt')}>{formatDateTime(r.publishedAt, locale)}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.digest')} span={3}><Typography.Text code copyable style={{ fontSize: 12 }}>{r.digest}</Typography.Text></Descriptions.Item>
        </Descriptions>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{r.status === 'published' ? t('scoring.publishedHelp') : t('scoring.draftHelp')}</Typography.Paragraph>
      </Card>
      <Tabs
        items={[
          {
            key: 'results', label: t('scoring.tab.results'), children: (
              <>
                <Space wrap style={{ marginBottom: 12 }}>
                  <Select aria-label={t('scoring.kind')} allowClear placeholder={t('scoring.allKinds')} style={{ width: 140 }} value={kind} onChange={setKind}
                    options={[{ value: 'staff', label: t('scoring.kind.staff') }, { value: 'unit', label: t('scoring.kind.unit') }]} />
                  <Select aria-label={t('field.category')} allowClear placeholder={t('scoring.allCategories')} style={{ width: 160 }} value={category} onChange={setCategory}
                    options={CATEGORIES.map((c) => ({ value: c, label: label(t, 'category', c) }))} />
                  <Select aria-label={t('scoring.band')} allowClear placeholder={t('scoring.allBands')} style={{ width: 140 }} value={band} onChange={setBand}
                    options={bands.map((b) => ({ value: b.code, label: pick(locale, b.nameZh, b.nameEn) }))} />
                  <Input.Search aria-label={t('scoring.codeSearch')} placeholder={t('scoring.codeSearch')} allowClear style={{ width: 220 }} onSearch={(v) => setQ(v.trim())} />
                </Space>
                <PagedTable<ResultRow> url={`/api/scoring/runs/${id}/results`} rowKey="digest" columns={columns} search={false} testId="results-table"
                  filters={{ kind, category, band, q: q || undefined }} />
              </>
            ),
          },
          {
            key: 'bands', label: t('scoring.bandDistribution'),
            children: bands.length ? <BandChart runId={id} bands={bands} category={category} /> : <Spin aria-label={t('common.loading')} />,
          },
          ...(may.fairness(me) ? [{ key: 'fairness', label: t('scoring.fairness'), children: <Fairness runId={id} /> }] : []),
        ]}
      />
    </>
  );
}
