// Evidence files read and checked on a worker thread (batches.ts, batch-worker.ts): the same rows,
// codes, hashes and refusals as on the main thread; a crash and a resume lose and double nothing; a
// failure inside the worker fails the job, keeping what was committed. Once batches show new
// records the worker also prepares their inserts and ledger lines (decision 85): the rows and the
// ledger are what the general path writes, and a record that turns out stored is still caught.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { writeTransactionsNdjson } from '../../../test/helpers/ingest-files.ts';
import { contentHash, packBatch, unpackBatch, type Batch } from './batches.ts';
import { importEvidence } from './cli.ts';
import { derivedTransactionCode } from './codes.ts';
import { parseTransaction } from './kinds.ts';
import * as repo from './repo.ts';
import { integrateAll } from '../../ledger/integrator.ts';
import { keygen } from '../../ledger/note.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 0, config: { ledgerKey: keygen('probity.local/ledger').signerKey } });
  dir = fs.mkdtempSync(path.join(t.config.dataDir, 'worker-'));
});
afterAll(async () => t?.close());

const deps = () => ({ db: t.ctx.db, cipher: t.ctx.cipher });
const stored = (prefix: string) =>
  t.ctx.db.selectFrom('service_transactions').select(['external_id', 'transaction_code', 'content_hash', 'unit_id', 'accepted_at', 'completed_at'])
    .where('external_id', 'like', `${prefix}%`).orderBy('external_id').execute();

describe('packed batches', () => {
  it('cross threads unchanged: lines, hashes, derived codes, nulls, numbers and Chinese text', () => {
    const b: Batch = {
      first: 11, last: 14,
      items: [
        { line: 11, value: { externalId: 'A1', unitCode: null, acceptedAt: 1735689600000, summary: '反映办事排队 "quoted"\\' } as never, hash: 'ab'.repeat(32), code: 'C0DE0000000000000000' },
        { line: 13, value: { externalId: 'A2', unitCode: 'U1', acceptedAt: 1735689600001, summary: '' } as never, hash: 'cd'.repeat(32) },
      ],
      errors: [{ line: 12, field: 'channel', reason: 'must be one of …' }],
    };
    const back = unpackBatch(structuredClone(packBatch(b)));
    expect(back).toEqual(b);
    expect(Object.keys(back.items[1]!.value)).toEqual(['externalId', 'unitCode', 'acceptedAt', 'summary']); // the content hash depends on the order
    expect('code' in back.items[1]!).toBe(false);
  });
});

describe('a file read on a worker thread', () => {
  it('stores what the main thread would: every good line, derived codes and content hashes; every bad line refused by line and field', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'tx.ndjson'), 12000, { badEvery: 150, prefix: 'K' });
    const { job } = await importEvidence(deps(), 'transactions', file.path, { worker: true });
    expect(job).toMatchObject({ status: 'completed', lines: 12000, inserted: file.good, rejected: file.bad.length });
    const errors = await repo.listErrors(t.ctx.db, job.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => ({ line: e.line, field: e.field }))).toEqual(file.bad);

    const rows = await stored('K');
    expect(rows).toHaveLength(file.good);
    const lines = fs.readFileSync(file.path, 'utf8').trim().split('\n');
    const byId = new Map(lines.flatMap((l) => { try { const r = JSON.parse(l); return [[r.externalId, r]]; } catch { return []; } }));
    let derived = 0;
    for (const row of rows) {
      const raw = byId.get(row.external_id) as Record<string, unknown>;
      const parsed = parseTransaction(raw);
      if (!parsed.ok) throw new Error(`line of ${row.external_id} should be good`);
      expect(Buffer.from(row.content_hash).toString('hex')).toBe(contentHash('transactions', parsed.value));
      if (raw.transactionCode) expect(row.transaction_code).toBe(raw.transactionCode);
      else {
        derived++;
        expect(row.transaction_code).toBe(derivedTransactionCode(t.ctx.cipher, 'cli-import', row.external_id));
      }
      expect(row.accepted_at.getTime()).toBe(parsed.value.acceptedAt);
    }
    expect(derived).toBeGreaterThan(1000);

    // The same file again, read on the main thread this time: nothing differs.
    const again = await importEvidence(deps(), 'transactions', file.path, { worker: false });
    expect(again.job).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: file.good, rejected: file.bad.length });
  });

  it('resumes after a crash between batches without losing or doubling a line', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'resume.ndjson'), 16000, { badEvery: 250, prefix: 'M' });
    let batches = 0;
    await expect(importEvidence(deps(), 'transactions', file.path, { worker: true, onBatch: () => { if (++batches === 2) throw new Error('power cut'); } })).rejects.toThrow('power cut');
    const crashed = await t.ctx.db.selectFrom('ingest_jobs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(crashed).toMatchObject({ status: 'failed', lines: 10000 });
    expect((await stored('M')).length).toBe(10000 - crashed.rejected);

    const done = await importEvidence(deps(), 'transactions', file.path, { worker: true });
    expect(done.resumedFrom).toBe(10000);
    expect(done.job).toMatchObject({ id: crashed.id, status: 'completed', lines: 16000, inserted: file.good, unchanged: 0, rejected: file.bad.length });
    expect((await stored('M')).length).toBe(file.good);
    const errors = await repo.listErrors(t.ctx.db, crashed.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => e.line)).toEqual(file.bad.map((b) => b.line));
  });

  it('a failure in the worker (a gzip file cut short) fails the job and keeps the batches committed before it', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'cut.ndjson.gz'), 20000, { prefix: 'G', gzip: true });
    const bytes = fs.readFileSync(file.path);
    fs.writeFileSync(file.path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(importEvidence(deps(), 'transactions', file.path, { worker: true })).rejects.toMatchObject({ code: 'Z_BUF_ERROR' });
    const job = await t.ctx.db.selectFrom('ingest_jobs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(job.status).toBe('failed');
    expect(job.failure).toContain('unexpected end of file');
    expect(job.lines).toBeGreaterThanOrEqual(5000);
    expect(job.lines % 5000).toBe(0);
    expect((await stored('G')).length).toBe(job.lines);
  });
});

