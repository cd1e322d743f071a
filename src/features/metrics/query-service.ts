// The metric API's rules: who may see which subjects' metrics (data scope; a civil servant only
// their own), which codes, and the page of subjects whose metrics are computed (set-based, one page).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { EVENT_TYPES, METRICS, type SubjectKind } from './definitions.ts';
import { parsePeriod, type Period } from './period.ts';
import { computeMetrics, type MetricValue } from './service.ts';
import * as subjects from './subjects-repo.ts';

export interface SubjectMetrics {
  kind: SubjectKind;
  period: { code: string; from: string; to: string };
  subject: { code: string; name: string; unitCode: string; category: string };
  metrics: Record<string, MetricValue>;
}

export function catalogue(principal: Principal | null, kind?: SubjectKind) {
  authorize(principal, 'metrics.read');
  const applies = (d: { subjects: SubjectKind[] }) => !kind || d.subjects.includes(kind);
  return { metrics: Object.values(METRICS).filter(applies), events: Object.values(EVENT_TYPES).filter(applies) };
}

/** Comma-separated codes → the list, refusing unknown ones (default: every metric of the kind). */
export function parseCodes(kind: SubjectKind, codes: string | undefined): string[] {
  if (codes === undefined || codes.trim() === '') return Object.values(METRICS).filter((m) => m.subjects.includes(kind)).map((m) => m.code);
  const list = [...new Set(codes.split(',').map((c) => c.trim()).filter(Boolean))];
  const bad = list.filter((c) => !METRICS[c]?.subjects.includes(kind));
  if (bad.length) {
    throw validationFailed([{ path: '/querystring/codes', message: `not a metric of ${kind} subjects: ${bad.join(', ')} / 未知或不适用的指标代码` }]);
  }
  return list;
}

export interface MetricsListOptions {
  kind: SubjectKind;
  period: string;
  codes?: string;
  unitCode?: string;
  minSample?: number;
  page: number;
  pageSize: number;
}

export async function listMetrics(db: Kysely<DB>, principal: Principal | null, q: MetricsListOptions, periodPath = '/querystring/period'): Promise<Page<SubjectMetrics>> {
  const p = authorize(principal, q.kind === 'staff' ? 'metrics.read_staff' : 'metrics.read');
  const period: Period = parsePeriod(q.period, periodPath);
  const codes = parseCodes(q.kind, q.codes);
  let underPath: string | undefined;
  if (q.unitCode) {
    const unit = await subjects.findUnit(db, p.scope, q.unitCode);
    if (!unit) throw notFound(`Unit ${q.unitCode}`);
    underPath = unit.path;
  }
  // A civil servant sees only their own metrics.
  const staffId = q.kind === 'staff' && p.role === 'staff' ? p.staffId : undefined;
  const { items, total } = await subjects.pageOfSubjects(db, q.kind, { scope: p.scope, underPath, staffId, page: q.page, pageSize: q.pageSize });
  const values = items.length ? await computeMetrics(db, { kind: q.kind, period, codes, subjectIds: items.map((s) => s.id), minSample: q.minSample }) : new Map();
  const periodOut = { code: period.code, from: period.from.toISOString(), to: period.to.toISOString() };
  return {
    items: items.map((s) => ({ kind: q.kind, period: periodOut, subject: { code: s.code, name: s.name, unitCode: s.unit_code, category: s.category }, metrics: values.get(s.id)! })),
    page: q.page,
    pageSize: q.pageSize,
    total,
  };
}
