// Scoring runs (考核计分): gather a period's inputs through the InputProvider, run the pure engine,
// store the results with their full breakdowns as canonical JSON. The same evidence and framework
// version give the same bytes and digest, and then the existing run is returned rather than a new
// one. Publishing freezes a run and commits it and its results to the ledger; later evidence goes
// into a new run, never into published numbers.
import { canonicalJson, recordDigest } from '../../ledger/canonical.ts';
import { recordToLedger } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { entryForRow, loadRows } from '../../ledger/record-types.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { recordAccess } from '../audit/service.ts';
import { keyOf, scoreSubjects, type EngineInput, type EngineSubject } from './engine.ts';
import type { EvidenceEvent, MetricValue, SubjectKind } from './inputs.ts';
import { SCORING_LEDGER_TYPES as T } from './ledger-types.ts';
import type { FrameworkDef } from './model.ts';
import { parsePeriod } from './period.ts';
import type { RankedResult } from './ranking.ts';
import * as repo from './repo.ts';
import type { ScoringDeps } from './service.ts';

export type Progress = (phase: string, done: number, total: number) => void;

export interface RunView {
  id: number; period: string; frameworkId: number; frameworkDigest: string; digest: string; subjectCount: number; unscoredCount: number;
  status: 'draft' | 'published'; publishedAt: string | null; createdAt: string;
}
type RunRow = NonNullable<Awaited<ReturnType<typeof repo.findRun>>>;
const runView = (r: RunRow): RunView => ({
  id: Number(r.id), period: r.period, frameworkId: Number(r.framework_id), frameworkDigest: r.framework_digest, digest: r.digest,
  subjectCount: r.subject_count, unscoredCount: r.unscored_count, status: r.status, publishedAt: r.published_at?.toISOString() ?? null, createdAt: r.created_at.toISOString(),
});

/** The stored breakdown of one subject: everything but database ids, in a fixed shape. */
export function resultDocument(r: RankedResult, framework: FrameworkDef) {
  const band = framework.bands.find((b) => b.code === r.band)!;
  return {
    subject: { kind: r.subject.kind, code: r.subject.code, category: r.subject.category, level: r.subject.level },
    total: r.total, basic: r.basic, bonus: r.bonus, deduction: r.deduction,
    band: { code: band.code, nameZh: band.nameZh, nameEn: band.nameEn }, bandBeforeQuota: r.bandBeforeQuota, quotaNote: r.quotaNote,
    rank: r.rank, categorySize: r.categorySize, bottom: r.bottom, promotionEligible: r.promotionEligible,
    veto: r.veto, dimensions: r.dimensions, items: r.items,
  };
}
export type ResultDocument = ReturnType<typeof resultDocument>;

/** Gathers the inputs of a period for every staff member and unit (pure engine input). */
export async function gatherInputs(deps: ScoringDeps, framework: FrameworkDef, periodCode: string, onProgress: Progress = () => {}): Promise<EngineInput> {
  const period = parsePeriod(periodCode);
  const { db, provider } = deps;
  const staff = await repo.staffSubjects(db, period.fromDay, period.lastDay);
  const units = await repo.unitSubjects(db);
  const subjects: EngineSubject[] = [
    ...staff.map((s) => ({ kind: 'staff' as const, id: Number(s.id), code: s.code, category: s.category, level: s.level, unitId: Number(s.unit_id) })),
    ...units.map((u) => ({ kind: 'unit' as const, id: Number(u.id), code: u.code, category: u.category, level: null, unitId: Number(u.id) })),
  ];
  const variants = framework.variants;
  const codes = [...new Set(variants.flatMap((v) => [
    ...v.dimensions.flatMap((d) => d.indicators.flatMap((i) => (i.kind === 'quantitative' ? [i.metric] : []))),
    ...v.vetoes.flatMap((x) => (x.metric ? [x.metric.code] : [])),
  ]))].sort();
  const types = [...new Set(variants.flatMap((v) => [...v.items.map((i) => i.event), ...v.vetoes.flatMap((x) => (x.event ? [x.event] : []))]))].sort();
  const metrics = new Map<string, Record<string, MetricValue>>();
  const events = new Map<string, EvidenceEvent[]>();
  const subjectIds = { staff: subjects.filter((s) => s.kind === 'staff').map((s) => s.id), unit: subjects.filter((s) => s.kind === 'unit').map((s) => s.id) };
  onProgress('evidence', 0, 1);
  const inputs = await provider.gather(db, { period, codes, types, subjectIds });
  for (const kind of ['staff', 'unit'] as SubjectKind[]) {
    for (const [id, values] of inputs.metrics[kind]) metrics.set(keyOf(kind, id), values);
    for (const [id, evs] of inputs.events[kind]) events.set(keyOf(kind, id), evs);
  }
  onProgress('evidence', 1, 1);
  return { framework, period, subjects, metrics, events, assessments: [], exemptions: [] };
}

