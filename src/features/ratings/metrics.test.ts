// Unit metrics against a small hand-made September 2025 (National Day calendar), built through the
// HTTP API with the clock pinned. Every expected number is worked out in the comments.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { insertTransactions, NATIONAL_DAY_2025, seedCalendar, type TransactionSpec } from '../../../test/helpers/transactions.ts';
import { addWorkingDays, buildCalendar, shanghaiDate, workingDaysBetween } from '../calendar/working-days.ts';
import { INSUFFICIENT, ratio, unitMetrics } from './metrics-service.ts';
import { applyDefaultRatings } from './service.ts';

const P = 'U99010201'; // 临溪区政务服务中心 (unit_head's unit)
const C = 'U99010202'; // its sub-unit 综合受理窗口
const bj = (local: string) => new Date(`${local}+08:00`);
const at = (local: string) => vi.setSystemTime(bj(local));
let t: TestApp;

async function call(user: string | null, method: 'GET' | 'POST', url: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (user) headers.cookie = await t.login(user);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
}
const rects = new Map<string, number>();
async function rate(local: string, code: string, level: number, extra: Record<string, unknown> = {}) {
  at(local);
  const res = await call(null, 'POST', '/api/public/ratings', { transactionCode: code, level, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const rect = await t.ctx.db.selectFrom('rectifications').select('id').where('rating_id', '=', res.json().ratingId).executeTakeFirst();
  if (rect) rects.set(code, Number(rect.id));
}
async function step(local: string, user: string, code: string, action: string, body: Record<string, unknown>) {
  at(local);
  const res = await call(user, 'POST', `/api/rectifications/${rects.get(code)}/${action}`, body);
  expect(res.statusCode, res.body).toBe(200);
}
const real = { realName: { name: '赵敏', phone: '13700002222' } };

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at('2025-08-30T09:00:00');
  t = await startTestApp({ demoStaff: 20, config: { sessionHours: 24 * 365 } });
  await seedCalendar(t.ctx.db, NATIONAL_DAY_2025);
  const done = (code: string, unitCode: string, accepted: string, completed: string, promisedDays: number | null): TransactionSpec =>
    ({ code, unitCode, acceptedAt: bj(accepted), completedAt: bj(completed), promisedDays });
  const open = (code: string, unitCode = P): TransactionSpec => ({ code, unitCode, acceptedAt: bj('2025-08-28T10:00:00'), status: 'accepted' });
  await insertTransactions(t.ctx.db, [
    // Completed in September, processing working days d in (day accepted, day completed], promise n:
    done('T1', P, '2025-09-01T09:00:00', '2025-09-03T16:00:00', 3), // d=2 ≤ 3 on time
    done('T2', P, '2025-09-01T09:00:00', '2025-09-05T16:00:00', 3), // d=4: late (deadline end of Thu Sep 4)
    done('T3', P, '2025-09-05T10:00:00', '2025-09-08T10:00:00', 1), // d=1 (Mon Sep 8): on time
    done('T4', P, '2025-09-26T10:00:00', '2025-09-28T10:00:00', 1), // d=1: Sunday Sep 28 is a 调休 working day: on time
    done('T5', P, '2025-09-10T09:00:00', '2025-09-10T15:00:00', 0), // 即办件 same day: on time, d=0
    done('T6', P, '2025-09-10T09:00:00', '2025-09-11T09:00:00', 0), // 即办件 next day: late, d=1
    done('T11', P, '2025-09-13T10:00:00', '2025-09-13T11:00:00', 0), // 即办件 on a Saturday, same day: on time, d=0
    done('T7', P, '2025-09-12T09:00:00', '2025-09-12T10:00:00', null), // no promise: completed, not timed
    done('T-DEF', P, '2025-09-04T08:00:00', '2025-09-04T09:00:00', null), // gets the default rating
    done('T8', C, '2025-09-15T09:00:00', '2025-09-22T09:00:00', 5), // d=5 ≤ 5 on time (sub-unit)
    done('T9', P, '2025-09-29T09:00:00', '2025-10-09T09:00:00', 3), // completed in October: outside
    { code: 'T10', unitCode: P, acceptedAt: bj('2025-09-10T09:00:00'), status: 'accepted' }, // not completed
    // Transactions only rated (still open, so no default rating and no completion metrics):
    ...['R-A', 'R-B', 'R-B1', 'R-B2', 'R-B3', 'R-B4', 'R-B5', 'R-OUT'].map((c) => open(c)),
    open('R-C1', C), open('R-C6', C),
  ]);

  await rate('2025-09-01T00:00:00', 'R-A', 4); // first instant of the period: inside
  await rate('2025-09-02T10:00:00', 'R-B1', 2); // B1 anonymous: due 6 wd → Sep 10
  await step('2025-09-03T09:00:00', 'unit_head', 'R-B1', 'verify', { finding: 'founded' });
  await rate('2025-09-03T12:00:00', 'T1', 5);
  await step('2025-09-04T10:00:00', 'unit_head', 'R-B1', 'rectify', { evidence: '已整改' }); // closed on time
  await rate('2025-09-05T12:00:00', 'T2', 5);
  await rate('2025-09-06T12:00:00', 'R-B', 3);
  await rate('2025-09-08T10:00:00', 'R-B3', 1); // B3: appealed and upheld → excluded
  await step('2025-09-08T11:00:00', 'unit_head', 'R-B3', 'appeal', { kind: 'malicious', reason: '恶意评价' });
  await step('2025-09-09T11:00:00', 'inspector', 'R-B3', 'decide-appeal', { decision: 'upheld', reason: '属实' });
  await rate('2025-09-10T10:00:00', 'R-C6', 1); // B6 (sub-unit): unfounded, closed on time
  await step('2025-09-11T09:00:00', 'unit_head', 'R-C6', 'verify', { finding: 'unfounded', reason: '系对政策本身不满' });
  at('2025-09-11T12:00:00');
  // Eligible: completed ≤ Sep 4 12:00 and unrated → only T-DEF (T1 is rated), rated at Sep 11 09:00.
  expect((await applyDefaultRatings(t.ctx.db, new Date(), { afterDays: 7, level: 3 })).rated).toBe(1);
  await rate('2025-09-12T10:00:00', 'R-C1', 4);
  await rate('2025-09-15T10:00:00', 'R-B2', 1, real); // B2 real-name: due 9 wd → Fri Sep 26
  await step('2025-09-16T10:00:00', 'unit_head', 'R-B2', 'verify', { finding: 'founded' });
  await rate('2025-09-20T10:00:00', 'R-B4', 2, real); // B4 real-name: due 9 wd → Oct 9 (Sep 28 counts)
  await step('2025-09-22T10:00:00', 'unit_head', 'R-B4', 'verify', { finding: 'founded' });
  await step('2025-09-23T10:00:00', 'unit_head', 'R-B4', 'rectify', { evidence: '已整改' }); // revisit by Sep 26: never done
  await rate('2025-09-29T10:00:00', 'R-B5', 1); // B5 anonymous: due 6 wd → Oct 14
  await step('2025-09-29T11:00:00', 'unit_head', 'R-B5', 'verify', { finding: 'founded' });
  await step('2025-09-29T12:00:00', 'unit_head', 'R-B5', 'rectify', { evidence: '已整改' });
  await step('2025-09-30T10:00:00', 'unit_head', 'R-B2', 'rectify', { evidence: '已整改' }); // after its due date
  await rate('2025-10-01T00:00:00', 'R-OUT', 5); // first instant after the period: outside
  await step('2025-10-09T10:00:00', 'unit_head', 'R-B2', 'revisit', { outcome: 'satisfied' }); // closed late
  await step('2025-10-10T10:00:00', 'inspector', 'R-B5', 'mark-false', { reason: '整改不实' }); // reopened, rectify by Oct 16
  at('2025-10-20T10:00:00');
});
afterAll(async () => {
  await t?.close();
  vi.useRealTimers();
});

