// Runs on a real database with a fake InputProvider: determinism down to the bytes, publication into
// the ledger, frozen published numbers, new runs for changed evidence or a changed framework.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import type { Principal } from '../auth/principal.ts';
import { GOLDEN_FRAMEWORK } from './golden.fixture.ts';
import type { EvidenceEvent, InputProvider, Inputs } from './inputs.ts';
import ExcelJS from 'exceljs';
import { exportCsv, exportXlsx } from './export.ts';
import { computeRun, getResult, listResults, publishRun } from './runs.ts';
import { createExemption, importFramework, publishFramework, recordAssessment, updateFramework, type ScoringDeps } from './service.ts';

let t: TestApp;
let deps: ScoringDeps;
const extraEvents: EvidenceEvent[] = [];

/** Metric values derived from the subject id; events from `extraEvents`. */
const fake: InputProvider = {
  async gather(_db, q) {
    const out: Inputs = { metrics: { staff: new Map(), unit: new Map() }, events: { staff: new Map(), unit: new Map() } };
    for (const kind of ['staff', 'unit'] as const) {
      for (const id of q.subjectIds[kind]) {
        out.metrics[kind].set(id, Object.fromEntries(q.codes.map((c) => [c, { value: c === 'substantiated_complaints' ? 0 : 0.8 + (id % 5) / 25, numerator: null, denominator: null, sample: 20 + (id % 3), insufficient: id % 7 === 0 }])));
      }
    }
    // Events of people (the test's extra events name staff ids).
    for (const e of extraEvents) if (q.types.includes(e.type) && q.subjectIds.staff.includes(e.subjectId)) out.events.staff.set(e.subjectId, [...(out.events.staff.get(e.subjectId) ?? []), e]);
    return out;
  },
  catalogue: () => null,
};

async function principal(username: string): Promise<Principal> {
  const u = await t.ctx.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return { kind: 'user', id: u.id, name: u.username, role: u.role as Principal['role'], scope: { kind: 'all' }, staffId: u.staff_id };
}

const details = async (runId: number) =>
  (await t.ctx.db.selectFrom('score_results').select(['subject_kind', 'subject_code', 'detail']).where('run_id', '=', runId).orderBy('subject_kind').orderBy('subject_code').execute())
    .map((r) => `${r.subject_kind}:${r.subject_code}:${r.detail}`).join('\n');

let organizer: Principal;
let frameworkId: number;
let staffCode: string;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 40 });
  deps = { db: t.ctx.db, provider: fake };
  organizer = await principal('organizer');
  const f = await importFramework(deps, organizer, { definition: GOLDEN_FRAMEWORK });
  frameworkId = f.id;
  await publishFramework(deps, organizer, frameworkId);
  const s = await t.ctx.db.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id').select('s.code').where('u.category', '=', 'window_service').where('s.status', '=', 'active').orderBy('s.code').executeTakeFirstOrThrow();
  staffCode = s.code;
});
afterAll(async () => t?.close());