/** Computes a run, or returns the existing run with exactly the same results. */
export async function computeRun(
  deps: ScoringDeps,
  principal: Principal | null,
  body: { period: string; frameworkId?: number },
  onProgress: Progress = () => {},
): Promise<{ run: RunView; created: boolean }> {
  const p = authorize(principal, 'scores.run');
  parsePeriod(body.period, '/body/period');
  const fw = body.frameworkId !== undefined ? await repo.findFramework(deps.db, body.frameworkId) : await repo.latestPublishedFramework(deps.db);
  if (!fw) throw validationFailed([{ path: '/body/frameworkId', message: body.frameworkId !== undefined ? `no framework ${body.frameworkId}` : 'no published framework yet: import and publish one' }]);
  if (fw.status !== 'published') throw validationFailed([{ path: '/body/frameworkId', message: `framework ${fw.code} version ${fw.version_no} is a draft; publish it before scoring` }]);
  const framework = fw.definition as FrameworkDef;

  const input = await gatherInputs(deps, framework, body.period, onProgress);
  const assessments = await repo.assessmentsFor(deps.db, Number(fw.id), body.period);
  input.assessments = assessments.map((a) => ({ id: Number(a.id), kind: a.subject_kind, subjectId: Number(a.subject_id), indicator: a.indicator, assessor: String(a.assessor_user_id), level: a.level }));
  const exemptions = await repo.exemptionsFor(deps.db, body.period);
  input.exemptions = exemptions.map((e) => ({
    id: Number(e.id), kind: e.subject_kind, subjectId: Number(e.subject_id), eventRef: e.ref_type && e.ref_id ? { type: e.ref_type, id: e.ref_id } : null,
    indicator: e.indicator, reason: e.reason, approver: e.approver_name,
  }));

  const { results, unscored } = scoreSubjects(input);
  onProgress('scored', results.length, results.length);
  const rows = results.map((r) => {
    const detail = canonicalJson(resultDocument(r, framework));
    return { r, detail, digest: recordDigest(JSON.parse(detail)) };
  });
  const digest = recordDigest({ period: body.period, framework: fw.digest, results: rows.map((x) => x.digest), unscored: unscored.map((s) => `${s.kind}:${s.code}`) });

  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('score_runs').selectAll().where('period', '=', body.period).where('framework_id', '=', Number(fw.id)).where('digest', '=', digest).executeTakeFirst();
    if (existing) return { run: runView(existing), created: false };
    const run = await trx.insertInto('score_runs').values({
      period: body.period, framework_id: Number(fw.id), framework_digest: fw.digest, digest, subject_count: results.length, unscored_count: unscored.length,
      status: 'draft', created_by: p.kind === 'user' ? p.id : null,
    }).returningAll().executeTakeFirstOrThrow();
    const BATCH = 1000;
    for (let i = 0; i < rows.length; i += BATCH) {
      await trx.insertInto('score_results').values(rows.slice(i, i + BATCH).map(({ r, detail, digest: d }) => ({
        run_id: Number(run.id), subject_kind: r.subject.kind, subject_id: r.subject.id, subject_code: r.subject.code, unit_id: r.subject.unitId,
        category: r.subject.category, level: r.subject.level, total: r.total, band: r.band, rank: r.rank, category_size: r.categorySize,
        bottom: r.bottom, promotion_eligible: r.promotionEligible, vetoed: r.veto !== null, detail, digest: d,
      }))).execute();
      onProgress('stored', Math.min(i + BATCH, rows.length), rows.length);
    }
    return { run: runView(run), created: true };
  });
}