const query = (extra: string) => `/api/metrics/units?from=2025-09-01&to=2025-10-01&${extra}`;

describe('unit metrics', () => {
  it('computes every rate of one unit from the hand-made data', async () => {
    const res = await call('unit_head', 'GET', query(`unitCode=${P}&includeSubUnits=false&minSample=1`));
    expect(res.statusCode, res.body).toBe(200);
    const [m] = res.json().items;
    // Ratings (excluded B3 left out): R-A 4, B1 2, T1 5, T2 5, R-B 3, T-DEF 3 (default), B2 1, B4 2, B5 1.
    expect(m.counts).toEqual({ ratings: 9, defaulted: 1, badRatings: 4, excluded: 1, rectifications: 4, openRectifications: 2, overdueRectifications: 2, completedTransactions: 9 });
    expect(m.metrics.goodRate).toEqual({ value: 0.333333, numerator: 3, denominator: 9 });
    expect(m.metrics.badRate).toEqual({ value: 0.444444, numerator: 4, denominator: 9 });
    // Due by Oct 20: B1, B2 (closed), B4 (due Oct 9), B5 (due Oct 14) → 4; closed B1, B2; on time B1 only.
    expect(m.metrics.rectificationRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(m.metrics.onTimeRectificationRate).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    // Real-name, founded, rectified: B2 (revisited), B4 (not) → 1/2.
    expect(m.metrics.revisitRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    // Reported rectified: B1, B2, B4, B5; found false: B5 → 1/4.
    expect(m.metrics.falseRectificationRate).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    // With a promise: T1–T6, T11; on time T1, T3, T4, T5, T11 → 5/7.
    expect(m.metrics.onTimeCompletionRate).toEqual({ value: 0.714286, numerator: 5, denominator: 7 });
    // Working days 2+4+1+1+0+1+0 = 9 over 7 → 1.29 against promised 3+3+1+1+0+0+0 = 8 over 7 → 1.14.
    expect(m.metrics.averageProcessingDays).toEqual({ value: 1.29, numerator: 9, denominator: 7, promisedAverage: 1.14 });
    expect(m).toMatchObject({ unit: { code: P }, from: '2025-09-01', to: '2025-10-01', includeSubUnits: false, minSample: 1 });
  });

  it('adds the sub-units when asked (the default)', async () => {
    const [m] = (await call('unit_head', 'GET', query(`unitCode=${P}&minSample=1`))).json().items;
    // + R-C1 (4) and B6 (1, unfounded, closed Sep 11 before its due date Sep 18); + T8 on time, 5 days.
    expect(m.counts).toMatchObject({ ratings: 11, badRatings: 5, rectifications: 5, completedTransactions: 10 });
    expect(m.metrics.goodRate).toEqual({ value: 0.363636, numerator: 4, denominator: 11 });
    expect(m.metrics.rectificationRate).toEqual({ value: 0.6, numerator: 3, denominator: 5 });
    expect(m.metrics.onTimeRectificationRate).toEqual({ value: 0.4, numerator: 2, denominator: 5 });
    expect(m.metrics.revisitRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(m.metrics.falseRectificationRate).toEqual({ value: 0.25, numerator: 1, denominator: 4 });
    expect(m.metrics.onTimeCompletionRate).toEqual({ value: 0.75, numerator: 6, denominator: 8 });
    expect(m.metrics.averageProcessingDays).toEqual({ value: 1.75, numerator: 14, denominator: 8, promisedAverage: 1.63 });
  });

  it('says "insufficient evidence" instead of a number below the minimum sample (default 10)', async () => {
    const [alone] = (await call('unit_head', 'GET', query(`unitCode=${P}&includeSubUnits=false`))).json().items;
    expect(alone.minSample).toBe(10);
    expect(alone.metrics.goodRate).toEqual({ value: null, numerator: 3, denominator: 9, reason: INSUFFICIENT });
    expect(alone.metrics.rectificationRate).toEqual({ value: null, numerator: 2, denominator: 4, reason: INSUFFICIENT });
    const [withSubs] = (await call('unit_head', 'GET', query(`unitCode=${P}`))).json().items;
    expect(withSubs.metrics.goodRate.value).toBe(0.363636);
    const [empty] = (await call('inspector', 'GET', query('unitCode=U99010301&minSample=1'))).json().items;
    expect(empty.metrics.goodRate).toEqual({ value: null, numerator: 0, denominator: 0, reason: INSUFFICIENT });
    expect(empty.metrics.averageProcessingDays).toEqual({ value: null, numerator: 0, denominator: 0, reason: INSUFFICIENT, promisedAverage: null });
  });

  it('lists every unit in the caller\'s scope, and keeps out-of-scope units out', async () => {
    const all = (await call('unit_head', 'GET', query('minSample=1'))).json();
    expect(all.total).toBe(3);
    expect(all.items.map((i: { unit: { code: string } }) => i.unit.code)).toEqual([P, C, 'U99010203']);
    expect(all.items[1].counts.ratings).toBe(2);
    expect((await call('unit_head', 'GET', query('unitCode=U99010301'))).statusCode).toBe(404);
    expect((await call('staff', 'GET', query(''))).statusCode).toBe(403);
    expect((await call(null, 'GET', query(''))).statusCode).toBe(401);
    expect((await call('observer', 'GET', query(`unitCode=${P}`))).statusCode).toBe(200);
    const bad = await call('unit_head', 'GET', '/api/metrics/units?from=2025-10-01&to=2025-09-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: '/querystring/to', message: expect.stringMatching(/after from/) }]);
    expect((await call('unit_head', 'GET', '/api/metrics/units?from=2025-13-01&to=2025-10-01')).statusCode).toBe(400);
  });

  it('counts working days exactly as the calendar does (random transactions across the holiday)', async () => {
    const cal = buildCalendar(NATIONAL_DAY_2025.map((d) => ({ date: d.day, kind: d.kind })));
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const specs: TransactionSpec[] = [];
    let onTime = 0;
    let days = 0;
    for (let i = 0; i < 300; i++) {
      const accepted = new Date(bj('2025-09-15T00:00:00').getTime() + rnd(36 * 24) * 3600_000 + rnd(60) * 60_000);
      const completed = new Date(accepted.getTime() + rnd(16 * 24) * 3600_000);
      const promised = rnd(8);
      specs.push({ code: `RND${i}`, unitCode: 'U99010203', acceptedAt: accepted, completedAt: completed, promisedDays: promised });
      days += workingDaysBetween(cal, accepted, completed);
      const sameDay = shanghaiDate(completed) === shanghaiDate(accepted);
      if (promised === 0 ? sameDay : completed.getTime() <= addWorkingDays(cal, accepted, promised).getTime()) onTime++;
    }
    await insertTransactions(t.ctx.db, specs);
    const [m] = await unitMetrics(t.ctx.db, { from: '2025-09-01', to: '2025-12-01', unitCode: 'U99010203', includeSubUnits: false, minSample: 1 });
    expect(m!.metrics.onTimeCompletionRate).toMatchObject({ numerator: onTime, denominator: 300 });
    expect(m!.metrics.averageProcessingDays).toMatchObject({ numerator: days, denominator: 300 });
  });

  it('is the same through the function the CLI uses', async () => {
    const [m] = await unitMetrics(t.ctx.db, { from: '2025-09-01', to: '2025-10-01', unitCode: P, includeSubUnits: false, minSample: 1 });
    expect(m!.metrics.rectificationRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(ratio(1, 3, 1).value).toBe(0.333333);
  });
});
