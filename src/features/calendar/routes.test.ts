import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addToken } from '../auth/service.ts';
import { loadDefaultCalendar } from './service.ts';

let t: TestApp;
let ingestToken: string;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 0 });
  await loadDefaultCalendar(t.ctx.db);
  ingestToken = (await addToken({ db: t.ctx.db }, { name: 'calendar-test', role: 'ingest' })).token;
});
afterAll(async () => t?.close());

async function call(user: string | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (user) h.cookie = await t.login(user);
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  return t.app.inject({ method: method as 'GET', url, headers: h, payload });
}
const csv = (user: string | null, text: string | Buffer, type = 'text/csv') =>
  user ? call(user, 'POST', '/api/calendar/import', text as string, { 'content-type': type }) : t.app.inject({ method: 'POST', url: '/api/calendar/import', headers: { 'content-type': type }, payload: text });

describe('GET /api/calendar', () => {
  it('401 without sign-in; 403 for a machine token without calendar.read', async () => {
    expect((await call(null, 'GET', '/api/calendar')).statusCode).toBe(401);
    const res = await t.app.inject({ url: '/api/calendar', headers: { authorization: `Bearer ${ingestToken}` } });
    expect(res.statusCode).toBe(403);
  });

  it('every signed-in role reads the exceptions of a range, with per-day status on request', async () => {
    const res = await call('observer', 'GET', '/api/calendar?from=2025-09-27&to=2025-10-12&days=true');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.coveredYears).toEqual([2025, 2026]);
    expect(body.exceptions.map((e: { date: string }) => e.date)).toEqual([
      '2025-09-28', '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08', '2025-10-11',
    ]);
    expect(body.exceptions[0]).toMatchObject({ kind: 'workday', name: '国庆节、中秋节调休上班', weekday: 'Sunday 周日', version: 1, updatedBy: null });
    expect(body.days).toHaveLength(16);
    expect(body.days.filter((d: { working: boolean }) => d.working).map((d: { date: string }) => d.date)).toEqual([
      '2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11',
    ]);
  });

  it('defaults to the whole year of from', async () => {
    const res = await call('assessor', 'GET', '/api/calendar?from=2026-01-01');
    expect(res.json()).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(res.json().days).toBeUndefined();
  });

  it('400 for impossible dates, reversed or too long ranges and unknown parameters', async () => {
    for (const [q, path] of [
      ['from=2025-02-30', '/querystring/from'],
      ['from=2025-10-10&to=2025-10-01', '/querystring/to'],
      ['from=2020-01-01&to=2025-01-01', '/querystring/to'],
      ['year=2025', '/querystring/year'],
    ] as const) {
      const res = await call('observer', 'GET', `/api/calendar?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path), q).toContain(path);
    }
  });
});

describe('GET /api/calendar/working-days', () => {
  it('answers the deadline across 国庆 2025 for any signed-in role', async () => {
    const res = await call('unit_head', 'GET', `/api/calendar/working-days?from=${encodeURIComponent('2025-09-30T10:00:00+08:00')}&days=3`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2025-09-30T02:00:00.000Z', days: 3, deadline: '2025-10-11T15:59:59.999Z', deadlineLocal: '2025-10-11T23:59:59.999+08:00', deadlineDate: '2025-10-11',
    });
    // An instant written in UTC that is already 1 Oct in Beijing.
    const utc = await call('unit_head', 'GET', '/api/calendar/working-days?from=2025-09-30T16:30:00Z&days=1');
    expect(utc.json().deadlineDate).toBe('2025-10-09');
  });

  it('401, 403 for a machine token, 400 for zero, negative or missing days and for a time without offset', async () => {
    expect((await call(null, 'GET', '/api/calendar/working-days?from=2025-09-30&days=1')).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/calendar/working-days?from=2025-09-30&days=1', headers: { authorization: `Bearer ${ingestToken}` } })).statusCode).toBe(403);
    for (const q of ['from=2025-09-30&days=0', 'from=2025-09-30&days=-2', 'from=2025-09-30', 'from=2025-09-30T10:00:00&days=1', 'from=tomorrow&days=1', 'from=2025-09-31&days=1']) {
      const res = await call('observer', 'GET', `/api/calendar/working-days?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });
});

describe('PUT and DELETE /api/calendar/days/{date}', () => {
  it('401 without sign-in, 403 for every role but admin', async () => {
    expect((await call(null, 'PUT', '/api/calendar/days/2027-01-01', { kind: 'holiday', name: '元旦' })).statusCode).toBe(401);
    expect((await call(null, 'DELETE', '/api/calendar/days/2025-10-01')).statusCode).toBe(401);
    for (const user of ['organizer', 'inspector', 'unit_head', 'assessor', 'observer']) {
      expect((await call(user, 'PUT', '/api/calendar/days/2027-01-01', { kind: 'holiday', name: '元旦' })).statusCode, user).toBe(403);
      expect((await call(user, 'DELETE', '/api/calendar/days/2025-10-01')).statusCode, user).toBe(403);
    }
  });

  it('400 field by field: unknown kind, a make-up day on a weekday, empty name, extra fields, impossible date', async () => {
    const cases: [string, unknown, string][] = [
      ['2027-01-01', { kind: 'vacation', name: '元旦' }, '/body/kind'],
      ['2027-01-06', { kind: 'workday', name: '调休' }, '/body/kind'], // a Wednesday
      ['2027-01-01', { kind: 'holiday', name: '' }, '/body/name'],
      ['2027-01-01', { kind: 'holiday', name: '元旦', color: 'red' }, '/body/color'],
      ['2027-02-29', { kind: 'holiday', name: '元旦' }, '/params/date'],
      ['1900-01-01', { kind: 'holiday', name: '元旦' }, '/params/date'],
    ];
    for (const [date, body, path] of cases) {
      const res = await call('admin', 'PUT', `/api/calendar/days/${date}`, body);
      expect(res.statusCode, `${date} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('creates (201), updates (200, new version), and the clocks see it at once', async () => {
    const before = await call('observer', 'GET', '/api/calendar/working-days?from=2027-01-01&days=1');
    expect(before.json().deadlineDate).toBe('2027-01-04'); // Fri 1 Jan 2027 → Mon 4 Jan (plain week)
    const created = await call('admin', 'PUT', '/api/calendar/days/2027-01-04', { kind: 'holiday', name: '测试假日' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ date: '2027-01-04', kind: 'holiday', name: '测试假日', weekday: 'Monday 周一', version: 1, updatedBy: 'admin' });
    expect((await call('observer', 'GET', '/api/calendar/working-days?from=2027-01-01&days=1')).json().deadlineDate).toBe('2027-01-05');
    const updated = await call('admin', 'PUT', '/api/calendar/days/2027-01-04', { kind: 'holiday', name: '测试假日二' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().version).toBe(2);
    const made = await call('admin', 'PUT', '/api/calendar/days/2027-01-02', { kind: 'workday', name: '测试调休上班' });
    expect(made.statusCode).toBe(201);
    expect((await call('observer', 'GET', '/api/calendar/working-days?from=2027-01-01&days=1')).json().deadlineDate).toBe('2027-01-02');
  });

  it('deletes (204), then 404 for a day without an exception', async () => {
    expect((await call('admin', 'DELETE', '/api/calendar/days/2027-01-02')).statusCode).toBe(204);
    expect((await call('admin', 'DELETE', '/api/calendar/days/2027-01-04')).statusCode).toBe(204);
    expect((await call('observer', 'GET', '/api/calendar/working-days?from=2027-01-01&days=1')).json().deadlineDate).toBe('2027-01-04');
    const again = await call('admin', 'DELETE', '/api/calendar/days/2027-01-04');
    expect(again.statusCode).toBe(404);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect((await call('admin', 'DELETE', '/api/calendar/days/2027-03-03')).statusCode).toBe(404);
    expect((await call('admin', 'DELETE', '/api/calendar/days/2027-13-01')).statusCode).toBe(400);
  });
});

describe('POST /api/calendar/import', () => {
  const file = [
    '日期,类型,名称',
    '2028-01-03,休,元旦', // Monday
    '2028-01-08,班,元旦调休上班', // Saturday
    '2028-01-05,班,周三', // a Wednesday cannot be a make-up day
    '2028-02-30,休,二月三十日',
    '2028-03-01,放风,未知类型',
    ',休,没有日期',
    '2028-01-03,休,重复',
    '2028-10-02,法定节假日,国庆节',
    '',
  ].join('\n');

  it('401 without sign-in, 403 for non-admins, 415 for a body that is not CSV', async () => {
    expect((await csv(null, file)).statusCode).toBe(401);
    expect((await csv('organizer', file)).statusCode).toBe(403);
    const json = await call('admin', 'POST', '/api/calendar/import', { rows: [] });
    expect(json.statusCode).toBe(415);
  });

  it('400 for an empty body or a header without the required columns', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/api/calendar/import', headers: { cookie: await t.login('admin'), 'content-type': 'text/csv' } });
    expect(empty.statusCode).toBe(400);
    const noKind = await csv('admin', 'date,name\n2028-01-03,元旦\n');
    expect(noKind.statusCode).toBe(400);
    expect(noKind.json().errors).toEqual([{ path: 'header/kind', message: expect.stringContaining('类型') }]);
  });

  it('keeps the good rows, reports every bad one by row and field, and is idempotent', async () => {
    const res = await csv('admin', file);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      rows: 8, inserted: 3, updated: 0, unchanged: 0, kept: 0,
      errors: [
        { row: 4, field: 'kind', reason: expect.stringContaining('2028-01-05 is a Wednesday') },
        { row: 5, field: 'date', reason: 'must be a real date written YYYY-MM-DD' },
        { row: 6, field: 'kind', reason: expect.stringContaining('holiday / workday') },
        { row: 7, field: 'date', reason: 'is required' },
        { row: 8, field: 'date', reason: '2028-01-03 is already given on row 2' },
      ],
    });
    const again = await csv('admin', file);
    expect(again.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(again.json().errors).toHaveLength(5);
    const renamed = await csv('admin', 'date,kind,name\n2028-01-03,holiday,元旦（新）\n');
    expect(renamed.json()).toMatchObject({ inserted: 0, updated: 1, unchanged: 0, errors: [] });
    const listed = await call('observer', 'GET', '/api/calendar?from=2028-01-01&to=2028-12-31');
    expect(listed.json().exceptions.map((e: { date: string; version: number }) => `${e.date}@${e.version}`)).toEqual(['2028-01-03@2', '2028-01-08@1', '2028-10-02@1']);
    expect((await call('observer', 'GET', '/api/calendar/working-days?from=2027-12-31&days=1')).json().deadlineDate).toBe('2028-01-04');
  });
});