async function runOr404(db: repo.Executor, id: number) {
  const run = await repo.findRun(db, id);
  if (!run) throw notFound(`Scoring run ${id}`);
  return run;
}

/** Publishes a run (公示): freezes it and commits it and every result to the ledger, in one transaction. */
export async function publishRun(deps: ScoringDeps, principal: Principal | null, id: number): Promise<RunView> {
  const p = authorize(principal, 'scores.publish');
  return deps.db.transaction().execute(async (trx) => {
    const run = await runOr404(trx, id);
    if (run.status === 'published') throw conflict(`Scoring run ${id} is already published`, [{ path: '/params/id', message: 'published runs are frozen' }]);
    const now = new Date();
    const updated = await trx.updateTable('score_runs').set((eb) => ({ status: 'published', published_at: now, published_by: p.kind === 'user' ? p.id : null, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.run'], [id]);
    // Results in pages of ids, each page's entries appended at once.
    let after = 0;
    for (;;) {
      const ids = (await trx.selectFrom('score_results').select('id').where('run_id', '=', id).where('id', '>', after).orderBy('id').limit(2000).execute()).map((r) => Number(r.id));
      if (!ids.length) break;
      const rows = await loadRows(trx, T['score.result'], ids);
      await appendToLedger(trx, rows.map((row) => entryForRow(T['score.result'], row)));
      after = ids[ids.length - 1]!;
    }
    return runView(updated);
  });
}

export async function getRun(deps: ScoringDeps, principal: Principal | null, id: number): Promise<RunView> {
  authorize(principal, 'scores.read');
  return runView(await runOr404(deps.db, id));
}

export async function listRuns(deps: ScoringDeps, principal: Principal | null, q: { period?: string; status?: 'draft' | 'published'; page: number; pageSize: number }): Promise<Page<RunView>> {
  authorize(principal, 'scores.read');
  if (q.period) parsePeriod(q.period, '/querystring/period');
  const { items, total } = await repo.listRuns(deps.db, q);
  return { items: items.map(runView), page: q.page, pageSize: q.pageSize, total };
}

/** Civil servants see only their own result (staffId); everyone else their data scope. */
const ownOnly = (p: Principal) => (p.role === 'staff' ? p.staffId : undefined);

export async function listResults(deps: ScoringDeps, principal: Principal | null, runId: number, q: Omit<repo.ResultFilter, 'staffId'>) {
  const p = authorize(principal, 'scores.read');
  await runOr404(deps.db, runId);
  const { items, total } = await repo.listResults(deps.db, p.scope, runId, { ...q, staffId: ownOnly(p) });
  return {
    items: items.map((r) => ({
      subjectKind: r.subject_kind, subjectCode: r.subject_code, unitCode: r.unit_code, category: r.category, level: r.level, total: r.total, band: r.band,
      rank: r.rank, categorySize: r.category_size, bottom: r.bottom, promotionEligible: r.promotion_eligible, vetoed: r.vetoed, digest: r.digest,
    })),
    page: q.page, pageSize: q.pageSize, total,
  };
}

/** One subject's full breakdown, every point with its sentence and evidence. A view of a person's score is logged. */
export async function getResult(deps: ScoringDeps, principal: Principal | null, runId: number, kind: 'staff' | 'unit', code: string): Promise<ResultDocument & { digest: string }> {
  const p = authorize(principal, 'scores.read');
  await runOr404(deps.db, runId);
  const row = await repo.findResult(deps.db, p.scope, runId, kind, code);
  const own = ownOnly(p);
  if (!row || (own !== undefined && (kind !== 'staff' || Number(row.subject_id) !== own))) throw notFound(`Result of ${code}`);
  if (kind === 'staff') await recordAccess(deps.db, p, { subjectType: 'staff', subjectId: Number(row.subject_id), action: 'view', reason: null });
  return { ...(JSON.parse(row.detail) as ResultDocument), digest: row.digest };
}

export { ownOnly };
