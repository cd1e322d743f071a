import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { ndjson, transactionLines } from '../../../test/helpers/ingest-files.ts';
import { addToken } from '../auth/service.ts';

let t: TestApp;
let token: string; // the bearer token of source 'platform'
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20 });
  const res = await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: await t.login('admin') }, payload: { code: 'platform', name: '一体化政务服务平台' } });
  token = res.json().token;
});
afterAll(async () => t?.close());

const NDJSON = { 'content-type': 'application/x-ndjson' };
const bearer = (tk = token) => ({ authorization: `Bearer ${tk}` });
const ingest = (kind: string, body: string | Buffer, headers: Record<string, string> = bearer(), query = '') =>
  t.app.inject({ method: 'POST', url: `/api/ingest/${kind}${query}`, headers: { ...NDJSON, ...headers }, payload: body });

const tx = (id: string, extra: Record<string, unknown> = {}) => ({ externalId: id, serviceItemCode: 'I9900000101', channel: 'window', acceptedAt: '2025-05-06 09:00:00', ...extra });
const stored = (externalId: string) =>
  t.ctx.db.selectFrom('service_transactions as t').innerJoin('units as u', 'u.id', 't.unit_id').innerJoin('sources as s', 's.id', 't.source_id')
    .select(['t.transaction_code', 't.status', 't.completed_at', 't.promised_days', 't.version', 'u.code as unit_code', 't.handler_staff_id'])
    .where('s.code', '=', 'platform').where('t.external_id', '=', externalId).executeTakeFirst();

describe('sources', () => {
  it('an admin registers a source and gets its token once; codes are unique', async () => {
    const admin = await t.login('admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: admin }, payload: { code: 'hotline-12345', name: '12345热线' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: 'hotline-12345', name: '12345热线', token: expect.stringMatching(/^pt_/) });
    expect(res.headers['cache-control']).toBe('no-store');
    const again = await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: admin }, payload: { code: 'hotline-12345', name: 'x' } });
    expect(again.statusCode).toBe(409);
    const list = await t.app.inject({ url: '/api/sources?q=hotline', headers: { cookie: await t.login('organizer') } });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ code: 'hotline-12345', hasToken: true, tokenLastUsedAt: null }] });
  });

  it('401 anonymous, 403 for other roles, 400 for a bad code', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/sources', payload: { code: 'abc', name: 'x' } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/sources' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: await t.login('organizer') }, payload: { code: 'abc', name: 'x' } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/sources', headers: { cookie: await t.login('unit_head') } })).statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: await t.login('admin') }, payload: { code: '-bad code', name: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: '/body/code', message: expect.any(String) }]);
  });
});