describe('inserts prepared on the worker', () => {
  // As the CLI runs: on PGlite the ids are drawn in one jump of the sequence, on PostgreSQL one by one.
  const prepDeps = () => ({ ...deps(), singleConnection: t.ctx.database.kind === 'pglite' });
  /** Batches of these rows created at the worker's time, before their transaction's (the general path's rows carry that). */
  const preparedBatches = async (prefix: string) => (await sql<{ n: number }>`
    select count(distinct t.ledger_batch)::int as n from service_transactions t join evidence_batches b on b.id = t.ledger_batch
    where t.external_id like ${`${prefix}%`} and t.created_at < b.created_at`.execute(t.ctx.db)).rows[0]!.n;

  it('write the rows and ledger lines the general path writes, once a batch has shown its records new', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'prep.ndjson'), 4000, { badEvery: 150, prefix: 'P' });
    const { job } = await importEvidence(prepDeps(), 'transactions', file.path, { worker: true, batchSize: 500 });
    expect(job).toMatchObject({ status: 'completed', lines: 4000, inserted: file.good, rejected: file.bad.length });
    const errors = await repo.listErrors(t.ctx.db, job.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => ({ line: e.line, field: e.field }))).toEqual(file.bad);
    // 8 batches. The worker holds 2 before the first is written; the credits for the third and
    // (when the first has not committed when the second is taken) the fourth are given before the
    // first shows its records new. The rest are prepared.
    expect(await preparedBatches('P')).toBeGreaterThanOrEqual(4);
    const rows = await stored('P');
    expect(rows).toHaveLength(file.good);
    for (const row of rows.slice(0, 50)) expect(row.transaction_code).toMatch(/^[0-9A-Z-]+$/);

    await integrateAll(t.ctx);
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);

    // Again, on the worker: every record known, nothing prepared, nothing written.
    const again = await importEvidence(prepDeps(), 'transactions', file.path, { worker: true, batchSize: 500 });
    expect(again.job).toMatchObject({ status: 'completed', inserted: 0, unchanged: file.good, rejected: file.bad.length });
  });

  it('a crash after prepared batches committed resumes without losing or doubling a line', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'prep-crash.ndjson'), 4000, { badEvery: 170, prefix: 'Q' });
    let batches = 0;
    const crash = () => { if (++batches === 6) throw new Error('power cut'); };
    await expect(importEvidence(prepDeps(), 'transactions', file.path, { worker: true, batchSize: 500, onBatch: crash })).rejects.toThrow('power cut');
    expect(await preparedBatches('Q')).toBeGreaterThanOrEqual(1);
    const done = await importEvidence(prepDeps(), 'transactions', file.path, { worker: true, batchSize: 500 });
    expect(done.resumedFrom).toBe(3000);
    expect(done.job).toMatchObject({ status: 'completed', lines: 4000, inserted: file.good, unchanged: 0, rejected: file.bad.length });
    expect(await stored('Q')).toHaveLength(file.good);
    await integrateAll(t.ctx);
    expect((await verifyDatabase(t.ctx)).problems).toEqual([]);
  });

  it('a prepared batch that meets a stored record is written the general way', async () => {
    const first = await writeTransactionsNdjson(path.join(dir, 'known.ndjson'), 100, { prefix: 'R' });
    await importEvidence(deps(), 'transactions', first.path, { worker: false });
    const file = await writeTransactionsNdjson(path.join(dir, 'mixed.ndjson'), 3000, { prefix: 'S' });
    const lines = fs.readFileSync(file.path, 'utf8').trimEnd().split('\n');
    const known = fs.readFileSync(first.path, 'utf8').split('\n')[7]!;
    lines.splice(2700, 0, known); // line 2701, in the sixth batch of 500
    fs.writeFileSync(file.path, lines.join('\n') + '\n');

    const { job } = await importEvidence(prepDeps(), 'transactions', file.path, { worker: true, batchSize: 500 });
    expect(job).toMatchObject({ status: 'completed', lines: 3001, inserted: 3000, unchanged: 1, rejected: 0 });
    expect(await stored('S')).toHaveLength(3000);
    // The fifth batch at least was prepared; the sixth fell back, and after it the next batch looks first.
    expect(await preparedBatches('S')).toBeGreaterThanOrEqual(1);
    await integrateAll(t.ctx);
    expect((await verifyDatabase(t.ctx)).problems).toEqual([]);
  });
});
