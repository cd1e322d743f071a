// The fairness report of a run (公平性): score distributions by level (leader / base) and by unit
// category, the difference of means of each pair of groups, flagged above the chosen gap; optionally
// each subject's percentile within its category.
import { useQuery } from '@tanstack/react-query';
import { Card, InputNumber, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../shared/api.ts';
import { useI18n, type Translate } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice } from '../paged.tsx';

interface Dist { group: string; n: number; mean: number; median: number; p10: number; p90: number; min: number; max: number }
interface Report {
  runId: number; gapThreshold: number; byLevel: Dist[]; byCategory: Dist[];
  gaps: { by: string; a: string; b: string; difference: number; flagged: boolean }[];
  normalised?: { subjectKind: string; subjectCode: string; category: string; total: number; percentile: number }[];
}

const groupName = (t: Translate, by: string, g: string) => label(t, by === 'level' ? 'staffLevel' : 'category', g);

function DistTable({ rows, by }: { rows: Dist[]; by: string }) {
  const { t } = useI18n();
  const n = (v: number) => v.toFixed(2);
  return (
    <Table<Dist> size="small" rowKey="group" pagination={false} dataSource={rows} scroll={{ x: 'max-content' }}
      columns={[
        { title: t('scoring.fair.group'), dataIndex: 'group', render: (g: string) => groupName(t, by, g) },
        { title: 'n', dataIndex: 'n' },
        { title: t('scoring.fair.mean'), dataIndex: 'mean', render: n },
        { title: t('scoring.fair.median'), dataIndex: 'median', render: n },
        { title: 'P10', dataIndex: 'p10', render: n },
        { title: 'P90', dataIndex: 'p90', render: n },
        { title: t('scoring.fair.min'), dataIndex: 'min', render: n },
        { title: t('scoring.fair.max'), dataIndex: 'max', render: n },
      ]} />
  );
}

export default function Fairness({ runId }: { runId: number }) {
  const { t } = useI18n();
  const [gap, setGap] = useState(5);
  const [normalise, setNormalise] = useState(false);
  const q = useQuery({
    queryKey: ['scoring-fairness', runId, gap, normalise],
    queryFn: () => api.get<Report>(`/api/scoring/runs/${runId}/fairness`, { gap, normalise: normalise || undefined }),
    placeholderData: (p) => p,
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="fairness">
      <Space wrap>
        <label>
          <Space>
            {t('scoring.fair.gap')}
            <InputNumber aria-label={t('scoring.fair.gap')} min={0} max={100} step={0.5} value={gap} onChange={(v) => setGap(typeof v === 'number' ? v : 5)} />
          </Space>
        </label>
        <label>
          <Space>
            <Switch checked={normalise} onChange={setNormalise} aria-label={t('scoring.fair.normalise')} />
            {t('scoring.fair.normalise')}
          </Space>
        </label>
      </Space>
      {q.isError && <ErrorNotice error={q.error} />}
      {q.isPending ? <Spin aria-label={t('common.loading')} /> : q.data && (
        <>
          <Card size="small" title={t('scoring.fair.byLevel')}><DistTable rows={q.data.byLevel} by="level" /></Card>
          <Card size="small" title={t('scoring.fair.byCategory')}><DistTable rows={q.data.byCategory} by="category" /></Card>
          <Card size="small" title={t('scoring.fair.gaps')}>
            <Table size="small" rowKey={(g) => `${g.by}:${g.a}:${g.b}`} pagination={false} dataSource={q.data.gaps}
              columns={[
                { title: t('scoring.fair.pair'), key: 'p', render: (_, g) => `${groupName(t, g.by, g.a)} − ${groupName(t, g.by, g.b)}` },
                { title: t('scoring.fair.difference'), dataIndex: 'difference', render: (v: number) => v.toFixed(2) },
                { title: t('scoring.fair.flag'), dataIndex: 'flagged', render: (f: boolean) => (f ? <Tag color="red">{t('scoring.fair.flagged')}</Tag> : <Tag color="green">{t('scoring.fair.within')}</Tag>) },
              ]} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('scoring.fair.help', { gap: q.data.gapThreshold })}</Typography.Paragraph>
          </Card>
          {q.data.normalised && (
            <Card size="small" title={t('scoring.fair.percentiles')}>
              <Table size="small" rowKey={(r) => `${r.subjectKind}:${r.subjectCode}`} dataSource={q.data.normalised} pagination={{ pageSize: 20 }}
                columns={[
                  { title: t('field.code'), dataIndex: 'subjectCode' },
                  { title: t('field.category'), dataIndex: 'category', render: (c: string) => label(t, 'category', c) },
                  { title: t('scoring.total'), dataIndex: 'total', render: (v: number) => v.toFixed(2) },
                  { title: t('scoring.fair.percentile'), dataIndex: 'percentile', render: (v: number) => v.toFixed(1) },
                ]} />
            </Card>
          )}
        </>
      )}
    </Space>
  );
}
