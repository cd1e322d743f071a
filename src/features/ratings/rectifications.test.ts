// The rectification loop (差评整改) end to end through the HTTP API, on the 2025 National Day calendar
// (Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 worked), with the clock pinned by fake Date.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { insertTransactions, NATIONAL_DAY_2025, seedCalendar } from '../../../test/helpers/transactions.ts';

let t: TestApp;
/** Beijing wall-clock time → the instant. */
const bj = (local: string) => new Date(`${local}+08:00`);
/** The end of a Beijing day: how a deadline "N working days after" reads. */
const endOf = (day: string) => `${new Date(bj(`${day}T23:59:59.999`)).toISOString()}`;
const at = (local: string) => vi.setSystemTime(bj(local));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at('2025-09-20T09:00:00');
  t = await startTestApp({ demoStaff: 20, config: { sessionHours: 24 * 365 } });
  await seedCalendar(t.ctx.db, NATIONAL_DAY_2025);
  const acceptedAt = bj('2025-09-22T09:30:00');
  await insertTransactions(t.ctx.db, [
    ...['R-ANON', 'R-REAL', 'R-APP1', 'R-APP2', 'R-FALSE', 'R-LATE'].map((code) => ({ code, unitCode: 'U99010201', acceptedAt, completedAt: bj('2025-09-25T16:00:00'), promisedDays: 5 })),
    { code: 'R-OTHER', unitCode: 'U99010301', acceptedAt, completedAt: bj('2025-09-25T16:00:00'), promisedDays: 5 },
  ]);
});
afterAll(async () => {
  await t?.close();
  vi.useRealTimers();
});

async function call(user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (user) headers.cookie = await t.login(user);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method, url, headers, payload: body === undefined ? undefined : JSON.stringify(body) });
}