describe('scoring runs', () => {
  let first: number;

  it('scores every staff member in office and every unit', async () => {
    const { run, created } = await computeRun(deps, organizer, { period: '2026Q3' });
    expect(created).toBe(true);
    first = run.id;
    const staff = await t.ctx.db.selectFrom('staff').select(sql<number>`count(*)::int`.as('n')).where('status', '!=', 'candidate').executeTakeFirstOrThrow();
    const units = await t.ctx.db.selectFrom('units').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    // general_admin has no variant in the golden framework: those subjects are reported, not scored.
    const noVariant = await t.ctx.db.selectFrom('units').select(sql<number>`count(*)::int`.as('n')).where('category', '=', 'general_admin').executeTakeFirstOrThrow();
    expect(run.subjectCount + run.unscoredCount).toBeLessThanOrEqual(staff.n + units.n);
    expect(run.unscoredCount).toBeGreaterThanOrEqual(noVariant.n);
    expect(run.subjectCount).toBeGreaterThan(0);
  });

  it('gives identical bytes for the same evidence and framework: the same run is returned', async () => {
    const before = await details(first);
    const again = await computeRun(deps, organizer, { period: '2026Q3' });
    expect(again).toMatchObject({ created: false, run: { id: first } });
    expect(await details(first)).toBe(before);
  });

  it('a result explains every point, and viewing a person\'s result is logged', async () => {
    const r = await getResult(deps, organizer, first, 'staff', staffCode);
    expect(r.items.length).toBeGreaterThan(0);
    for (const i of r.items) expect(i.explanation.zh).toMatch(/分/);
    expect(r.total).toBeCloseTo(r.basic + r.bonus + 20 - r.deduction, 6);
    const log = await t.ctx.db.selectFrom('access_log').selectAll().where('actor_user_id', '=', organizer.id).execute();
    expect(log.some((l) => l.subject_type === 'staff' && l.action === 'view')).toBe(true);
  });

  it('publishing freezes the run and commits it and its results to the ledger', async () => {
    const published = await publishRun(deps, organizer, first);
    expect(published.status).toBe('published');
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['record_type', sql<number>`count(*)::int`.as('n')]).where('record_type', 'in', ['score.run', 'score.result', 'score.framework']).groupBy('record_type').execute();
    const n = Object.fromEntries(entries.map((e) => [e.record_type, e.n]));
    expect(n['score.run']).toBe(1);
    expect(n['score.result']).toBe(published.subjectCount);
    const fw = await t.ctx.db.selectFrom('ledger_entries').select('record_version').where('record_type', '=', 'score.framework').where('record_id', '=', String(frameworkId)).orderBy('seq').execute();
    expect(fw.map((e) => e.record_version)).toEqual([1, 2]); // imported, published
    const report = await verifyDatabase({ db: t.ctx.db, config: t.config });
    expect(report.problems).toEqual([]);
    await expect(publishRun(deps, organizer, first)).rejects.toMatchObject({ status: 409 });
    // The database refuses edits of published numbers too.
    await expect(sql`update score_results set total = 100 where run_id = ${first}`.execute(t.ctx.db)).rejects.toThrow(/immutable/);
  });

  it('recomputing the published period gives the same bytes and the same run', async () => {
    const before = await details(first);
    const again = await computeRun(deps, organizer, { period: '2026Q3' });
    expect(again).toMatchObject({ created: false, run: { id: first, status: 'published' } });
    expect(await details(first)).toBe(before);
  });

  it('later evidence goes into a new run; the published numbers stay', async () => {
    const before = await details(first);
    const staff = await t.ctx.db.selectFrom('staff').select('id').where('code', '=', staffCode).executeTakeFirstOrThrow();
    extraEvents.push({ type: 'hotline_overdue', subjectId: staff.id, at: new Date('2026-08-01T02:00:00Z'), ref: { id: '77', type: 'hotline_ticket' }, summary: '12345工单77超时未回应' });
    const next = await computeRun(deps, organizer, { period: '2026Q3' });
    expect(next.created).toBe(true);
    expect(next.run.id).not.toBe(first);
    expect(await details(first)).toBe(before);
    const mine = await getResult(deps, organizer, next.run.id, 'staff', staffCode);
    expect(mine.items.find((i) => i.code === 'hotline')?.explanation.zh).toBe('群众投诉未及时回应1次，扣减服务为民分5分（每次5分，上限20分）');
    expect(mine.items.find((i) => i.code === 'hotline')?.evidence).toEqual([{ type: 'hotline_ticket', id: '77' }]);

    // An exemption (容错) removes it again: the engine gives the first run's numbers for this person back.
    const inspector = await principal('inspector');
    await createExemption(deps, inspector, { subjectKind: 'staff', subjectCode: staffCode, period: '2026Q3', ref: { type: 'hotline_ticket', id: '77' }, reason: '系统停机' });
    const third = await computeRun(deps, organizer, { period: '2026Q3' });
    const exempted = await getResult(deps, organizer, third.run.id, 'staff', staffCode);
    const original = await getResult(deps, organizer, first, 'staff', staffCode);
    expect(exempted.total).toBe(original.total);
    expect(exempted.items.find((i) => i.kind === 'exemption')?.explanation.zh).toContain('系统停机');
  });

  it('assessor scores count, and a changed framework makes a new run', async () => {
    const assessor = await principal('assessor');
    await recordAssessment(deps, assessor, { frameworkId, period: '2026Q3', indicator: 'pol', subjectKind: 'staff', subjectCode: staffCode, level: 'C' });
    await expect(recordAssessment(deps, assessor, { frameworkId, period: '2026Q3', indicator: 'pol', subjectKind: 'staff', subjectCode: staffCode, level: 'Z' }))
      .rejects.toMatchObject({ status: 400, errors: [{ path: '/body/level' }] });
    const withScore = await computeRun(deps, organizer, { period: '2026Q3' });
    const r = await getResult(deps, organizer, withScore.run.id, 'staff', staffCode);
    expect(r.items.find((i) => i.code === 'pol')).toMatchObject({ status: 'scored', points: 18 }); // C = 0.6 × 30

    const changed = structuredClone(GOLDEN_FRAMEWORK);
    changed.promotionThreshold = 70;
    const v2 = await importFramework(deps, organizer, { definition: changed });
    expect(v2.versionNo).toBe(2);
    await publishFramework(deps, organizer, v2.id);
    const run2 = await computeRun(deps, organizer, { period: '2026Q3', frameworkId: v2.id });
    expect(run2.created).toBe(true);
    expect(run2.run.frameworkId).toBe(v2.id);
  });

  it('refuses to edit a published framework version, naming it', async () => {
    await expect(updateFramework(deps, organizer, frameworkId, { definition: GOLDEN_FRAMEWORK }))
      .rejects.toMatchObject({ status: 409, message: 'Framework GOLDEN version 1 is published and cannot be changed; import a new version instead' });
  });

  it('a civil servant sees only their own result', async () => {
    const staffUser = await t.ctx.db.selectFrom('users').selectAll().where('username', '=', 'staff').executeTakeFirstOrThrow();
    const me: Principal = { kind: 'user', id: staffUser.id, name: 'staff', role: 'staff', scope: { kind: 'all' }, staffId: staffUser.staff_id };
    const page = await listResults(deps, me, first, { page: 1, pageSize: 50 });
    expect(page.total).toBe(1);
    const own = await t.ctx.db.selectFrom('staff').select('code').where('id', '=', staffUser.staff_id!).executeTakeFirstOrThrow();
    expect(page.items[0]!.subjectCode).toBe(own.code);
  });

  it('exports results with their breakdowns as CSV and XLSX', async () => {
    const run = await t.ctx.db.selectFrom('score_runs').select(['id', 'subject_count']).where('id', '=', first).executeTakeFirstOrThrow();
    const csv = await exportCsv(t.ctx.db, organizer, first);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(run.subject_count + 1);
    expect(lines[0]).toContain('总分 total');
    expect(lines.find((l) => l.includes(`,${staffCode},`))).toMatch(/得\d/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsx(t.ctx.db, organizer, first)) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['结果 results', '明细 items']);
    expect(wb.worksheets[0]!.rowCount).toBe(run.subject_count + 1);
    expect(wb.worksheets[1]!.rowCount).toBeGreaterThan(run.subject_count);
  });
});
