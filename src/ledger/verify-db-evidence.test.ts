// `probity ledger verify --database` over the records issue 4 writes, each written through the HTTP
// API: a calendar exception, ingested transactions (with their source and job), a public 差评 and
// the rectification it opens, one step of it. Then a rating and an evidence row edited in place with
// SQL are both reported.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { ndjson } from '../../test/helpers/ingest-files.ts';
import { recordDigest } from './canonical.ts';
import { integrateAll } from './integrator.ts';
import { keygen } from './note.ts';
import { verifyDatabase } from './verify-db.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 20, config: { ledgerKey: keygen('probity.local/ledger').signerKey } });
});
afterAll(async () => t?.close());

const TYPES = ['calendar_day', 'evidence_batch', 'source', 'ingest_job', 'rating', 'rectification', 'rectification.event', 'rectification.deadline'];

async function call(method: 'GET' | 'POST' | 'PUT', url: string, body: unknown, headers: Record<string, string>) {
  const res = await t.app.inject({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

describe('verify --database over calendar, evidence, ratings and rectifications', () => {
  it('passes with entries for every record type written, and reports a rating and an evidence row edited in place', async () => {
    const admin = { cookie: await t.login('admin') };
    await call('PUT', '/api/calendar/days/2025-10-01', { kind: 'holiday', name: '国庆节' }, admin);
    const { token } = await call('POST', '/api/sources', { code: 'platform', name: '一体化政务服务平台' }, admin);

    // A service item of the unit the demo's unit_head heads, so that unit_head owns the rectification.
    const item = await t.ctx.db.selectFrom('service_items as i').innerJoin('units as u', 'u.id', 'i.unit_id').select('i.code').where('u.code', '=', 'U99010201').orderBy('i.code').executeTakeFirstOrThrow();
    const lines = ['V1', 'V2', 'V3'].map((id, i) => ({
      externalId: id, transactionCode: `VTX-${id}`, serviceItemCode: item.code, channel: 'window',
      acceptedAt: '2025-09-22 09:00:00', completedAt: `2025-09-2${3 + i} 16:00:00`, status: 'completed',
    }));
    const ingested = await t.app.inject({ method: 'POST', url: '/api/ingest/transactions', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` }, payload: ndjson(lines) });
    expect(ingested.statusCode, ingested.body).toBe(200);
    expect(ingested.json(), ingested.body).toMatchObject({ inserted: 3, rejected: 0 });

    const { ratingId } = await call('POST', '/api/public/ratings', { transactionCode: 'VTX-V1', level: 1, comment: '窗口人员态度冷漠' }, {});
    const rect = await t.ctx.db.selectFrom('rectifications').select('id').where('rating_id', '=', ratingId).executeTakeFirstOrThrow();
    const head = { cookie: await t.login('unit_head') };
    const stepped = await call('POST', `/api/rectifications/${rect.id}/verify`, { finding: 'founded', reason: '核实属实' }, head);
    expect(stepped.status).toBe('rectifying');

    await integrateAll(t.ctx);
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const counts = await t.ctx.db.selectFrom('ledger_entries').select(['record_type', sql<number>`count(*)::int`.as('n')]).groupBy('record_type').execute();
    const entries = Object.fromEntries(counts.map((c) => [c.record_type, c.n]));
    for (const type of TYPES) expect(entries[type], type).toBeGreaterThan(0);
    // Evidence rows are committed by their batch's one entry, which lists each row version (decision 55).
    expect(entries.service_transaction).toBeUndefined();
    expect(entries.evidence_batch).toBe(1);
    const batch = await t.ctx.db.selectFrom('evidence_batches').selectAll().executeTakeFirstOrThrow();
    const rowIds = await t.ctx.db.selectFrom('service_transactions').select(['id', 'ledger_batch']).where('transaction_code', 'like', 'VTX-%').orderBy('id').execute();
    expect(rowIds.map((r) => r.ledger_batch)).toEqual([batch.id, batch.id, batch.id]);
    expect(batch.rows.map((l) => Number(l.split(':')[0]))).toEqual(rowIds.map((r) => r.id));

    // The two-step proof of one row: the row's line is in the batch record, whose digest is the proved entry's.
    const proofOf = async (id: number) => (await t.app.inject({ url: `/api/ledger/records/service_transaction/${id}`, headers: admin })).json();
    const proof = await proofOf(rowIds[1]!.id);
    expect(proof).toMatchObject({ type: 'service_transaction', id: String(rowIds[1]!.id), version: 1, stored: { matchesEntry: true }, batch: { type: 'evidence_batch', id: String(batch.id) } });
    expect(proof.batch.line).toBe(`${rowIds[1]!.id}:1:${proof.stored.digest}`);
    expect(proof.batch.record.rows).toContain(proof.batch.line);
    expect(recordDigest(proof.batch.record)).toBe(proof.entryFields.digest);
    expect(Buffer.from(proof.entry, 'base64').toString()).toContain(` evidence_batch ${batch.id} 1 `);
    expect(entries['rectification.event']).toBe(2); // open, verify
    expect(entries.rectification).toBe(2); // version 1 (verifying) and 2 (rectifying)

    // Edited in place, behind the application's back: both are found, by id and version.
    const tx = await t.ctx.db.selectFrom('service_transactions').select(['id', 'promised_days']).where('transaction_code', '=', 'VTX-V2').executeTakeFirstOrThrow();
    await sql`update ratings set level = 5 where id = ${ratingId}`.execute(t.ctx.db);
    await sql`update service_transactions set promised_days = promised_days + 1 where id = ${tx.id}`.execute(t.ctx.db);
    const tampered = await verifyDatabase(t.ctx);
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toEqual(expect.arrayContaining([
      `rating ${ratingId} version 1: the stored row differs from its ledger entry (edited outside the application)`,
      `service_transaction ${tx.id} version 1: the stored row differs from its ledger batch ${batch.id} (edited outside the application)`,
    ]));
    expect(tampered.problemCount).toBe(2);
    expect((await proofOf(tx.id)).stored.matchesEntry).toBe(false);

    await sql`update ratings set level = 1 where id = ${ratingId}`.execute(t.ctx.db);
    await sql`update service_transactions set promised_days = ${tx.promised_days} where id = ${tx.id}`.execute(t.ctx.db);
    expect((await verifyDatabase(t.ctx)).ok).toBe(true);

    // The rating's copy of its transaction's handler (migration 0010) is kept by the database: it
    // follows a change of the handler, and a copy edited on its own is reported.
    const rated = await t.ctx.db.selectFrom('service_transactions').select(['id', 'handler_staff_id']).where('transaction_code', '=', 'VTX-V1').executeTakeFirstOrThrow();
    const person = await t.ctx.db.selectFrom('staff').select('id').orderBy('id').executeTakeFirstOrThrow();
    const handlerOf = async () => (await t.ctx.db.selectFrom('ratings').select('handler_staff_id').where('id', '=', ratingId).executeTakeFirstOrThrow()).handler_staff_id;
    expect(await handlerOf()).toBe(rated.handler_staff_id);
    await sql`update service_transactions set handler_staff_id = ${person.id} where id = ${rated.id}`.execute(t.ctx.db);
    expect(await handlerOf()).toBe(person.id);
    await sql`update service_transactions set handler_staff_id = ${rated.handler_staff_id} where id = ${rated.id}`.execute(t.ctx.db);
    expect(await handlerOf()).toBe(rated.handler_staff_id);
    expect((await verifyDatabase(t.ctx)).ok).toBe(true);
    await sql`update ratings set handler_staff_id = ${person.id} where id = ${ratingId}`.execute(t.ctx.db);
    const copied = await verifyDatabase(t.ctx);
    expect(copied.problems).toEqual([`rating ${ratingId}: handler_staff_id ${person.id} differs from its transaction's ${rated.handler_staff_id ?? 'null'} (edited outside the application)`]);
  });
});