async function rate(code: string, level: number, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await call(null, 'POST', '/api/public/ratings', { transactionCode: code, level, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  const rect = await t.ctx.db.selectFrom('rectifications').select('id').where('rating_id', '=', res.json().ratingId).execute();
  expect(rect).toHaveLength(1);
  return Number(rect[0]!.id);
}

async function step(user: string, id: number, action: string, body: Record<string, unknown>, status = 200) {
  const res = await call(user, 'POST', `/api/rectifications/${id}/${action}`, body);
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

const ids = {} as { anon: number; real: number; app1: number; app2: number; false: number; late: number };

describe('a 差评 opens one rectification with working-day deadlines', () => {
  it('counts across the holiday and the 调休 Saturday', async () => {
    at('2025-09-26T10:00:00'); // Friday
    ids.anon = await rate('R-ANON', 1, { comment: '窗口人员态度冷漠' });
    ids.real = await rate('R-REAL', 2, { realName: { name: '王小明', phone: '13900001111' } });

    const anon = (await call('unit_head', 'GET', `/api/rectifications/${ids.anon}`)).json();
    // Verify (1 working day): Saturday Sep 27 is a weekend, Sunday Sep 28 is a 调休 working day.
    expect(anon).toMatchObject({ status: 'verifying', overdue: false, stageDeadline: endOf('2025-09-28'), revisitRequired: false, unit: { code: 'U99010201' } });
    // Whole rectification, anonymous (1 + 5 = 6 working days): Sep 28, 29, 30, (Oct 1–8 off) Oct 9, 10, and Saturday Oct 11 (调休).
    expect(anon.dueAt).toBe(endOf('2025-10-11'));
    expect(anon.rating).toMatchObject({ level: 1, levelName: '非常不满意', comment: '窗口人员态度冷漠', realName: false, rater: null });
    expect(anon.events).toEqual([expect.objectContaining({ action: 'open', fromStatus: null, toStatus: 'verifying', actor: null, actorRole: 'public' })]);

    const real = (await call('unit_head', 'GET', `/api/rectifications/${ids.real}`)).json();
    // Real-name (1 + 5 + 3 = 9 working days): … Oct 11, 13, 14, 15.
    expect(real).toMatchObject({ stageDeadline: endOf('2025-09-28'), dueAt: endOf('2025-10-15'), revisitRequired: true });
    expect(real.rating.rater).toEqual({ name: '王**', phone: '139****1111', masked: true });
    expect(JSON.stringify(real)).not.toContain('13900001111');
  });

  it('lists the queue in the caller\'s scope, most urgent first', async () => {
    at('2025-09-26T11:00:00');
    await rate('R-OTHER', 2);
    const mine = (await call('unit_head', 'GET', '/api/rectifications')).json();
    expect(mine.items.map((i: { id: number }) => i.id)).toEqual([ids.anon, ids.real]);
    expect(mine.total).toBe(2);
    const theirs = (await call('unit_head2', 'GET', '/api/rectifications')).json();
    expect(theirs.items.map((i: { transaction: { code: string } }) => i.transaction.code)).toEqual(['R-OTHER']);
    expect((await call('unit_head2', 'GET', `/api/rectifications/${ids.anon}`)).statusCode).toBe(404);
    expect((await call('unit_head', 'GET', '/api/rectifications?unitCode=U99010301')).json().total).toBe(0);
    expect((await call('inspector', 'GET', '/api/rectifications?unitCode=U99010301')).json().total).toBe(1);
    expect((await call('organizer', 'GET', '/api/rectifications?status=verifying')).json().total).toBe(3);
    expect((await call('staff', 'GET', '/api/rectifications')).statusCode).toBe(403);
    expect((await call(null, 'GET', '/api/rectifications')).statusCode).toBe(401);
    expect((await call('unit_head', 'GET', '/api/rectifications?sort=secret')).statusCode).toBe(400);
  });
});

describe('the whole loop: verify → rectify → revisit → closed', () => {
  it('moves through every stage with new working-day deadlines, attributed and timestamped', async () => {
    at('2025-09-28T09:00:00'); // the 调休 Sunday
    let r = await step('unit_head', ids.real, 'verify', { finding: 'founded', reason: '核实属实：窗口未一次性告知材料' });
    // Rectify (5 working days from Sep 28): Sep 29, 30, Oct 9, 10, 11 (调休 Saturday).
    expect(r).toMatchObject({ status: 'rectifying', finding: 'founded', stageDeadline: endOf('2025-10-11'), allowedActions: ['rectify', 'appeal'] });

    at('2025-10-10T15:00:00');
    r = await step('unit_head', ids.real, 'rectify', { evidence: '制定一次性告知清单，对窗口人员开展培训', attachments: ['upload:2025/10/10/a1.pdf'] });
    // Revisit (3 working days from Oct 10): Oct 11 (调休), 13, 14.
    expect(r).toMatchObject({ status: 'revisiting', evidence: '制定一次性告知清单，对窗口人员开展培训', attachments: ['upload:2025/10/10/a1.pdf'], stageDeadline: endOf('2025-10-14') });

    at('2025-10-13T10:00:00');
    r = await step('unit_head', ids.real, 'revisit', { outcome: 'dissatisfied', note: '群众表示问题仍未解决' });
    // Back to rectifying (5 working days from Oct 13): 14, 15, 16, 17, 20.
    expect(r).toMatchObject({ status: 'rectifying', revisitOutcome: 'dissatisfied', revisitCount: 1, stageDeadline: endOf('2025-10-20') });

    at('2025-10-14T10:00:00');
    await step('unit_head', ids.real, 'rectify', { evidence: '已为群众补办并上门致歉' });
    at('2025-10-15T10:00:00');
    r = await step('unit_head', ids.real, 'revisit', { outcome: 'satisfied' });
    expect(r).toMatchObject({ status: 'closed', outcome: 'resolved', revisitOutcome: 'satisfied', revisitCount: 2, stageDeadline: null, overdue: false, allowedActions: [] });
    expect(r.closedAt).toBe(bj('2025-10-15T10:00:00').toISOString());
    expect(r.events.map((e: { action: string; toStatus: string; actor: string | null }) => [e.action, e.toStatus, e.actor])).toEqual([
      ['open', 'verifying', null],
      ['verify', 'rectifying', 'unit_head'],
      ['rectify', 'revisiting', 'unit_head'],
      ['revisit', 'rectifying', 'unit_head'],
      ['rectify', 'revisiting', 'unit_head'],
      ['revisit', 'closed', 'unit_head'],
    ]);
    expect(r.events[1]).toMatchObject({ actorRole: 'unit_head', at: bj('2025-09-28T09:00:00').toISOString(), detail: { finding: 'founded' } });
    expect(r.version).toBe(6);

    const inspector = (await call('inspector', 'GET', `/api/rectifications/${ids.real}`)).json();
    expect(inspector.allowedActions).toEqual(['mark-false']);
  });

  it('reveals a real-name rater for the revisit only with a reason, and logs it', async () => {
    expect((await call('unit_head', 'GET', `/api/rectifications/${ids.real}?reveal=true`)).statusCode).toBe(400);
    expect((await call('organizer', 'GET', `/api/rectifications/${ids.real}?reveal=true&reason=x`)).statusCode).toBe(403);
    const res = await call('unit_head', 'GET', `/api/rectifications/${ids.real}?reveal=true&reason=${encodeURIComponent('回访')}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().rating.rater).toEqual({ name: '王小明', phone: '13900001111', masked: false });
    const log = await t.ctx.db.selectFrom('access_log').selectAll().where('subject_type', '=', 'rating').execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'reveal', reason: '回访' });
    expect((await call('unit_head', 'GET', `/api/rectifications/${ids.anon}?reveal=true&reason=x`)).statusCode).toBe(400);
  });

  it('refuses steps by the wrong people, in the wrong state, or with bad fields', async () => {
    expect((await call(null, 'POST', `/api/rectifications/${ids.anon}/verify`, { finding: 'founded' })).statusCode).toBe(401);
    expect((await call('staff', 'POST', `/api/rectifications/${ids.anon}/verify`, { finding: 'founded' })).statusCode).toBe(403);
    expect((await call('inspector', 'POST', `/api/rectifications/${ids.anon}/verify`, { finding: 'founded' })).statusCode).toBe(403);
    expect((await call('unit_head2', 'POST', `/api/rectifications/${ids.anon}/verify`, { finding: 'founded' })).statusCode).toBe(404);
    expect((await call('unit_head', 'POST', '/api/rectifications/999999/verify', { finding: 'founded' })).statusCode).toBe(404);
    const bad = await call('unit_head', 'POST', `/api/rectifications/${ids.anon}/verify`, { finding: 'maybe', evidence: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/evidence', '/body/finding']);
    expect((await call('unit_head', 'POST', `/api/rectifications/${ids.anon}/approve`, {})).statusCode).toBe(400);
    const closed = await call('unit_head', 'POST', `/api/rectifications/${ids.real}/verify`, { finding: 'founded' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().detail).toMatch(/Cannot verify a rectification that is closed/);
  });
});

describe('appeal (申诉复核)', () => {
  it('upheld: the rating is excluded and the rectification closed as appeal_upheld', async () => {
    at('2025-09-26T15:00:00');
    ids.app1 = await rate('R-APP1', 1, { comment: '乱评' });
    at('2025-09-28T10:00:00');
    let r = await step('unit_head', ids.app1, 'appeal', { kind: 'malicious', reason: '该号码当日对全部窗口差评，系恶意评价' });
    // The inspector decides within 5 working days: Sep 29, 30, Oct 9, 10, 11.
    expect(r).toMatchObject({ status: 'appealing', appeal: { kind: 'malicious', decision: null }, stageDeadline: endOf('2025-10-11'), allowedActions: [] });
    expect((await call('unit_head', 'POST', `/api/rectifications/${ids.app1}/decide-appeal`, { decision: 'upheld', reason: 'x' })).statusCode).toBe(403);
    expect((await call('inspector', 'GET', `/api/rectifications/${ids.app1}`)).json().allowedActions).toEqual(['decide-appeal']);

    at('2025-09-30T10:00:00');
    r = await step('inspector', ids.app1, 'decide-appeal', { decision: 'upheld', reason: '经核查属恶意评价' });
    expect(r).toMatchObject({ status: 'closed', outcome: 'appeal_upheld', appeal: { decision: 'upheld', decisionReason: '经核查属恶意评价' }, rating: { excluded: true } });
    expect(r.events.at(-1)).toMatchObject({ action: 'decide-appeal', actor: 'inspector', actorRole: 'inspector' });
    expect((await call('inspector', 'POST', `/api/rectifications/${ids.app1}/mark-false`, { reason: 'x' })).statusCode).toBe(409);
  });

  it('rejected: back to where it was, with the time given back; only one appeal', async () => {
    at('2025-09-29T09:00:00'); // Monday
    ids.app2 = await rate('R-APP2', 2);
    at('2025-09-29T10:00:00');
    await step('unit_head', ids.app2, 'appeal', { kind: 'mistaken', reason: '办件号填错，非本单位办件' });
    at('2025-10-09T10:00:00');
    const r = await step('inspector', ids.app2, 'decide-appeal', { decision: 'rejected', reason: '办件确属本单位' });
    // Verifying again from the decision on Oct 9: verify by Oct 10; the whole rectification gets its
    // 6 working days again: Oct 10, 11 (调休), 13, 14, 15, 16.
    expect(r).toMatchObject({ status: 'verifying', appeal: { decision: 'rejected' }, stageDeadline: endOf('2025-10-10'), dueAt: endOf('2025-10-16'), rating: { excluded: false } });
    const again = await call('unit_head', 'POST', `/api/rectifications/${ids.app2}/appeal`, { kind: 'mistaken', reason: '再次申诉' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/appealed already/);
  });
});

describe('虚假整改 (false rectification)', () => {
  it('an inspector finding reopens a closed rectification and marks it', async () => {
    at('2025-09-29T11:00:00');
    ids.false = await rate('R-FALSE', 2);
    await step('unit_head', ids.false, 'verify', { finding: 'founded' });
    let r = await step('unit_head', ids.false, 'rectify', { evidence: '已整改' });
    expect(r).toMatchObject({ status: 'closed', outcome: 'resolved' });

    at('2025-10-09T09:00:00');
    expect((await call('unit_head', 'POST', `/api/rectifications/${ids.false}/mark-false`, { reason: 'x' })).statusCode).toBe(403);
    expect((await call('inspector', 'POST', `/api/rectifications/${ids.false}/mark-false`, {})).statusCode).toBe(400);
    r = await step('inspector', ids.false, 'mark-false', { reason: '暗访发现问题依旧，整改流于形式' });
    // Rectify again within 5 working days of the finding: Oct 10, 11 (调休), 13, 14, 15.
    expect(r).toMatchObject({ status: 'rectifying', falseRectification: true, falseReason: '暗访发现问题依旧，整改流于形式', outcome: null, closedAt: null, stageDeadline: endOf('2025-10-15') });

    at('2025-10-10T09:00:00');
    r = await step('unit_head', ids.false, 'rectify', { evidence: '重新整改：调整窗口排班' });
    expect(r).toMatchObject({ status: 'closed', falseRectification: true });
    expect(r.events.map((e: { action: string }) => e.action)).toEqual(['open', 'verify', 'rectify', 'mark-false', 'rectify']);
  });
});

describe('overdue', () => {
  it('is flagged when the current stage deadline has passed, and filterable', async () => {
    at('2025-10-09T09:00:00');
    ids.late = await rate('R-LATE', 1);
    // Verify by the end of Oct 10.
    at('2025-10-10T23:59:59');
    expect((await call('unit_head', 'GET', `/api/rectifications/${ids.late}`)).json().overdue).toBe(false);
    at('2025-10-11T00:00:01');
    expect((await call('unit_head', 'GET', `/api/rectifications/${ids.late}`)).json().overdue).toBe(true);
    const overdue = (await call('unit_head', 'GET', '/api/rectifications?overdue=true')).json();
    expect(overdue.items.map((i: { id: number }) => i.id)).toContain(ids.late);
    expect(overdue.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
    const onTime = (await call('unit_head', 'GET', '/api/rectifications?overdue=false')).json();
    expect(onTime.items.map((i: { id: number }) => i.id)).not.toContain(ids.late);
    expect(onTime.items.every((i: { overdue: boolean }) => !i.overdue)).toBe(true);
  });
});

describe('deadline rules per unit category', () => {
  it('are listed for everyone who reads rectifications, set by admins, and apply to stages entered later', async () => {
    const list = (await call('unit_head', 'GET', '/api/rectification-deadlines')).json();
    expect(list.items).toEqual(['general_admin', 'law_enforcement', 'window_service'].map((unitCategory) =>
      expect.objectContaining({ unitCategory, verifyDays: 1, rectifyDays: 5, revisitDays: 3, appealDays: 5, version: 1 })));
    expect((await call('unit_head', 'GET', '/api/rectification-deadlines?unitCategory=bank')).statusCode).toBe(400);
    expect((await call('staff', 'GET', '/api/rectification-deadlines')).statusCode).toBe(403);
    const body = { verifyDays: 2, rectifyDays: 10, revisitDays: 3, appealDays: 5 };
    expect((await call('inspector', 'PUT', '/api/rectification-deadlines/window_service', body)).statusCode).toBe(403);
    expect((await call('admin', 'PUT', '/api/rectification-deadlines/window_service', { ...body, rectifyDays: 0 })).statusCode).toBe(400);
    const set = await call('admin', 'PUT', '/api/rectification-deadlines/window_service', body);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ unitCategory: 'window_service', verifyDays: 2, rectifyDays: 10, version: 2 });
    expect((await call('admin', 'PUT', '/api/rectification-deadlines/window_service', body)).json().version).toBe(2); // unchanged: no new version

    at('2025-10-13T09:00:00'); // Monday
    await insertTransactions(t.ctx.db, [{ code: 'R-RULES', unitCode: 'U99010201', acceptedAt: bj('2025-10-13T08:00:00') }]);
    const id = await rate('R-RULES', 2);
    const r = (await call('unit_head', 'GET', `/api/rectifications/${id}`)).json();
    // Verify within 2 working days (Oct 14, 15); the whole rectification 2 + 10 = 12 (Oct 14 … Oct 29).
    expect(r).toMatchObject({ stageDeadline: endOf('2025-10-15'), dueAt: endOf('2025-10-29') });
  });
});
