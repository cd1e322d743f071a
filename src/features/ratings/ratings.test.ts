// Public ratings (好差评) through the HTTP API, bulk ratings from external systems, and the daily
// default rating.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { insertTransactions } from '../../../test/helpers/transactions.ts';
import { applyDefaultRatings, ingestRatings } from './service.ts';
import { RatingWriter } from './writer.ts';

const UNIT = 'U99010201';
const DAY = 86_400_000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20 });
  const accepted = new Date(Date.now() - 3 * DAY);
  await insertTransactions(t.ctx.db, Array.from({ length: 30 }, (_, i) => ({
    code: `PUB${String(i + 1).padStart(3, '0')}`, unitCode: UNIT, acceptedAt: accepted, completedAt: new Date(accepted.getTime() + 3600_000), promisedDays: 5,
  })));
});
afterAll(async () => t?.close());

const rate = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/public/ratings', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });

const paths = (res: { json(): { errors?: { path: string }[] } }) => (res.json().errors ?? []).map((e) => e.path).sort();

describe('POST /api/public/ratings', () => {
  it('takes a rating without sign-in and answers 201 with the rating id', async () => {
    const res = await rate({ transactionCode: 'PUB001', level: 5, comment: '窗口服务热情，一次办好', tags: ['态度好', '效率高'] });
    expect(res.statusCode, res.body).toBe(201);
    const { ratingId } = res.json();
    expect(Number.isInteger(ratingId)).toBe(true);
    const row = await t.ctx.db.selectFrom('ratings').selectAll().where('id', '=', ratingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ level: 5, channel: 'per_matter', origin: 'public', comment: '窗口服务热情，一次办好', tags: ['态度好', '效率高'], real_name: false, defaulted: false, version: 1 });
    expect(await t.ctx.db.selectFrom('rectifications').select('id').where('rating_id', '=', ratingId).execute()).toHaveLength(0);
  });

  it('opens exactly one rectification for a 差评, owned by the unit that handled the transaction', async () => {
    const res = await rate({ transactionCode: 'PUB002', level: 1, comment: '多次跑，态度冷漠', channel: 'per_visit' });
    expect(res.statusCode, res.body).toBe(201);
    const rects = await t.ctx.db.selectFrom('rectifications as k').innerJoin('units as u', 'u.id', 'k.unit_id')
      .select(['k.status', 'k.revisit_required', 'u.code']).where('k.rating_id', '=', res.json().ratingId).execute();
    expect(rects).toEqual([{ status: 'verifying', revisit_required: false, code: UNIT }]);
    const events = await t.ctx.db.selectFrom('rectification_events as e').innerJoin('rectifications as k', 'k.id', 'e.rectification_id')
      .select(['e.action', 'e.to_status', 'e.actor_role']).where('k.rating_id', '=', res.json().ratingId).execute();
    expect(events).toEqual([{ action: 'open', to_status: 'verifying', actor_role: 'public' }]);
  });

  it('refuses a second rating of the same transaction with 409 and a clear problem', async () => {
    const res = await rate({ transactionCode: 'PUB001', level: 1 });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(/rated already/);
    expect(res.json().errors).toEqual([{ path: '/body/transactionCode', message: 'has been rated already' }]);
    expect(await t.ctx.db.selectFrom('ratings').select('id').where('comment', 'is', null).where('level', '=', 1).execute()).toHaveLength(0);
  });

  it('refuses invalid levels field by field', async () => {
    // (A numeric string such as "5" is coerced, as everywhere in the API.)
    for (const level of [0, 6, 2.5, 'five', null, { v: 5 }]) {
      const res = await rate({ transactionCode: 'PUB003', level });
      expect(res.statusCode, `level ${level}`).toBe(400);
      expect(paths(res)).toEqual(['/body/level']);
    }
    expect(paths(await rate({ transactionCode: 'PUB003' }))).toEqual(['/body/level']);
  });

  it('refuses an unknown transaction code as a bad field (400), not as a missing page', async () => {
    const res = await rate({ transactionCode: 'NO-SUCH-CODE', level: 4 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/body/transactionCode', message: expect.stringMatching(/no service transaction/) }]);
  });

  it('refuses an oversize comment, bad tags and unknown fields, each with its own entry', async () => {
    const ok500 = await rate({ transactionCode: 'PUB004', level: 4, comment: '好'.repeat(500) });
    expect(ok500.statusCode, ok500.body).toBe(201);
    const res = await rate({
      transactionCode: 'PUB005', level: 9, comment: '差'.repeat(501), tags: ['ok', 'x'.repeat(21), 'ok'], channel: 'fax', extra: 1,
    });
    expect(res.statusCode).toBe(400);
    expect(new Set(paths(res))).toEqual(new Set(['/body/level', '/body/comment', '/body/tags', '/body/tags/1', '/body/channel', '/body/extra']));
    const many = await rate({ transactionCode: 'PUB005', level: 3, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) });
    expect(paths(many)).toEqual(['/body/tags']);
    const notArray = await rate({ transactionCode: 'PUB005', level: 3, tags: { a: '态度好' } });
    expect(paths(notArray)).toEqual(['/body/tags']);
    const blank = await rate({ transactionCode: 'PUB005', level: 3, tags: ['  '] });
    expect(paths(blank)).toEqual(['/body/tags/0']);
  });

  it('refuses other content types with 415 and malformed JSON with 400', async () => {
    const plain = await rate('transactionCode=PUB006&level=5', { 'content-type': 'text/plain' });
    expect(plain.statusCode).toBe(415);
    expect(plain.headers['content-type']).toContain('application/problem+json');
    expect(plain.json().detail).toMatch(/application\/json/);
    const form = await rate('transactionCode=PUB006&level=5', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    const broken = await rate('{"transactionCode": "PUB006", "level": ', {});
    expect(broken.statusCode).toBe(400);
    const charset = await rate({ transactionCode: 'PUB006', level: 5 }, { 'content-type': 'application/json; charset=utf-8' });
    expect(charset.statusCode).toBe(201);
    const huge = await rate({ transactionCode: 'PUB008', level: 5, comment: 'x'.repeat(20_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('application/problem+json');
  });

  it('keeps a real-name rater encrypted, never echoes the phone, and marks the rectification for a revisit', async () => {
    const bad = await rate({ transactionCode: 'PUB007', level: 2, realName: { name: '李四', phone: '12345678901' } });
    expect(bad.statusCode).toBe(400);
    expect(paths(bad)).toEqual(['/body/realName/phone']);
    expect(bad.body).not.toContain('12345678901');
    const res = await rate({ transactionCode: 'PUB007', level: 2, realName: { name: '李四', phone: '138 1234 5678' } });
    expect(res.statusCode, res.body).toBe(201);
    const row = await t.ctx.db.selectFrom('ratings').selectAll().where('id', '=', res.json().ratingId).executeTakeFirstOrThrow();
    expect(row.real_name).toBe(true);
    expect(t.ctx.cipher.decrypt(row.rater_phone_enc!)).toBe('13812345678');
    expect(Buffer.from(row.rater_phone_enc!).toString('latin1')).not.toContain('13812345678');
    const rect = await t.ctx.db.selectFrom('rectifications').select('revisit_required').where('rating_id', '=', row.id).executeTakeFirstOrThrow();
    expect(rect.revisit_required).toBe(true);
    expect(t.logs()).not.toContain('13812345678');
  });
});

describe('group commit of concurrent ratings', () => {
  it('answers each of many concurrent ratings on its own: one 201 per transaction, 409 for the rest', async () => {
    const accepted = new Date(Date.now() - DAY);
    await insertTransactions(t.ctx.db, Array.from({ length: 40 }, (_, i) => ({ code: `CON${i}`, unitCode: UNIT, acceptedAt: accepted, completedAt: accepted })));
    const bodies = [
      ...Array.from({ length: 40 }, (_, i) => ({ transactionCode: `CON${i}`, level: i % 10 === 0 ? 1 : 5 })),
      ...Array.from({ length: 8 }, () => ({ transactionCode: 'CON1', level: 2 })),
      { transactionCode: 'CON-UNKNOWN', level: 3 },
    ];
    const replies = await Promise.all(bodies.map((b) => rate(b)));
    const byCode = new Map<string, number[]>();
    replies.forEach((r, i) => byCode.set(bodies[i]!.transactionCode, [...(byCode.get(bodies[i]!.transactionCode) ?? []), r.statusCode]));
    for (let i = 0; i < 40; i++) expect(byCode.get(`CON${i}`)!.filter((s) => s === 201), `CON${i}`).toHaveLength(1);
    expect(byCode.get('CON1')!.filter((s) => s === 409)).toHaveLength(8);
    expect(byCode.get('CON-UNKNOWN')).toEqual([400]);
    const ids = replies.filter((r) => r.statusCode === 201).map((r) => r.json().ratingId);
    expect(new Set(ids).size).toBe(40);
    const stored = await t.ctx.db.selectFrom('ratings as r').innerJoin('service_transactions as s', 's.id', 'r.transaction_id')
      .select(['r.id', 's.transaction_code', 'r.level']).where('s.transaction_code', 'like', 'CON%').execute();
    expect(stored).toHaveLength(40);
    // CON1's rating is the level-5 one or a level-2 one, whichever came first, and exactly one of them.
    const rects = await t.ctx.db.selectFrom('rectifications as k').innerJoin('ratings as r', 'r.id', 'k.rating_id')
      .innerJoin('service_transactions as s', 's.id', 'r.transaction_id').select('s.transaction_code').where('s.transaction_code', 'like', 'CON%').execute();
    expect(rects.length).toBe(stored.filter((r) => r.level <= 2).length);
  });
});

describe('RatingWriter', () => {
  it('writes the rest of a batch one by one when one rating fails the batch', async () => {
    const accepted = new Date(Date.now() - DAY);
    await insertTransactions(t.ctx.db, ['WR1', 'WR2', 'WR3'].map((code) => ({ code, unitCode: UNIT, acceptedAt: accepted, completedAt: accepted })));
    const writer = new RatingWriter(t.ctx.db, { maxInFlight: 1 });
    const rating = (code: string, comment: string | null = null) =>
      ({ code, level: 5, channel: 'per_matter' as const, ratedAt: new Date(), comment, tags: [], nameEnc: null, phoneEnc: null, phoneIndex: null });
    // The first goes alone; the next three queue behind it and form one batch, which the oversize
    // comment (a database check, normally caught before) makes fail.
    const results = await Promise.allSettled([writer.submit(rating('WR1')), writer.submit(rating('WR2')), writer.submit(rating('WR3', 'x'.repeat(501))), writer.submit(rating('NOPE'))]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : 'error'))).toEqual(['inserted', 'inserted', 'error', 'unknown']);
    expect(await t.ctx.db.selectFrom('ratings as r').innerJoin('service_transactions as s', 's.id', 'r.transaction_id').select('s.transaction_code').where('s.transaction_code', 'like', 'WR%').orderBy('s.transaction_code').execute())
      .toEqual([{ transaction_code: 'WR1' }, { transaction_code: 'WR2' }]);
  });
});

describe('rate limit of the public endpoint', () => {
  it('answers 429 past PROBITY_PUBLIC_RATE_LIMIT requests a minute from one address', async () => {
    process.env.PROBITY_PUBLIC_RATE_LIMIT = '3';
    const limited = await startTestApp({ demoStaff: 0 });
    delete process.env.PROBITY_PUBLIC_RATE_LIMIT;
    try {
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await limited.app.inject({ method: 'POST', url: '/api/public/ratings', payload: { transactionCode: `X${i}`, level: 5 } }));
      expect(replies.map((r) => r.statusCode)).toEqual([400, 400, 400, 429]);
      expect(replies[3]!.headers['content-type']).toContain('application/problem+json');
    } finally {
      await limited.close();
    }
  });
});

describe('ingestRatings (bulk from external 好差评 systems)', () => {
  it('writes good rows, reports bad rows by field, is idempotent, and opens rectifications for 差评', async () => {
    const base = new Date(Date.now() - 2 * DAY);
    await insertTransactions(t.ctx.db, Array.from({ length: 5 }, (_, i) => ({ code: `BULK${i + 1}`, unitCode: UNIT, acceptedAt: base, completedAt: base })));
    const rows = [
      { transactionCode: 'BULK1', level: 5, channel: 'per_matter', ratedAt: base.toISOString() },
      { transactionCode: 'BULK2', level: 1, channel: 'overall', ratedAt: base, comment: '材料反复退回' },
      { transactionCode: 'BULK3', level: 7, channel: 'per_matter', ratedAt: base },
      { transactionCode: 'NOPE', level: 4, channel: 'per_matter', ratedAt: base },
      { transactionCode: 'BULK4', level: 4, channel: 'mail', ratedAt: base },
      { transactionCode: 'BULK1', level: 5, channel: 'per_matter', ratedAt: base },
      { transactionCode: 'PUB001', level: 4, channel: 'per_matter', ratedAt: base },
    ];
    const first = await ingestRatings({ db: t.ctx.db, cipher: t.ctx.cipher }, rows);
    expect(first.outcomes.map((o) => [o.status, o.field ?? null])).toEqual([
      ['inserted', null], ['inserted', null], ['rejected', 'level'], ['rejected', 'transactionCode'], ['rejected', 'channel'],
      ['rejected', 'transactionCode'], ['rejected', 'transactionCode'],
    ]);
    expect(first).toMatchObject({ inserted: 2, unchanged: 0, rejected: 5, rectificationsOpened: 1 });

    const again = await ingestRatings({ db: t.ctx.db, cipher: t.ctx.cipher }, rows.slice(0, 2));
    expect(again.outcomes.map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    expect(again.outcomes[0]!.ratingId).toBe(first.outcomes[0]!.ratingId);
    expect(again.rectificationsOpened).toBe(0);
    const changed = await ingestRatings({ db: t.ctx.db, cipher: t.ctx.cipher }, [{ ...rows[0]!, level: 2 }]);
    expect(changed.outcomes[0]).toMatchObject({ status: 'rejected', field: 'transactionCode', reason: expect.stringMatching(/different rating/) });

    const rect = await t.ctx.db.selectFrom('rectifications').select(['opened_at']).where('rating_id', '=', first.outcomes[1]!.ratingId!).execute();
    expect(rect).toHaveLength(1);
    expect(rect[0]!.opened_at.getTime()).toBe(base.getTime());
    const origin = await t.ctx.db.selectFrom('ratings').select('origin').where('id', '=', first.outcomes[0]!.ratingId!).executeTakeFirstOrThrow();
    expect(origin.origin).toBe('import');
  });
});

describe('default rating', () => {
  it('rates completed transactions unrated N days after completion, once, and never opens a rectification', async () => {
    const now = new Date();
    await insertTransactions(t.ctx.db, [
      { code: 'DEF-OLD', unitCode: UNIT, acceptedAt: new Date(now.getTime() - 10 * DAY), completedAt: new Date(now.getTime() - 8 * DAY) },
      { code: 'DEF-NEW', unitCode: UNIT, acceptedAt: new Date(now.getTime() - 10 * DAY), completedAt: new Date(now.getTime() - 6 * DAY) },
      { code: 'DEF-OPEN', unitCode: UNIT, acceptedAt: new Date(now.getTime() - 10 * DAY), status: 'accepted' },
      { code: 'DEF-RATED', unitCode: UNIT, acceptedAt: new Date(now.getTime() - 10 * DAY), completedAt: new Date(now.getTime() - 9 * DAY) },
    ]);
    expect((await rate({ transactionCode: 'DEF-RATED', level: 4 })).statusCode).toBe(201);
    const admin = await t.login('admin');

    const anon = await t.app.inject({ method: 'POST', url: '/api/ratings/default-run', payload: {} });
    expect(anon.statusCode).toBe(401);
    const organizer = await t.app.inject({ method: 'POST', url: '/api/ratings/default-run', payload: {}, headers: { cookie: await t.login('organizer') } });
    expect(organizer.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url: '/api/ratings/default-run', payload: { level: 9 }, headers: { cookie: admin } });
    expect(bad.statusCode).toBe(400);

    const res = await t.app.inject({ method: 'POST', url: '/api/ratings/default-run', payload: {}, headers: { cookie: admin } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ afterDays: 7, level: 3 });
    const defaulted = await t.ctx.db.selectFrom('ratings as r').innerJoin('service_transactions as s', 's.id', 'r.transaction_id')
      .select(['s.transaction_code', 'r.level', 'r.defaulted', 'r.origin', 'r.channel', 'r.rated_at', 's.completed_at']).where('r.defaulted', '=', true).execute();
    // PUB* and BULK* transactions were completed 2–3 days ago: only DEF-OLD is due.
    expect(defaulted.map((d) => d.transaction_code)).toEqual(['DEF-OLD']);
    expect(res.json().rated).toBe(1);
    expect(defaulted[0]).toMatchObject({ level: 3, defaulted: true, origin: 'default', channel: 'per_matter' });
    expect(defaulted[0]!.rated_at.getTime()).toBe(defaulted[0]!.completed_at!.getTime() + 7 * DAY);

    // Idempotent, and a defaulted 差评 level (if so configured) opens nothing.
    expect((await applyDefaultRatings(t.ctx.db, now, { afterDays: 7, level: 3 })).rated).toBe(0);
    expect((await applyDefaultRatings(t.ctx.db, now, { afterDays: 5, level: 1 })).rated).toBe(1); // DEF-NEW, completed 6 days ago
    const rects = await t.ctx.db.selectFrom('rectifications as k').innerJoin('ratings as r', 'r.id', 'k.rating_id').select('k.id').where('r.defaulted', '=', true).execute();
    expect(rects).toHaveLength(0);
  });

  it('after a run looks only at the window since its mark and at rows inserted since; a full run at everything', async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const defaultedCodes = async () => (await t.ctx.db.selectFrom('ratings as r').innerJoin('service_transactions as s', 's.id', 'r.transaction_id')
      .select('s.transaction_code').where('r.defaulted', '=', true).where('s.transaction_code', 'like', 'MARK-%').orderBy('s.transaction_code').execute()).map((r) => r.transaction_code);
    // Written two hours ago (settled), completed long ago but reported as completed only after the next run.
    const ids = await insertTransactions(t.ctx.db, [{ code: 'MARK-REPORTED-LATE', unitCode: UNIT, acceptedAt: ago(60), status: 'accepted' }]);
    await sql`update service_transactions set created_at = ${ago(2 / 24)} where id = ${ids.get('MARK-REPORTED-LATE')!}`.execute(t.ctx.db);
    await applyDefaultRatings(t.ctx.db, now, { afterDays: 7, level: 3 });
    const mark = await t.ctx.db.selectFrom('meta').select('value').where('key', '=', 'ratings.default_scan').executeTakeFirstOrThrow();
    expect(mark.value).toMatchObject({ idThrough: ids.get('MARK-REPORTED-LATE') });

    await t.ctx.db.updateTable('service_transactions').set({ status: 'completed', completed_at: ago(50) }).where('id', '=', ids.get('MARK-REPORTED-LATE')!).execute();
    await insertTransactions(t.ctx.db, [
      { code: 'MARK-ARRIVED-LATE', unitCode: UNIT, acceptedAt: ago(100), completedAt: ago(90) }, // a new row, completed long ago
      { code: 'MARK-IN-WINDOW', unitCode: UNIT, acceptedAt: ago(10), completedAt: ago(8) },
      { code: 'MARK-NOT-DUE', unitCode: UNIT, acceptedAt: ago(10), completedAt: ago(2) },
    ]);
    expect((await applyDefaultRatings(t.ctx.db, now, { afterDays: 7, level: 3 })).rated).toBe(2);
    expect(await defaultedCodes()).toEqual(['MARK-ARRIVED-LATE', 'MARK-IN-WINDOW']);

    const admin = await t.login('admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/ratings/default-run', payload: { full: true }, headers: { cookie: admin } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rated: 1, full: true });
    expect(await defaultedCodes()).toEqual(['MARK-ARRIVED-LATE', 'MARK-IN-WINDOW', 'MARK-REPORTED-LATE']);
  });
});
