// The evidence behind a point (docs/scoring.md: every point carries its evidence references). A
// rectification or complaint case opens in its console page; a metric shows its value, numerator,
// denominator and sample for the subject and period; any other record (a rating, an audit finding,
// a 12345 ticket, …) shows its ledger entry (存证), whose inclusion proof is checked here in the
// browser against the signed checkpoint.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Drawer, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, friendlyError, type Page } from '../../shared/api.ts';
import { formatDateTime, formatRate } from '../../shared/format.ts';
import { useI18n, type MessageKey } from '../../shared/i18n/index.tsx';
import { parseCheckpoint, rootFromInclusionProof } from '../../shared/merkle.ts';
import type { EvidenceRef } from './model.ts';

const TYPE_KEYS: Record<string, MessageKey> = {
  rectification: 'scoring.evidence.rectification',
  'rectification.event': 'scoring.evidence.rectificationEvent',
  case: 'scoring.evidence.case',
  rating: 'scoring.evidence.rating',
  audit_finding: 'scoring.evidence.auditFinding',
  hotline_ticket: 'scoring.evidence.hotlineTicket',
  proposal: 'scoring.evidence.proposal',
  training_record: 'scoring.evidence.trainingRecord',
  metric: 'scoring.evidence.metric',
};

/** Where a reference opens in the console, when it has a page of its own. */
export function evidencePath(ref: EvidenceRef): string | null {
  if (ref.type === 'rectification') return `/rectifications/${encodeURIComponent(ref.id)}`;
  if (ref.type === 'case') return `/cases/${encodeURIComponent(ref.id)}`;
  return null;
}

export function EvidenceLinks({ refs, unitCode }: { refs: EvidenceRef[]; unitCode?: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<EvidenceRef | null>(null);
  if (!refs.length) return <Typography.Text type="secondary">—</Typography.Text>;
  const name = (r: EvidenceRef) => (TYPE_KEYS[r.type] ? t(TYPE_KEYS[r.type]!) : r.type);
  return (
    <>
      <Space wrap size={4}>
        {refs.map((r) => {
          const to = evidencePath(r);
          const text = r.type === 'metric' ? name(r) : `${name(r)} #${r.id}`;
          return to
            ? <Link key={`${r.type}:${r.id}`} to={to} data-testid="evidence-link" data-evidence={`${r.type}:${r.id}`}>{text}</Link>
            : <Button key={`${r.type}:${r.id}`} type="link" size="small" style={{ padding: 0 }} data-testid="evidence-open" data-evidence={`${r.type}:${r.id}`} onClick={() => setOpen(r)}>{text}</Button>;
        })}
      </Space>
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={open ? name(open) : ''} width={520} destroyOnHidden>
        {open && (open.type === 'metric' ? <MetricEvidence id={open.id} unitCode={unitCode} /> : <LedgerEvidence evidence={open} />)}
      </Drawer>
    </>
  );
}

interface MetricValue { value: number | null; numerator: number | null; denominator: number | null; sample: number; insufficient: boolean }
interface SubjectMetrics { subject: { code: string; name: string }; metrics: Record<string, MetricValue> }

/** A metric reference is `metricCode/period/kind/subjectCode`. */
function MetricEvidence({ id, unitCode }: { id: string; unitCode?: string }) {
  const { t } = useI18n();
  const [metric, period, kind, code] = id.split('/');
  const q = useQuery({
    queryKey: ['metric-evidence', id, unitCode],
    queryFn: () => api.get<Page<SubjectMetrics>>('/api/metrics', { kind, period, codes: metric, unitCode: kind === 'unit' ? code : unitCode, pageSize: 500 }),
    enabled: Boolean(metric && period && kind && code),
  });
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) return <Alert type="error" role="alert" showIcon title={friendlyError(t, q.error)} />;
  const row = q.data.items.find((r) => r.subject.code === code);
  const v = row?.metrics[metric!];
  return (
    <Descriptions column={1} bordered size="small" data-testid="metric-evidence">
      <Descriptions.Item label={t('scoring.evidence.metricCode')}>{metric}</Descriptions.Item>
      <Descriptions.Item label={t('scoring.period')}>{period}</Descriptions.Item>
      <Descriptions.Item label={t('scoring.subject')}>{row ? `${row.subject.name}（${code}）` : code}</Descriptions.Item>
      {v ? (
        <>
          <Descriptions.Item label={t('scoring.evidence.value')}>{v.value === null ? '—' : v.value <= 1 && v.value >= 0 ? `${v.value}（${formatRate(v.value)}）` : v.value}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.evidence.numerator')}>{v.numerator ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.evidence.denominator')}>{v.denominator ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.evidence.sample')}>{v.sample}</Descriptions.Item>
          <Descriptions.Item label={t('scoring.evidence.sufficient')}>
            {v.insufficient ? <Tag color="orange">{t('scoring.evidence.insufficient')}</Tag> : <Tag color="green">{t('common.yes')}</Tag>}
          </Descriptions.Item>
        </>
      ) : <Descriptions.Item label={t('scoring.evidence.value')}>{t('scoring.evidence.noMetric')}</Descriptions.Item>}
    </Descriptions>
  );
}

interface RecordProof {
  type: string; id: string; version: number; leafIndex: number; entry: string; entryFields: { time: string; digest: string };
  treeSize: number; rootHash: string; inclusionProof: string[]; checkpoint: string; stored: { version: number; digest: string; matchesEntry: boolean };
}

function LedgerEvidence({ evidence }: { evidence: EvidenceRef }) {
  const { t, locale } = useI18n();
  const q = useQuery({
    queryKey: ['ledger-evidence', evidence.type, evidence.id],
    queryFn: async () => {
      const proof = await api.get<RecordProof>(`/api/ledger/records/${encodeURIComponent(evidence.type)}/${encodeURIComponent(evidence.id)}`);
      const root = await rootFromInclusionProof(proof.entry, proof.leafIndex, proof.treeSize, proof.inclusionProof);
      const signed = parseCheckpoint(proof.checkpoint);
      return { proof, ok: root !== null && root === proof.rootHash && signed?.root === root && signed.size === proof.treeSize && proof.stored.matchesEntry };
    },
    retry: false,
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('scoring.evidence.type')}>{evidence.type}</Descriptions.Item>
        <Descriptions.Item label={t('scoring.evidence.id')}>{evidence.id}</Descriptions.Item>
      </Descriptions>
      {q.isPending && <Spin aria-label={t('common.loading')} />}
      {q.isError && (
        <Alert type="warning" role="alert" showIcon
          title={q.error instanceof ApiError && q.error.status === 404 ? t('scoring.evidence.notInLedger') : friendlyError(t, q.error)} />
      )}
      {q.data && (
        <>
          <Alert type={q.data.ok ? 'success' : 'error'} showIcon data-testid="evidence-verified" title={q.data.ok ? t('scoring.evidence.verified') : t('scoring.evidence.verifyFailed')} />
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('scoring.evidence.version')}>{q.data.proof.version}</Descriptions.Item>
            <Descriptions.Item label={t('scoring.evidence.time')}>{formatDateTime(q.data.proof.entryFields.time, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('scoring.evidence.digest')}><Typography.Text code style={{ wordBreak: 'break-all' }}>{q.data.proof.entryFields.digest}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('scoring.evidence.leaf')}>{q.data.proof.leafIndex} / {q.data.proof.treeSize}</Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph type="secondary">{t('scoring.evidence.ledgerHelp')}</Typography.Paragraph>
        </>
      )}
    </Space>
  );
}
