// The metric library against the hand-made third quarter of 2025 in test/helpers/metrics-data.ts.
// Every expected number is worked out in the comments (working days on the 2025 National Day calendar:
// Sunday Sep 28 is a 调休 working day).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { bj, loadMetricsData, type MetricsData } from '../../../test/helpers/metrics-data.ts';
import { insertTransactions } from '../../../test/helpers/transactions.ts';
import { AppError } from '../../lib/errors.ts';
import { buildCalendar, workingDaysBetween } from '../calendar/working-days.ts';
import { computeMetrics, EVENT_TYPES, listEvents, METRICS, parsePeriod, ratioValue, requiredHours } from './service.ts';

let t: TestApp;
let d: MetricsData;
const Q3 = parsePeriod('2025Q3');
const ALL_CODES = Object.keys(METRICS);

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20 });
  d = await loadMetricsData(t.ctx.db);
});
afterAll(async () => t?.close());

const v = (value: number | null, numerator: number | null, denominator: number | null, sample: number, insufficient = false) => ({ value, numerator, denominator, sample, insufficient });

describe('parsePeriod', () => {
  it('reads years, halves, quarters and months as [from, to) in Beijing time', () => {
    expect(parsePeriod('2025Q3')).toEqual({ code: '2025Q3', from: bj('2025-07-01T00:00:00'), to: bj('2025-10-01T00:00:00') });
    expect(parsePeriod('2026h1')).toEqual({ code: '2026H1', from: bj('2026-01-01T00:00:00'), to: bj('2026-07-01T00:00:00') });
    expect(parsePeriod('2026')).toEqual({ code: '2026', from: bj('2026-01-01T00:00:00'), to: bj('2027-01-01T00:00:00') });
    expect(parsePeriod('2026-12')).toEqual({ code: '2026-12', from: bj('2026-12-01T00:00:00'), to: bj('2027-01-01T00:00:00') });
    expect(parsePeriod('2026Q4').to).toEqual(bj('2027-01-01T00:00:00'));
  });
  it('refuses anything else with a clear error naming the field', () => {
    for (const bad of ['2026Q5', '2026-13', '2026H3', '26Q1', '2026Q1x', '', '1899']) {
      let err: unknown;
      try { parsePeriod(bad, '/querystring/period'); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(AppError);
      expect((err as AppError).errors![0]!.path).toBe('/querystring/period');
      expect((err as AppError).errors![0]!.message).toMatch(/2026Q3/);
    }
  });
});

describe('computeMetrics for staff', () => {
  it('computes every staff metric of A and B by hand (minimum sample 1)', async () => {
    const m = await computeMetrics(t.ctx.db, { kind: 'staff', period: Q3, codes: ALL_CODES.filter((c) => METRICS[c]!.subjects.includes('staff')), subjectIds: [d.a, d.b], minSample: 1 });
    expect([...m.keys()].sort()).toEqual([d.a, d.b].sort());
    const a = m.get(d.a)!;
    // A's completed transactions with a promise: A1 (2 wd ≤ 3), A2 (4 > 3 late), A3 (Fri→Mon 1 ≤ 1), A4 (即办件 same day, 0),
    // A10 (Jun 30 → Jul 1, 1 ≤ 2). A7 completed in October, A11 at 23:30 on Jun 30 Beijing time, A8 has no promise.
    expect(a.on_time_completion_rate).toEqual(v(0.8, 4, 5, 5)); // 4 / 5
    expect(a.avg_processing_days_ratio).toEqual(v(0.888889, 8, 9, 5)); // (2+4+1+0+1) / (3+3+1+0+2)
    // Ratings R1 5, R2 4, R3 2, R4 1, R10 5 (first instant of the quarter); R5 excluded (appeal), R9 in October.
    expect(a.satisfaction_index).toEqual(v(60, 300, 5, 5)); // 25 × (4+3+1+0+4) / 5
    expect(a.bad_rating_rate).toEqual(v(0.4, 2, 5, 5)); // R3, R4
    // Rectifications as of Oct 1: K3 due Sep 10, closed Sep 5 (rectified); K4 due Sep 20, still open.
    expect(a.bad_rating_rectified_rate).toEqual(v(0.5, 1, 2, 2));
    // Training 20 h (Sep 1) + 5.5 h (Jul 15); the 10 h of Jun 30 is last quarter. Requirement 50 h × 92/365 = 12.60 h.
    expect(a.training_hours_share).toEqual(v(2.02381, 25.5, 12.6, 1));
    // Cases against A in the quarter: CS1, CS2 and CS3 (merged into CS2); CS5 was rejected (不予受理).
    expect(a.complaints_per_1000).toEqual(v(400, 2000, 5, 5)); // 2 distinct complaints × 1000 / 5 completed
    expect(a.repeat_complaint_rate).toEqual(v(0.333333, 1, 3, 3)); // CS3 repeats CS2
    expect(a.substantiated_complaints).toEqual(v(1, 1, null, 3)); // CS1 属实 on Aug 20
    const b = m.get(d.b)!;
    // B: A5 即办件 finished the next day (late, 1 wd); A6 Fri Sep 26 → Sun Sep 28 (a 调休 working day): 1 ≤ 1.
    expect(b.on_time_completion_rate).toEqual(v(0.5, 1, 2, 2));
    expect(b.avg_processing_days_ratio).toEqual(v(2, 2, 1, 2)); // (1+1) / (0+1)
    expect(b.satisfaction_index).toEqual(v(25, 75, 3, 3)); // R6 3, R7 1, R8 2: 25 × (2+0+1) / 3
    expect(b.bad_rating_rate).toEqual(v(0.666667, 2, 3, 3));
    // K7 due Oct 9 and closed Oct 5: neither due nor rectified by Oct 1. K8 closed Sep 22 but found false on Sep 25
    // (reopened), due Sep 30: due, not rectified.
    expect(b.bad_rating_rectified_rate).toEqual(v(0, 0, 1, 1));
    expect(b.training_hours_share).toEqual(v(0, 0, 12.6, 1)); // no training at all is a real zero: the person exists
    // CS6 came in on Jun 29 and was found 部分属实 on Jul 3: substantiated this quarter, received last quarter.
    expect(b.substantiated_complaints).toEqual(v(1, 1, null, 0));
    expect(b.complaints_per_1000).toEqual(v(0, 0, 2, 2));
    expect(b.repeat_complaint_rate).toEqual(v(null, 0, 0, 0, true));
  });

  it('says insufficient below the minimum sample (default 10 transactions) but still shows the counts', async () => {
    const m = await computeMetrics(t.ctx.db, { kind: 'staff', period: Q3, codes: ['on_time_completion_rate', 'bad_rating_rectified_rate'], subjectIds: [d.a] });
    expect(m.get(d.a)!.on_time_completion_rate).toEqual(v(null, 4, 5, 5, true));
    expect(m.get(d.a)!.bad_rating_rectified_rate).toEqual(v(0.5, 1, 2, 2)); // minimum sample 1
  });

  it('gives every staff member a value when none are named, with nothing for people without evidence', async () => {
    const m = await computeMetrics(t.ctx.db, { kind: 'staff', period: Q3, codes: ['bad_rating_rate'] });
    const count = await t.ctx.db.selectFrom('staff').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(m.size).toBe(Number(count.n));
    const other = [...m.entries()].find(([id]) => id !== d.a && id !== d.b)!;
    expect(other[1].bad_rating_rate).toEqual(v(null, 0, 0, 0, true));
  });

  it('refuses unknown codes and codes that do not apply to the kind', async () => {
    await expect(computeMetrics(t.ctx.db, { kind: 'staff', period: Q3, codes: ['nope'] })).rejects.toThrow(AppError);
    await expect(computeMetrics(t.ctx.db, { kind: 'staff', period: Q3, codes: ['hotline_resolution_rate'] })).rejects.toMatchObject({ errors: [{ path: '/codes', message: expect.stringMatching(/does not apply to staff/) }] });
  });
});

describe('computeMetrics for units (own evidence, sub-units not included)', () => {
  it('computes every unit metric of P and C by hand', async () => {
    const m = await computeMetrics(t.ctx.db, { kind: 'unit', period: Q3, codes: ALL_CODES, subjectIds: [d.p, d.c], minSample: 1 });
    const p = m.get(d.p)!;
    // P: A1, A2, A3, A4, A5, A9 (no handler; Mon → Wed 2 ≤ 5), A10; on time A1, A3, A4, A9, A10.
    expect(p.on_time_completion_rate).toEqual(v(0.714286, 5, 7, 7));
    expect(p.avg_processing_days_ratio).toEqual(v(0.785714, 11, 14, 7)); // (2+4+1+0+1+2+1) / (3+3+1+0+0+5+2)
    // R1 5, R2 4, R3 2, R4 1, R10 5, R6 3, R8 2 (R7 is C's).
    expect(p.satisfaction_index).toEqual(v(53.571429, 375, 7, 7)); // 25 × (4+3+1+0+4+2+1) / 7
    expect(p.bad_rating_rate).toEqual(v(0.428571, 3, 7, 7));
    expect(p.bad_rating_rectified_rate).toEqual(v(0.333333, 1, 3, 3)); // K3 of K3, K4, K8
    // H1 answered in 23 h and resolved; H2 answered in 25 h, resolved; H3 never; H4 was received in June.
    expect(p.hotline_response_24h_rate).toEqual(v(0.333333, 1, 3, 3));
    expect(p.hotline_resolution_rate).toEqual(v(0.666667, 2, 3, 3));
    // Due in the quarter: PR1 (answered early), PR2 (late), PR3 (never); PR4 is due in October.
    expect(p.proposals_on_time_rate).toEqual(v(0.333333, 1, 3, 3));
    // Cases against P: CS1, CS2, CS3 (merged) received; CS6 (no unit named, P accountable) found 部分属实 on Jul 3.
    expect(p.complaints_per_1000).toEqual(v(285.714286, 2000, 7, 7));
    expect(p.repeat_complaint_rate).toEqual(v(0.333333, 1, 3, 3));
    expect(p.substantiated_complaints).toEqual(v(2, 2, null, 3));
    // P's active staff (read from the registry) share A's 25.5 hours against 12.60 h each.
    const people = Number((await t.ctx.db.selectFrom('staff').select((eb) => eb.fn.countAll<string>().as('n')).where('unit_id', '=', d.p).where('status', '=', 'active').executeTakeFirstOrThrow()).n);
    expect(people).toBeGreaterThan(0);
    expect(p.training_hours_share).toEqual(v(Math.round((25.5 / (12.6 * people)) * 1e6) / 1e6, 25.5, Math.round(12.6 * people * 1e6) / 1e6, people));
    const c = m.get(d.c)!;
    expect(c.on_time_completion_rate).toEqual(v(1, 1, 1, 1)); // A6
    expect(c.bad_rating_rate).toEqual(v(1, 1, 1, 1)); // R7
    expect(c.bad_rating_rectified_rate).toEqual(v(null, 0, 0, 0, true)); // K7 not due by Oct 1
    expect(c.hotline_resolution_rate).toEqual(v(null, 0, 0, 0, true));
    // CS4 names no unit, so it is C's (accountable); reopened once; found 部分属实 only on Oct 2.
    expect(c.complaints_per_1000).toEqual(v(1000, 1000, 1, 1));
    expect(c.repeat_complaint_rate).toEqual(v(1, 1, 1, 1));
    expect(c.substantiated_complaints).toEqual(v(0, 0, null, 1));
  });
});

describe('working days of old acceptances', () => {
  it('counts a transaction accepted long before the period with the calendar function, like the rest', async () => {
    const unit = (await t.ctx.db.selectFrom('units').select('id').where('code', '=', 'U99010203').executeTakeFirstOrThrow()).id;
    // The calendar as stored (the default 2025–2026 holidays and the test's), read into the TypeScript clock.
    const stored = await t.ctx.db.selectFrom('calendar_days').select(['day', 'kind']).where('deleted', '=', false).execute();
    const cal = buildCalendar(stored.map((x) => ({ date: String(x.day), kind: x.kind })));
    const old = { acceptedAt: bj('2024-03-04T09:00:00'), completedAt: bj('2025-09-02T09:00:00') }; // 18 months: before the ordinals passed in
    const recent = { acceptedAt: bj('2025-09-26T09:00:00'), completedAt: bj('2025-09-29T09:00:00') }; // Fri → Mon across the 调休 Sunday
    await insertTransactions(t.ctx.db, [
      { code: 'OLD1', unitCode: 'U99010203', promisedDays: 300, ...old },
      { code: 'NEW1', unitCode: 'U99010203', promisedDays: 1, ...recent },
    ]);
    const taken = workingDaysBetween(cal, old.acceptedAt, old.completedAt);
    expect(taken).toBeGreaterThan(300);
    expect(workingDaysBetween(cal, recent.acceptedAt, recent.completedAt)).toBe(2); // Sun 28 and Mon 29
    const m = (await computeMetrics(t.ctx.db, { kind: 'unit', period: Q3, codes: ['on_time_completion_rate', 'avg_processing_days_ratio'], subjectIds: [unit], minSample: 1 })).get(unit)!;
    expect(m.on_time_completion_rate).toEqual(v(0, 0, 2, 2)); // both late (the recent one: 2 > 1)
    expect(m.avg_processing_days_ratio).toEqual(v(Math.round(((taken + 2) / 301) * 1e6) / 1e6, taken + 2, 301, 2));
  });
});

describe('listEvents', () => {
  it('lists each person\'s events in time order with the ledger record behind each', async () => {
    const ev = await listEvents(t.ctx.db, { kind: 'staff', period: Q3, types: Object.keys(EVENT_TYPES).filter((x) => EVENT_TYPES[x]!.subjects.includes('staff')), subjectIds: [d.a, d.b] });
    const brief = (id: number) => ev.get(id)!.map((e) => `${e.type} ${e.ref.type}/${e.ref.id}`);
    const r = (code: string) => d.ratings.get(code)!;
    expect(brief(d.a)).toEqual([
      `training_completed training_record/${d.training.get('TR2')}`, // Jul 15
      `audit_finding_major audit_finding/${d.audits.get('AF1')}`, // Aug 10
      `complaint_substantiated case/${d.cases.get('CS1')}`, // Aug 20
      `training_completed training_record/${d.training.get('TR1')}`, // Sep 1
      `bad_rating rating/${r('R3').ratingId}`, // Sep 2 10:00
      `complaint_late_response case/${d.cases.get('CS2')}`, // due Sep 2 10:00, answered Sep 3 (CS3 merged, CS5 answered)
      `bad_rating rating/${r('R4').ratingId}`, // Sep 11
      `rectification_overdue rectification/${r('R4').rectificationId}`, // due Sep 20, never closed
    ]);
    expect(brief(d.b)).toEqual([
      `complaint_substantiated case/${d.cases.get('CS6')}`, // Jul 3
      `bad_rating rating/${r('R8').ratingId}`, // Sep 20
      `false_rectification rectification.event/${(await t.ctx.db.selectFrom('rectification_events').select('id').where('rectification_id', '=', r('R8').rectificationId!).executeTakeFirstOrThrow()).id}`, // Sep 25
      `bad_rating rating/${r('R7').ratingId}`, // Sep 29
      `rectification_overdue rectification/${r('R8').rectificationId}`, // due Sep 30, reopened by the finding
    ]);
    expect(ev.get(d.a)![0]).toEqual({ type: 'training_completed', subjectId: d.a, at: bj('2025-07-15T00:00:00'), ref: { type: 'training_record', id: String(d.training.get('TR2')) }, summary: '完成培训《廉政教育》5.5学时' });
    expect(ev.get(d.a)![1]!.summary).toBe('审计发现问题（较重）：违规收取费用');
    expect(ev.get(d.a)![2]!.summary).toBe(`群众投诉经核查属实：案件编号 ${d.cases.get('CS1')}`);
    expect(ev.get(d.a)![5]!.summary).toBe(`群众投诉未及时回应：案件编号 ${d.cases.get('CS2')}，应于 2025-09-02 10:00 前首次响应`);
  });

  it('lists complaint events of units: the unit named, else the accountable unit', async () => {
    const ev = await listEvents(t.ctx.db, { kind: 'unit', period: Q3, types: ['complaint_late_response', 'complaint_substantiated'], subjectIds: [d.p, d.c] });
    const brief = (id: number) => ev.get(id)!.map((e) => `${e.type} ${e.ref.id} ${e.at.toISOString()}`);
    expect(brief(d.p)).toEqual([
      `complaint_substantiated ${d.cases.get('CS6')} ${bj('2025-07-03T10:00:00').toISOString()}`,
      `complaint_substantiated ${d.cases.get('CS1')} ${bj('2025-08-20T10:00:00').toISOString()}`,
      `complaint_late_response ${d.cases.get('CS2')} ${bj('2025-09-02T10:00:00').toISOString()}`,
    ]);
    expect(brief(d.c)).toEqual([`complaint_late_response ${d.cases.get('CS4')} ${bj('2025-09-11T10:00:00').toISOString()}`]); // never answered
  });

  it('lists unit events: 12345 tickets not answered in 24 h and proposals answered late', async () => {
    const ev = await listEvents(t.ctx.db, { kind: 'unit', period: Q3, types: ['hotline_overdue', 'proposal_overdue', 'audit_finding_minor'], subjectIds: [d.p, d.c] });
    expect(ev.get(d.c)).toBeUndefined();
    expect(ev.get(d.p)!.map((e) => [e.type, e.ref.id, e.at.toISOString()])).toEqual([
      ['audit_finding_minor', String(d.audits.get('AF2')), bj('2025-09-01T00:00:00').toISOString()],
      ['hotline_overdue', String(d.hotline.get('H2')), bj('2025-09-04T10:00:00').toISOString()], // answered after 25 h
      ['hotline_overdue', String(d.hotline.get('H3')), bj('2025-09-06T10:00:00').toISOString()], // never answered
      ['proposal_overdue', String(d.proposals.get('PR2')), bj('2025-09-16T00:00:00').toISOString()], // answered Sep 20
      ['proposal_overdue', String(d.proposals.get('PR3')), bj('2025-10-01T00:00:00').toISOString()], // never answered
    ]);
  });

  it('does not call an overdue event before its deadline has passed', async () => {
    const ev = await listEvents(t.ctx.db, { kind: 'unit', period: Q3, types: ['proposal_overdue', 'hotline_overdue'], subjectIds: [d.p], now: bj('2025-09-05T12:00:00') });
    // By Sep 5 noon: H2 (deadline Sep 4 10:00) is overdue; H3's 24 h run to Sep 6; PR2 and PR3 are not yet due.
    expect(ev.get(d.p)!.map((e) => `${e.type} ${e.ref.id}`)).toEqual([`hotline_overdue ${d.hotline.get('H2')}`]);
  });
});

describe('pure rules', () => {
  it('ratioValue: null and insufficient below the minimum or with nothing to divide by', () => {
    expect(ratioValue('bad_rating_rate', 1, 3, 3, 1)).toEqual(v(0.333333, 1, 3, 3));
    expect(ratioValue('bad_rating_rate', 1, 3, 3)).toEqual(v(null, 1, 3, 3, true));
    expect(ratioValue('bad_rating_rectified_rate', 0, 0, 0)).toEqual(v(null, 0, 0, 0, true));
  });
  it('prorates the yearly training requirement by the period\'s days', () => {
    expect(requiredHours(50, parsePeriod('2025'))).toBe(50);
    expect(requiredHours(50, parsePeriod('2025Q3'))).toBe(12.6);
    expect(requiredHours(50, parsePeriod('2024-02'))).toBe(3.96); // 50 × 29 / 366
  });
});

describe('GET /api/metrics and the CLI format', () => {
  const get = async (user: string | null, url: string) => t.app.inject({ method: 'GET', url, headers: user ? { cookie: await t.login(user) } : {} });

  it('gives a unit head the units of their subtree with the library\'s numbers', async () => {
    const res = await get('unit_head', '/api/metrics?period=2025Q3&minSample=1&codes=bad_rating_rate,proposals_on_time_rate');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items.map((i: { subject: { code: string } }) => i.subject.code)).toEqual(['U99010201', 'U99010202', 'U99010203']);
    expect(body.total).toBe(3);
    expect(body.items[0]).toMatchObject({ kind: 'unit', period: { code: '2025Q3', from: '2025-06-30T16:00:00.000Z', to: '2025-09-30T16:00:00.000Z' } });
    expect(body.items[0].metrics).toEqual({ bad_rating_rate: v(0.428571, 3, 7, 7), proposals_on_time_rate: v(0.333333, 1, 3, 3) });
    expect(body.items[1].metrics.bad_rating_rate).toEqual(v(1, 1, 1, 1));
  });

  it('keeps out-of-scope units out, people\'s metrics from observers, and a civil servant to their own', async () => {
    expect((await get('unit_head', '/api/metrics?period=2025Q3&unitCode=U99010301')).statusCode).toBe(404);
    expect((await get('observer', '/api/metrics?period=2025Q3&kind=staff')).statusCode).toBe(403);
    expect((await get(null, '/api/metrics?period=2025Q3')).statusCode).toBe(401);
    const own = (await get('staff', '/api/metrics?period=2025Q3&kind=staff&minSample=1&codes=satisfaction_index')).json();
    expect(own.total).toBe(1);
    expect(own.items[0].metrics.satisfaction_index).toEqual(v(60, 300, 5, 5));
  });

  it('names the bad field', async () => {
    const bad = await get('unit_head', '/api/metrics?period=2025Q3&codes=bad_rating_rate,hotline_resolution_rate&kind=staff');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: '/querystring/codes', message: expect.stringMatching(/hotline_resolution_rate/) }]);
    expect((await get('unit_head', '/api/metrics?period=2025Q9')).json().errors[0].path).toBe('/querystring/period');
  });

  it('prints a table with — for insufficient evidence, and CSV with numerators', async () => {
    const { formatMetrics } = await import('./cli.ts');
    const rows = [{ code: 'U1', name: '单位一', unitCode: 'U1', metrics: { bad_rating_rate: v(0.25, 1, 4, 4), satisfaction_index: v(null, 10, 1, 1, true) } }];
    const table = formatMetrics(rows, ['bad_rating_rate', 'satisfaction_index'], 'table', { period: '2025Q3', kind: 'unit' });
    expect(table.split('\n')[1]).toMatch(/^U1\s+单位一\s+0\.25\s+—$/);
    const csv = formatMetrics(rows, ['bad_rating_rate'], 'csv', { period: '2025Q3', kind: 'unit' });
    expect(csv).toBe('code,name,unit,bad_rating_rate,bad_rating_rate_numerator,bad_rating_rate_denominator,bad_rating_rate_sample\nU1,单位一,U1,0.25,1,4,4\n');
  });
});
