// Ratings from external 好差评 systems reach ingestRatings over HTTP (POST /api/ingest/ratings) and
// through `probity import ratings FILE` (its engine, importEvidence), with refused lines by line and
// field, nothing changed by a re-send, a 差评 opening its rectification, and resume after a crash.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { ndjson } from '../../../test/helpers/ingest-files.ts';
import { insertTransactions } from '../../../test/helpers/transactions.ts';
import { importEvidence } from './cli.ts';
import { ratingRow } from './ratings.ts';
import * as repo from './repo.ts';

let t: TestApp;
let token: string;
const completedAt = new Date('2025-06-02T08:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20 });
  const res = await t.app.inject({ method: 'POST', url: '/api/sources', headers: { cookie: await t.login('admin') }, payload: { code: 'haochaping', name: '省好差评系统' } });
  token = res.json().token;
  await insertTransactions(t.ctx.db, Array.from({ length: 40 }, (_, i) => ({
    code: `HCP${String(i).padStart(4, '0')}`, unitCode: 'U99010201', acceptedAt: new Date('2025-06-01T01:00:00Z'), completedAt, promisedDays: 5,
  })));
});
afterAll(async () => t?.close());

const code = (i: number) => `HCP${String(i).padStart(4, '0')}`;
const rating = (i: number, extra: Record<string, unknown> = {}) => ({ transactionCode: code(i), level: 5, channel: '一事一评', ratedAt: '2025-06-03T10:00:00+08:00', ...extra });
const send = (body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/ingest/ratings${query}`, headers: { 'content-type': 'application/x-ndjson', ...headers }, payload: body });
const ratingOf = (i: number) => t.ctx.db.selectFrom('ratings as r').innerJoin('service_transactions as s', 's.id', 'r.transaction_id')
  .select(['r.id', 'r.level', 'r.channel', 'r.origin', 'r.real_name']).where('s.transaction_code', '=', code(i)).executeTakeFirst();

describe('POST /api/ingest/ratings', () => {
  it('stores good lines through ingestRatings, refuses bad ones by line and field, and a re-send changes nothing', async () => {
    const body = ndjson([
      rating(0),
      rating(1, { level: 1, comment: '窗口推诿', tags: ['态度'] }),
      rating(2, { level: 9 }),
      rating(3, { channel: 'pigeon' }),
      { ...rating(4), transactionCode: 'NO-SUCH-CODE' },
      rating(5, { level: 2, realName: { name: '钱多多', phone: '13600003333' } }),
    ]) + '{"transactionCode": \n';
    const res = await send(body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      lines: 7, inserted: 3, unchanged: 0, rejected: 4,
      errors: [
        { line: 3, field: 'level', reason: expect.any(String) },
        { line: 4, field: 'channel', reason: expect.any(String) },
        { line: 5, field: 'transactionCode', reason: 'no service transaction has this code' },
        { line: 7, field: '$', reason: expect.stringContaining('JSON') },
      ],
    });
    expect(await ratingOf(0)).toMatchObject({ level: 5, channel: 'per_matter', origin: 'import' });
    expect(await ratingOf(5)).toMatchObject({ level: 2, real_name: true });
    // Each 差评 opened its rectification, as a public one does.
    const rects = await t.ctx.db.selectFrom('rectifications').select('rating_id').where('rating_id', 'in', [(await ratingOf(1))!.id, (await ratingOf(5))!.id]).execute();
    expect(rects).toHaveLength(2);
    expect(t.logs()).not.toContain('13600003333');

    const again = await send(body);
    expect(again.json()).toMatchObject({ inserted: 0, unchanged: 3, rejected: 4 });
    const changed = await send(ndjson([rating(0, { level: 4 })]));
    expect(changed.json()).toMatchObject({ inserted: 0, rejected: 1, errors: [{ line: 1, field: 'transactionCode', reason: expect.stringContaining('rated already') }] });
    const job = await t.app.inject({ url: `/api/ingest/jobs/${res.json().jobId}`, headers: { authorization: `Bearer ${token}` } });
    expect(job.json()).toMatchObject({ kind: 'ratings', source: 'haochaping', status: 'completed', inserted: 3 });
  });

  it('refuses a role that may not ingest (403), updates (400) and a wrong media type (415) before reading', async () => {
    const body = ndjson([rating(10)]);
    expect((await send(body, {})).statusCode).toBe(401);
    expect((await send(body, { cookie: await t.login('unit_head') })).statusCode).toBe(403);
    const upsert = await send(body, undefined, '?mode=upsert');
    expect(upsert.statusCode).toBe(400);
    expect(upsert.json().errors).toEqual([{ path: '/querystring/mode', message: expect.any(String) }]);
    expect((await t.app.inject({ method: 'POST', url: '/api/ingest/ratings', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, payload: body })).statusCode).toBe(415);
    expect(await ratingOf(10)).toBeUndefined();
  });
});

describe('probity import ratings FILE', () => {
  it('reads loose rows (CSV strings, Chinese channel names, flat rater fields)', () => {
    expect(ratingRow({ transactionCode: 'X1', level: ' 2 ', channel: '监督查评', ratedAt: '2025-06-03 10:00', tags: '态度；效率', raterName: '张三', raterPhone: '13800001111' }))
      .toEqual({ transactionCode: 'X1', level: 2, channel: 'supervision', ratedAt: '2025-06-03 10:00', comment: null, tags: ['态度', '效率'], realName: { name: '张三', phone: '13800001111' } });
  });

  it('imports a file, resuming after a crash between batches without losing or doubling a rating', async () => {
    const dir = fs.mkdtempSync(path.join(t.config.dataDir, 'ratings-'));
    const file = path.join(dir, 'ratings.ndjson');
    // 1,500 lines: 20 rate transactions 20–39, the rest name unknown codes (refused), so both batches matter.
    const lines = Array.from({ length: 1500 }, (_, i) => (i < 1480 ? { ...rating(0), transactionCode: `UNKNOWN${i}` } : rating(20 + i - 1480, { level: 4 })));
    fs.writeFileSync(file, ndjson(lines));
    const deps = { db: t.ctx.db, cipher: t.ctx.cipher };
    let batches = 0;
    await expect(importEvidence(deps, 'ratings', file, { onBatch: () => { if (++batches === 1) throw new Error('power cut'); } })).rejects.toThrow('power cut');
    const done = await importEvidence(deps, 'ratings', file);
    expect(done.resumedFrom).toBe(1000);
    expect(done.job).toMatchObject({ kind: 'ratings', status: 'completed', lines: 1500, inserted: 20, rejected: 1480 });
    const errors = await repo.listErrors(t.ctx.db, done.job.id, { page: 1, pageSize: 2000 });
    expect(errors.total).toBe(1480);
    for (let i = 20; i < 40; i++) expect((await ratingOf(i))?.level).toBe(4);
  });
});
