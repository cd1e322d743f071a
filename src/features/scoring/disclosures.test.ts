// The routes the console and portal pages added (over HTTP, real database): public disclosures (公示) —
// nothing before a run is published, then only units' results with exactly the disclosed fields; the
// editor's live validation; the units × dimensions matrix of a run, in the caller's scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { DEFAULT_FRAMEWORK } from './default-framework.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 30 });
});
afterAll(async () => t?.close());

async function call(user: string | null, method: 'GET' | 'POST', url: string, body?: unknown) {
  const headers: Record<string, string> = user ? { cookie: await t.login(user) } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
}

describe('public disclosures', () => {
  it('shows nothing before publication, then the units of the published run only', async () => {
    const before = await call(null, 'GET', '/api/public/disclosures');
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ runs: [], run: null, items: [], total: 0 });

    const created = await call('organizer', 'POST', '/api/scoring/runs', { period: '2026Q3' });
    expect(created.statusCode, created.body).toBe(201);
    const runId = created.json().run.id as number;
    // A draft is not public, not even by its id.
    expect((await call(null, 'GET', `/api/public/disclosures?runId=${runId}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/public/disclosures')).json().run).toBeNull();

    expect((await call('organizer', 'POST', `/api/scoring/runs/${runId}/publish`)).statusCode).toBe(200);
    const res = await call(null, 'GET', '/api/public/disclosures?pageSize=500');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.run).toMatchObject({ id: runId, period: '2026Q3', framework: { code: DEFAULT_FRAMEWORK.code, versionNo: 1 } });
    expect(body.runs.map((r: { id: number }) => r.id)).toEqual([runId]);

    const units = await t.ctx.db.selectFrom('units').select(['code', 'name']).execute();
    expect(body.total).toBe(units.length);
    const names = new Map(units.map((u) => [u.code, u.name]));
    for (const row of body.items) {
      expect(Object.keys(row).sort()).toEqual(['band', 'category', 'categorySize', 'rank', 'total', 'unitCode', 'unitName']);
      expect(row.unitName).toBe(names.get(row.unitCode));
      expect(DEFAULT_FRAMEWORK.bands.map((b) => b.nameZh)).toContain(row.band.nameZh);
    }
    // Totals and ranks are the run's own, as the signed-in results list gives them.
    const internal = await call('organizer', 'GET', `/api/scoring/runs/${runId}/results?kind=unit&pageSize=500`);
    const byCode = new Map(internal.json().items.map((r: { subjectCode: string; total: number; rank: number }) => [r.subjectCode, r]));
    for (const row of body.items) expect(byCode.get(row.unitCode)).toMatchObject({ total: row.total, rank: row.rank, unitName: row.unitName });

    // No staff member appears anywhere in the public answer.
    const staff = await t.ctx.db.selectFrom('staff').select(['code', 'name']).execute();
    const text = res.body;
    for (const s of staff) {
      expect(text).not.toContain(`"${s.code}"`);
      expect(text).not.toContain(s.name);
    }

    const filtered = (await call(null, 'GET', '/api/public/disclosures?category=law_enforcement&pageSize=500')).json();
    expect(filtered.items.length).toBeGreaterThan(0);
    expect(filtered.items.every((r: { category: string }) => r.category === 'law_enforcement')).toBe(true);
    expect(filtered.total).toBeLessThan(body.total);
  });
});

describe('framework validation for the editor', () => {
  it('reports each broken rule at its indicator without saving anything', async () => {
    const broken = structuredClone(DEFAULT_FRAMEWORK) as unknown as { variants: { dimensions: { indicators: { weight: number }[] }[] }[] };
    broken.variants[0]!.dimensions[0]!.indicators[0]!.weight += 5;
    const before = Number((await t.ctx.db.selectFrom('score_frameworks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const res = await call('organizer', 'POST', '/api/scoring/frameworks/validate', { definition: broken });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.valid).toBe(false);
    expect(report.errors.some((e: { path: string }) => e.path.startsWith('/body/definition/variants/0/dimensions/0'))).toBe(true);
    const ok = (await call('organizer', 'POST', '/api/scoring/frameworks/validate', { definition: DEFAULT_FRAMEWORK })).json();
    expect(ok).toEqual({ valid: true, errors: [] });
    const after = Number((await t.ctx.db.selectFrom('score_frameworks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before);
    expect((await call('unit_head', 'POST', '/api/scoring/frameworks/validate', { definition: DEFAULT_FRAMEWORK })).statusCode).toBe(403);
  });
});

describe('units × dimensions of a run', () => {
  it("gives each unit in scope its dimension points from its breakdown, worst first; other counties' units are left out", async () => {
    const runs = (await call('organizer', 'GET', '/api/scoring/runs?status=published')).json();
    const runId = runs.items[0].id as number;
    const all = (await call('organizer', 'GET', `/api/scoring/runs/${runId}/units?pageSize=500`)).json();
    expect(all.total).toBeGreaterThan(3);
    const totals = all.items.map((r: { total: number }) => r.total);
    expect(totals).toEqual([...totals].sort((a: number, b: number) => a - b));
    const first = all.items[0];
    const detail = (await call('organizer', 'GET', `/api/scoring/runs/${runId}/results/unit/${first.unitCode}`)).json();
    expect(first.dimensions).toEqual(detail.dimensions.map((d: Record<string, unknown>) => ({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, points: d.points, max: d.max })));
    expect(first.total).toBe(detail.total);

    const head = (await call('unit_head', 'GET', `/api/scoring/runs/${runId}/units?pageSize=500`)).json();
    const headUnits = (await call('unit_head', 'GET', '/api/units?pageSize=500')).json();
    expect(head.total).toBeGreaterThan(0);
    expect(head.total).toBeLessThan(all.total);
    const own = new Set(headUnits.items.map((u: { code: string }) => u.code));
    expect(head.items.every((r: { unitCode: string }) => own.has(r.unitCode))).toBe(true);

    const bottom = (await call('organizer', 'GET', `/api/scoring/runs/${runId}/units?bottom=true&pageSize=500`)).json();
    expect(bottom.total).toBeGreaterThan(0);
    expect(bottom.items.every((r: { bottom: boolean }) => r.bottom)).toBe(true);
    const flagged = await t.ctx.db.selectFrom('score_results').select((eb) => eb.fn.countAll<string>().as('n')).where('run_id', '=', runId).where('subject_kind', '=', 'unit').where('bottom', '=', true).executeTakeFirstOrThrow();
    expect(bottom.total).toBe(Number(flagged.n));
    // A civil servant sees only their own result, so no units.
    expect((await call('staff', 'GET', `/api/scoring/runs/${runId}/units`)).json().total).toBe(0);
  });
});
