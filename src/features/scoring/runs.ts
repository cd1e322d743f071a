// Scoring runs (考核计分): gather a period's inputs through the InputProvider, run the pure engine,
// store the results with their full breakdowns as canonical JSON. The same evidence and framework
// version give the same bytes and digest, and then the existing run is returned rather than a new
// one. Publishing freezes a run and commits it and its results to the ledger; later evidence goes
// into a new run, never into published numbers.
import crypto from 'node:crypto';
import { canonicalDigest, canonicalJson, recordDigest } from '../../ledger/canonical.ts';
import { recordToLedger } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { entryForRow, loadRows } from '../../ledger/record-types.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { recordAccess } from '../audit/service.ts';
import { keyOf, planGroups, scoreAndRank, type EngineInput, type EngineSubject, type GroupPlan } from './engine.ts';
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
  // Keys in code-unit order, so canonical JSON serialises the document as it is (see engine.ts).
  return {
    band: { code: band.code, nameEn: band.nameEn, nameZh: band.nameZh }, bandBeforeQuota: r.bandBeforeQuota, basic: r.basic, bonus: r.bonus,
    bottom: r.bottom, categorySize: r.categorySize, deduction: r.deduction, dimensions: r.dimensions, items: r.items,
    promotionEligible: r.promotionEligible, quotaNote: r.quotaNote, rank: r.rank,
    subject: { category: r.subject.category, code: r.subject.code, kind: r.subject.kind, level: r.subject.level },
    total: r.total, veto: r.veto,
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

  const plan = planGroups(input);
  try {
    return await deps.db.transaction().execute((trx) => storeRun(trx, { principal: p, period: body.period, fw, input, plan }, onProgress));
  } catch (err) {
    if (err instanceof SameRun) return { run: runView(err.existing), created: false };
    throw err;
  }
}

/** Thrown to roll back a run whose results turn out to equal an existing run's. */
class SameRun extends Error {
  constructor(readonly existing: RunRow) {
    super('same run');
  }
}

/**
 * Scores, ranks and stores one group of peers at a time (a third of the staff, say), and each
 * result's canonical text is made just before its batch is inserted and then let go: 10^5 documents
 * of ~6 KB held at once made the collector the slowest part of a run. The run's digest is folded as
 * they go; a run equal to an existing one is rolled back and that one returned, so the same evidence
 * and framework still give one run.
 */
async function storeRun(
  trx: repo.Executor,
  a: { principal: Principal; period: string; fw: NonNullable<Awaited<ReturnType<typeof repo.findFramework>>>; input: EngineInput; plan: GroupPlan },
  onProgress: Progress,
): Promise<{ run: RunView; created: boolean }> {
  const { fw, input, plan } = a;
  const framework = input.framework;
  const unscored = plan.unscored;
  const total = plan.groups.reduce((n, g) => n + g.members.length, 0);
  const run = await trx.insertInto('score_runs').values({
    period: a.period, framework_id: Number(fw.id), framework_digest: fw.digest, digest: `pending ${crypto.randomUUID()}`, subject_count: total, unscored_count: unscored.length,
    status: 'draft', created_by: a.principal.kind === 'user' ? a.principal.id : null,
  }).returningAll().executeTakeFirstOrThrow();
  const digests: string[] = [];
  const BATCH = 1000;
  // Pipelined: the next batch's documents are made here while PostgreSQL writes the previous one.
  let writing: Promise<unknown> = Promise.resolve();
  let written = 0;
  for (const group of plan.groups) {
    const results = scoreAndRank(input, plan, group);
    onProgress('scored', written + results.length, total);
    for (let i = 0; i < results.length; i += BATCH) {
      const rows = results.slice(i, i + BATCH).map((r) => {
        const detail = canonicalJson(resultDocument(r, framework));
        // The canonical text's own SHA-256 is the record digest (JCS of its parse is itself).
        const digest = canonicalDigest(detail);
        digests.push(digest);
        return {
          run_id: Number(run.id), subject_kind: r.subject.kind, subject_id: r.subject.id, subject_code: r.subject.code, unit_id: r.subject.unitId,
          category: r.subject.category, level: r.subject.level, total: r.total, band: r.band, rank: r.rank, category_size: r.categorySize,
          bottom: r.bottom, promotion_eligible: r.promotionEligible, vetoed: r.veto !== null, detail, digest,
        };
      });
      await writing;
      const done = (written += rows.length);
      writing = trx.insertInto('score_results').values(rows).execute().then(() => onProgress('stored', done, total));
      writing.catch(() => undefined); // handled: the next `await writing` throws it
      // Let the write start before the next batch is made (the driver sends on the next turn).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await writing;
  const digest = recordDigest({ period: a.period, framework: fw.digest, results: digests, unscored: unscored.map((s) => `${s.kind}:${s.code}`) });
  const existing = await trx.selectFrom('score_runs').selectAll().where('period', '=', a.period).where('framework_id', '=', Number(fw.id)).where('digest', '=', digest).executeTakeFirst();
  if (existing) throw new SameRun(existing);
  const stored = await trx.updateTable('score_runs').set({ digest }).where('id', '=', Number(run.id)).returningAll().executeTakeFirstOrThrow();
  return { run: runView(stored), created: true };
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
      subjectKind: r.subject_kind, subjectCode: r.subject_code, unitCode: r.unit_code, unitName: r.unit_name, category: r.category, level: r.level, total: r.total, band: r.band,
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
