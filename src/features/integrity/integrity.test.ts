// Integrity points (诚信积分) over the hand-made third quarter of 2025 (test/helpers/metrics-data.ts),
// with the default rules: 差评 −1, 整改逾期 −2, 虚假整改 −5, 审计 −2/−5/−10, 完成培训 +1; base 100.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { insertRatings } from '../../../test/helpers/evidence.ts';
import { bj, loadMetricsData, P, type MetricsData } from '../../../test/helpers/metrics-data.ts';
import { insertTransactions } from '../../../test/helpers/transactions.ts';
import { integrateAll } from '../../ledger/integrator.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { parsePeriod } from '../metrics/period.ts';
import { applyPeriod } from './service.ts';

let t: TestApp;
let d: MetricsData;
let codeA: string;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20 });
  d = await loadMetricsData(t.ctx.db);
  codeA = (await t.ctx.db.selectFrom('staff').select('code').where('id', '=', d.a).executeTakeFirstOrThrow()).code;
});
afterAll(async () => t?.close());

async function call(user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const headers: Record<string, string> = user ? { cookie: await t.login(user) } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
}

describe('integrity points', () => {
  it('applies a period once: A −1−1−2−5+1+1 = −7, B −1−5−1−2 = −9', async () => {
    const first = await call('organizer', 'POST', '/api/integrity/apply', { period: '2025Q3' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ period: '2025Q3', events: 10, applied: 10, alreadyApplied: 0, pointsApplied: -16 });
    // Again (by the job): nothing new.
    expect(await applyPeriod(t.ctx.db, parsePeriod('2025Q3'))).toEqual({ period: '2025Q3', events: 10, applied: 0, alreadyApplied: 10, pointsApplied: 0 });
  });

  it('shows a person their balance and history, newest first, each change with its evidence', async () => {
    const res = await call('staff', 'GET', `/api/integrity/staff/${codeA}`);
    expect(res.statusCode, res.body).toBe(200);
    const acc = res.json();
    expect(acc).toMatchObject({ basePoints: 100, balance: 93, total: 6, staff: { code: codeA, unitCode: P } });
    // In event order: TR2 +1 → 101, AF1 −5 → 96, TR1 +1 → 97, R3 −1 → 96, R4 −1 → 95, K4 −2 → 93.
    expect(acc.items.map((i: { eventType: string; points: number; balance: number }) => [i.eventType, i.points, i.balance])).toEqual([
      ['rectification_overdue', -2, 93], ['bad_rating', -1, 95], ['bad_rating', -1, 96],
      ['training_completed', 1, 97], ['audit_finding_major', -5, 96], ['training_completed', 1, 101],
    ]);
    const k4 = d.ratings.get('R4')!.rectificationId;
    expect(acc.items[0]).toMatchObject({ at: bj('2025-09-20T23:59:59').toISOString(), period: '2025Q3', ruleVersion: 1, evidence: { type: 'rectification', id: String(k4), url: `/api/ledger/records/rectification/${k4}` } });
    expect(acc.items[0].summary).toMatch(/^差评整改逾期/);
    // The view is in the access log.
    const logged = await t.ctx.db.selectFrom('access_log').select('id').where('subject_type', '=', 'staff').where('subject_id', '=', d.a).execute();
    expect(logged.length).toBeGreaterThan(0);
  });

  it('keeps people to their own and out-of-scope records out', async () => {
    const codeB = (await t.ctx.db.selectFrom('staff').select('code').where('id', '=', d.b).executeTakeFirstOrThrow()).code;
    expect((await call('staff', 'GET', `/api/integrity/staff/${codeB}`)).statusCode).toBe(404);
    expect((await call('unit_head2', 'GET', `/api/integrity/staff/${codeA}`)).statusCode).toBe(404);
    expect((await call('observer', 'GET', `/api/integrity/staff/${codeA}`)).statusCode).toBe(403);
    expect((await call('inspector', 'GET', `/api/integrity/staff/${codeB}`)).json().balance).toBe(91);
  });

  it('applies a changed rule to new events only; old entries keep their points', async () => {
    expect((await call('organizer', 'PUT', '/api/integrity/rules/bad_rating', { points: -3 })).statusCode).toBe(403);
    const set = await call('admin', 'PUT', '/api/integrity/rules/bad_rating', { points: -3 });
    expect(set.json()).toMatchObject({ eventType: 'bad_rating', nameZh: '差评', points: -3, version: 2 });
    expect((await call('admin', 'PUT', '/api/integrity/rules/bad_rating', { points: -3 })).json().version).toBe(2); // unchanged
    const bad = await call('admin', 'PUT', '/api/integrity/rules/bad_rating', { points: -1.234 });
    expect(bad.json().errors).toEqual([{ path: '/body/points', message: expect.stringMatching(/2 decimals/) }]);
    await insertTransactions(t.ctx.db, [{ code: 'R11', unitCode: P, handlerStaffId: d.a, acceptedAt: bj('2025-09-01T09:00:00') }]);
    await insertRatings(t.ctx.db, [{ transactionCode: 'R11', level: 1, ratedAt: bj('2025-09-25T10:00:00') }]);
    expect(await applyPeriod(t.ctx.db, parsePeriod('2025Q3'))).toMatchObject({ events: 11, applied: 1, pointsApplied: -3 });
    const acc = (await call('staff', 'GET', `/api/integrity/staff/${codeA}?pageSize=2`)).json();
    expect(acc).toMatchObject({ balance: 90, total: 7, pageSize: 2 });
    // The new 差评 of Sep 25 comes after K4's deadline (Sep 20): 93 − 3 = 90; K4 still −2 at version 1.
    expect(acc.items[0]).toMatchObject({ eventType: 'bad_rating', points: -3, ruleVersion: 2, balance: 90 });
    expect(acc.items[1]).toMatchObject({ eventType: 'rectification_overdue', points: -2, ruleVersion: 1, balance: 93 });
  });

  it('commits rules and entries to the ledger, and the audit finds them intact', async () => {
    await integrateAll(t.ctx);
    const types = await t.ctx.db.selectFrom('ledger_entries').select(['record_type', (eb) => eb.fn.countAll<string>().as('n')])
      .where('record_type', 'in', ['integrity.entry', 'integrity.rule', 'metric.setting']).groupBy('record_type').orderBy('record_type').execute();
    // 11 entries; 7 seeded rules + the changed version of bad_rating; 2 settings.
    expect(types.map((r) => [r.record_type, Number(r.n)])).toEqual([['integrity.entry', 11], ['integrity.rule', 8], ['metric.setting', 2]]);
    // The test's evidence was inserted by factories without the ledger (reported as such); every record
    // of integrity points and settings is in the log and matches its row.
    const report = await verifyDatabase(t.ctx, { maxProblems: 10_000 });
    expect(report.problems.filter((p) => /^(integrity|metric)\./.test(p))).toEqual([]);
    expect(report.problems.length).toBe(report.problemCount);
    await t.ctx.db.updateTable('integrity_entries').set({ points: -50 }).where('staff_id', '=', d.a).where('event_type', '=', 'training_completed').execute();
    const tampered = await verifyDatabase(t.ctx, { maxProblems: 10_000 });
    expect(tampered.problems.filter((p) => p.startsWith('integrity.entry'))).toHaveLength(2);
  });
});