describe('POST /api/ingest/<kind>', () => {
  it('refuses before reading: 401 without a token, 403 for a unit head, 400 unknown kind, 415 wrong type or encoding', async () => {
    const body = ndjson([tx('R1')]);
    expect((await ingest('transactions', body, {})).statusCode).toBe(401);
    expect((await ingest('transactions', body, { authorization: 'Bearer pt_wrong' })).statusCode).toBe(401);
    const head = await ingest('transactions', body, { cookie: await t.login('unit_head') });
    expect(head.statusCode).toBe(403);
    expect(head.headers['content-type']).toContain('application/problem+json');
    const kind = await ingest('ratings-of-cats', body);
    expect(kind.statusCode).toBe(400);
    expect(kind.json().errors).toEqual([{ path: '/params/kind', message: expect.stringContaining('transactions') }]);
    for (const type of ['application/json', 'text/csv', 'text/plain']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest/transactions', headers: { ...bearer(), 'content-type': type }, payload: type === 'application/json' ? JSON.stringify(tx('R1')) : body });
      expect(res.statusCode, type).toBe(415);
      expect(res.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
    }
    expect((await ingest('transactions', body, { ...bearer(), 'content-encoding': 'br' })).statusCode).toBe(415);
    expect(await stored('R1')).toBeUndefined();
  });

  it('keeps every good line and reports each bad one by line and field; the same body again changes nothing', async () => {
    const lines = [...transactionLines(60, { badEvery: 10, prefix: 'K' })];
    const body = lines.map((l) => l.text).join('\n') + '\n';
    const bad = lines.flatMap((l, i) => (l.bad ? [{ line: i + 1, field: l.bad }] : []));
    const res = await ingest('transactions', body);
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ lines: 60, inserted: 54, updated: 0, unchanged: 0, rejected: 6 });
    expect(s.errors.map((e: { line: number; field: string }) => ({ line: e.line, field: e.field }))).toEqual(bad);
    const count = async () => Number((await t.ctx.db.selectFrom('service_transactions').select((eb) => eb.fn.countAll().as('n')).where('external_id', 'like', 'K%').executeTakeFirstOrThrow()).n);
    expect(await count()).toBe(54);

    const again = (await ingest('transactions', body)).json();
    expect(again).toMatchObject({ lines: 60, inserted: 0, updated: 0, unchanged: 54, rejected: 6 });
    expect(await count()).toBe(54);

    // The full error list is kept with the job.
    const errors = await t.app.inject({ url: `/api/ingest/jobs/${s.jobId}/errors?pageSize=2&page=2`, headers: bearer() });
    expect(errors.json()).toMatchObject({ total: 6, items: [{ line: bad[2]!.line, field: bad[2]!.field }, { line: bad[3]!.line }] });
    const job = await t.app.inject({ url: `/api/ingest/jobs/${s.jobId}`, headers: bearer() });
    expect(job.json()).toMatchObject({ id: s.jobId, kind: 'transactions', source: 'platform', status: 'completed', via: 'http', lines: 60, inserted: 54, rejected: 6 });
  });

  it('a conflicting record is a line error; with mode=upsert it updates and bumps the version', async () => {
    await ingest('transactions', ndjson([tx('C1'), tx('C2')]));
    const changed = ndjson([tx('C1', { completedAt: '2025-05-07 10:00:00' }), tx('C2')]);
    const refused = (await ingest('transactions', changed)).json();
    expect(refused).toMatchObject({ inserted: 0, unchanged: 1, rejected: 1, errors: [{ line: 1, field: 'externalId', reason: expect.stringContaining('conflicts with the stored record') }] });
    expect(await stored('C1')).toMatchObject({ status: 'accepted', version: 1 });

    const upserted = (await ingest('transactions', changed, bearer(), '?mode=upsert')).json();
    expect(upserted).toMatchObject({ inserted: 0, updated: 1, unchanged: 1, rejected: 0 });
    expect(await stored('C1')).toMatchObject({ status: 'completed', version: 2 });
    expect((await stored('C1'))!.completed_at!.toISOString()).toBe('2025-05-07T02:00:00.000Z');
    expect((await ingest('transactions', changed, bearer(), '?mode=upsert')).json()).toMatchObject({ updated: 0, unchanged: 2 });
    expect((await ingest('transactions', changed, bearer(), '?mode=merge')).statusCode).toBe(400);
  });

  it('a record repeated within one body: the same again is unchanged, other content conflicts or (upsert) updates', async () => {
    const twice = ndjson([tx('T1'), tx('T1'), tx('T1', { completedAt: '2025-05-07 10:00:00' })]);
    expect((await ingest('transactions', twice)).json()).toMatchObject({ inserted: 1, unchanged: 1, rejected: 1, errors: [{ line: 3, field: 'externalId' }] });
    const again = ndjson([tx('T2'), tx('T2', { completedAt: '2025-05-07 10:00:00' })]);
    expect((await ingest('transactions', again, bearer(), '?mode=upsert')).json()).toMatchObject({ inserted: 1, updated: 1, rejected: 0 });
    expect(await stored('T2')).toMatchObject({ status: 'completed', version: 2 });
  });

  it('reads a gzip body', async () => {
    const body = zlib.gzipSync(ndjson([tx('G1'), tx('G2'), '{oops']));
    const res = await ingest('transactions', body, { ...bearer(), 'content-encoding': 'gzip' });
    expect(res.json()).toMatchObject({ lines: 3, inserted: 2, rejected: 1, errors: [{ line: 3, field: '$' }] });
    const broken = await ingest('transactions', Buffer.from('not gzip at all'), { ...bearer(), 'content-encoding': 'gzip' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toMatch(/not valid gzip/);
  });

  it('derives a stable public code when the source sends none, defaults unit and promised days from the service item', async () => {
    await ingest('transactions', ndjson([tx('D1'), tx('D2', { transactionCode: 'ZW2025050600000001', unitCode: 'U99010201', promisedDays: 3, handlerCode: 'S0000001' })]));
    const d1 = await stored('D1');
    expect(d1).toMatchObject({ unit_code: 'U99000001', promised_days: 5, handler_staff_id: null });
    expect(d1!.transaction_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(await stored('D2')).toMatchObject({ transaction_code: 'ZW2025050600000001', unit_code: 'U99010201', promised_days: 3, handler_staff_id: expect.any(Number) });
    await ingest('transactions', ndjson([tx('D1')]), bearer(), '?mode=upsert');
    expect((await stored('D1'))!.transaction_code).toBe(d1!.transaction_code);
  });

  it("refuses unknown codes and another record's transaction code, field by field", async () => {
    const res = (await ingest('transactions', ndjson([
      tx('U1', { serviceItemCode: 'NOPE' }), tx('U2', { unitCode: 'NOPE' }), tx('U3', { handlerCode: 'S9999999' }),
      tx('U4', { transactionCode: 'ZW2025050600000001' }),
    ]))).json();
    expect(res.errors).toEqual([
      { line: 1, field: 'serviceItemCode', reason: 'no service item has code NOPE' },
      { line: 2, field: 'unitCode', reason: 'no unit has code NOPE' },
      { line: 3, field: 'handlerCode', reason: 'no staff member has code S9999999' },
      { line: 4, field: 'transactionCode', reason: 'is already used by another record' },
    ]);
  });

  it('attributes records to the source: tokens to their own, sessions name one with ?source', async () => {
    const organizer = await t.login('organizer');
    const missing = await ingest('transactions', ndjson([tx('S1')]), { cookie: organizer });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([{ path: '/querystring/source', message: expect.any(String) }]);
    expect((await ingest('transactions', ndjson([tx('S1')]), { cookie: organizer }, '?source=nope')).statusCode).toBe(400);
    const ok = await ingest('transactions', ndjson([tx('S1')]), { cookie: organizer }, '?source=platform');
    expect(ok.json()).toMatchObject({ inserted: 1 });
    // A source's token cannot speak for another source; a token that belongs to no source cannot ingest.
    expect((await ingest('transactions', ndjson([tx('S2')]), bearer(), '?source=hotline-12345')).statusCode).toBe(403);
    const generic = await addToken({ db: t.ctx.db }, { name: 'generic-ingest', role: 'ingest' });
    expect((await ingest('transactions', ndjson([tx('S2')]), bearer(generic.token))).statusCode).toBe(403);
    // Jobs are visible to whoever started them (and admins), not to other callers.
    const job = ok.json().jobId;
    expect((await t.app.inject({ url: `/api/ingest/jobs/${job}`, headers: { cookie: organizer } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/ingest/jobs/${job}`, headers: bearer() })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/ingest/jobs/${job}`, headers: { cookie: await t.login('admin') } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/ingest/jobs/${job}`, headers: { cookie: await t.login('unit_head') } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/ingest/jobs/${job}` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/ingest/jobs/abc', headers: { cookie: organizer } })).statusCode).toBe(400);
  });

  it('a client that retries a whole body after its first attempt broke off doubles nothing', async () => {
    const lines = [...transactionLines(12000, { badEvery: 500, prefix: 'Z' })].map((l) => l.text);
    // The first attempt got 7,000 lines through before the connection dropped.
    const first = (await ingest('transactions', zlib.gzipSync(lines.slice(0, 7000).join('\n') + '\n'), { ...bearer(), 'content-encoding': 'gzip' })).json();
    expect(first).toMatchObject({ lines: 7000, inserted: 7000 - 14, rejected: 14 });
    const retry = (await ingest('transactions', zlib.gzipSync(lines.join('\n') + '\n'), { ...bearer(), 'content-encoding': 'gzip' })).json();
    expect(retry).toMatchObject({ lines: 12000, inserted: 5000 - 10, unchanged: 7000 - 14, rejected: 24 });
    const n = await t.ctx.db.selectFrom('service_transactions').select((eb) => eb.fn.countAll().as('n')).where('external_id', 'like', 'Z%').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(12000 - 24);
  });

  it('refuses an empty body', async () => {
    const res = await ingest('transactions', '');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/body', message: expect.stringContaining('empty') }]);
  });
});

describe('the other evidence kinds', () => {
  it('hotline tickets: no personal numbers stored from summaries', async () => {
    const res = (await ingest('hotline', ndjson([
      { externalId: 'H1', unitCode: 'U99010201', receivedAt: '2025-06-01 09:00', respondedAt: '2025-06-01 10:00', resolvedAt: '2025-06-03 16:00', satisfaction: 4, category: '政务服务', summary: '市民（电话13812345678）反映窗口排队时间长', callerPhone: '13812345678', callerIdNumber: '11010519491231002X' },
      { externalId: 'H2', unitCode: 'U99010201', receivedAt: '2025-06-01 09:00', satisfaction: 9 },
    ]))).json();
    expect(res).toMatchObject({ inserted: 1, rejected: 1, errors: [{ line: 2, field: 'satisfaction' }] });
    const row = await t.ctx.db.selectFrom('hotline_tickets').selectAll().where('external_id', '=', 'H1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ satisfaction: 4, category: '政务服务' });
    expect(row.summary).toBe('市民（电话[已删除]）反映窗口排队时间长');
    expect(JSON.stringify(row)).not.toMatch(/13812345678|11010519491231002X/); // fields we do not keep are dropped
    // A one-line batch whose text fields are empty stores empty text, not null.
    expect((await ingest('hotline', ndjson([{ externalId: 'H3', unitCode: 'U99010201', receivedAt: '2025-06-01T09:00:00Z' }]))).json()).toMatchObject({ inserted: 1 });
    expect(await t.ctx.db.selectFrom('hotline_tickets').select(['category', 'summary', 'satisfaction', 'responded_at']).where('external_id', '=', 'H3').executeTakeFirst())
      .toEqual({ category: '', summary: '', satisfaction: null, responded_at: null });
  });

  it('petitions, training, audit findings and proposals', async () => {
    const p = (await ingest('petitions', ndjson([{ externalId: 'P1', unitCode: 'U99010201', receivedAt: '2025-03-01 09:00', dueAt: '2025-04-01 09:00', category: '城建' }]))).json();
    expect(p).toMatchObject({ inserted: 1, rejected: 0 });
    const tr = (await ingest('training', ndjson([
      { externalId: 'T1', staffCode: 'S0000001', course: '政务服务礼仪', hours: 2.5, completedOn: '2025-03-01' },
      { externalId: 'T2', staffCode: 'S9999999', course: 'x', hours: 1, completedOn: '2025-03-01' },
    ]))).json();
    expect(tr).toMatchObject({ inserted: 1, rejected: 1, errors: [{ line: 2, field: 'staffCode' }] });
    expect(Number((await t.ctx.db.selectFrom('training_records').select('hours').where('external_id', '=', 'T1').executeTakeFirstOrThrow()).hours)).toBe(2.5);
    const a = (await ingest('audit-findings', ndjson([{ externalId: 'A1', unitCode: 'U99010201', staffCode: 'S0000001', foundOn: '2025-02-01', severity: '较重', summary: '预算执行不规范', rectifiedOn: '2025-03-15' }]))).json();
    expect(a).toMatchObject({ inserted: 1 });
    const pr = (await ingest('proposals', ndjson([
      { externalId: 'N1', kind: '人大建议', unitCode: 'U99010201', receivedOn: '2025-03-10', dueOn: '2025-06-10', answeredOn: '2025-06-01' },
      { externalId: 'N2', kind: 'cppcc', unitCode: 'U99010201', receivedOn: '2025-03-10', dueOn: '2025-06-10', answeredOn: '2025-07-01' },
      { externalId: 'N3', kind: 'cppcc', unitCode: 'U99010201', receivedOn: '2025-03-10', dueOn: '2025-06-10' },
    ]))).json();
    expect(pr).toMatchObject({ inserted: 3 });
    const onTime = await t.ctx.db.selectFrom('proposals').select(['external_id', 'on_time']).orderBy('external_id').execute();
    expect(onTime).toEqual([{ external_id: 'N1', on_time: true }, { external_id: 'N2', on_time: false }, { external_id: 'N3', on_time: null }]);
  });
});
