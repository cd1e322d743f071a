// Where the PostgreSQL ingest's CPU goes, against what the goal leaves: 50,000 lines/s on 2 cores is
// at most 40 CPU-seconds per million lines, client and server together. For the same file as
// run.ts, in one fresh database per run, four pieces measured apart:
//   reading     the ingest's first stage alone (read, parse, check each line, content hash, derived
//               codes; batchesOf on this thread, as `probity import` does on PostgreSQL), no database;
//   ingest      the whole `probity import transactions FILE`, as run.ts measures it;
//   write path  the ingest's inserts alone: the stored rows, taken into memory, written again into the
//               emptied table by repo.insertExpectedNew in batches of 5,000 on two connections (the
//               ingest's writers), nothing else: its server CPU is what the ingest's writes cost the
//               server with the client all but idle;
//   COPY        raw COPY of the same rows into a same-shaped table (the limit run.ts reports against).
//
//   node bin/run-ts.mjs bench/ingest/budget.ts --pg postgres://... [--rows 1000000] [--runs 3] [--writers 2] [--write insert|copy]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { batchesOf, codeDeriver } from '../../src/features/ingest/batches.ts';
import { importEvidence } from '../../src/features/ingest/cli.ts';
import { EVIDENCE_SPECS } from '../../src/features/ingest/kinds.ts';
import { DEFAULT_BATCH, ingestDepsFor, writersFor } from '../../src/features/ingest/pipeline.ts';
import { fileRecords } from '../../src/features/ingest/reader.ts';
import * as repo from '../../src/features/ingest/repo.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeTransactionsNdjson } from '../../test/helpers/ingest-files.ts';
import { hostProbe } from '../lib/cpu.ts';
import { cpuOf, cpuText, measure, postgresMeter } from '../lib/meter.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-db.ts';
import { rawCopyPostgres } from './raw-copy.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const pgUrl = arg('pg');
if (!pgUrl) throw new Error('usage: bench/ingest/budget.ts --pg postgres://... [--rows N] [--runs N]');
const lines = Number(arg('rows', '1000000'));
const runs = Number(arg('runs', '3'));
// --writers N: connections the write path uses (default the ingest's, writersFor('postgres')).
const writers = Number(arg('writers', String(writersFor('postgres'))));
// --write insert|copy: the write path as the ingest writes (insert) or, to see what a COPY-based ingest
// could save, each batch's ids drawn from the sequence and its rows sent by COPY (copy).
const writeVia = arg('write', 'insert');
const SOURCE = 'bench-platform';
const spec = EVIDENCE_SPECS.transactions;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-budget-'));
const file = path.join(dir, 'transactions.ndjson');
const handlers = Array.from({ length: 2000 }, (_, i) => `S${String(i + 1).padStart(7, '0')}`);
const made = await writeTransactionsNdjson(file, lines, { badEvery: 200, prefix: 'B', handlers });
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`file: ${lines} lines (${made.good} good, ${made.bad.length} bad); write path: ${writeVia} on ${writers} connection(s)`);
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${load()}; host probe ${hostProbe().toFixed(2)} s (lib/cpu.ts)`);
const cipher = new FieldCipher(crypto.randomBytes(32));

/** The first stage alone: every line read, checked, hashed, its code derived; the count of lines seen. */
async function readingAlone(): Promise<number> {
  const { records } = await fileRecords(file, spec.header, 0);
  let seen = 0;
  const batches = batchesOf(spec, records, { batchSize: DEFAULT_BATCH, resume: { skipped: 0, ranges: [] }, derive: codeDeriver(cipher, SOURCE) });
  for await (const b of batches) seen += b.items.length + b.errors.length;
  return seen;
}

/** The stored transactions as the ingest's writers hold them (values in spec.columns order, times as epoch ms). */
async function storedRows(scratch: ScratchDatabase): Promise<repo.EvidenceRow[]> {
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    const r = await client.query({
      text: `select external_id, encode(content_hash, 'hex'), transaction_code, service_item_id, unit_id, handler_staff_id, channel, status,
                    (extract(epoch from accepted_at) * 1000)::float8, (extract(epoch from completed_at) * 1000)::float8, promised_days
             from service_transactions order by id`,
      rowMode: 'array',
    });
    return r.rows.map(([externalId, hash, ...values]) => ({ externalId, hash, values }));
  } finally {
    await client.end();
  }
}

/** The rows written again by the ingest's insert, in batches, `writers` at once. */
async function writePath(db: ReturnType<typeof openPostgres>['db'], sourceId: number, rows: repo.EvidenceRow[]): Promise<number> {
  let next = 0;
  let written = 0;
  const writer = async () => {
    while (next < rows.length) {
      const batch = rows.slice(next, (next += DEFAULT_BATCH));
      const done = await db.transaction().execute((trx) => repo.insertExpectedNew(trx, spec, sourceId, batch, null));
      written += done.rows.length;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return written;
}

/** A COPY text field (the values here never hold tabs, newlines or backslashes). */
const copyField = (v: unknown, type: string) => (v === null ? '\\N' : type === 'epoch_ms' ? new Date(Number(v)).toISOString() : String(v));

/**
 * The same rows as writePath, each batch's ids drawn first (the ledger lines need them) and its rows
 * COPYed in, on connections opened beforehand (so that the meter sees their server processes).
 */
async function writePathByCopy(clients: pg.Client[], sourceId: number, rows: repo.EvidenceRow[]): Promise<void> {
  const names = ['id', 'source_id', 'external_id', 'content_hash', ...spec.columns.map(([c]) => c)].join(', ');
  let next = 0;
  const writer = async (client: pg.Client) => {
    while (next < rows.length) {
      const batch = rows.slice(next, (next += DEFAULT_BATCH));
      await client.query('begin');
      const drawn = await client.query<{ ids: string }>(
        `select string_agg(nextval('service_transactions_id_seq')::text, ',') as ids from generate_series(1, ${batch.length})`);
      const ids = drawn.rows[0]!.ids.split(',');
      const text = batch.map((r, i) => `${ids[i]}\t${sourceId}\t${r.externalId}\t\\\\x${r.hash}\t${r.values.map((v, j) => copyField(v, spec.columns[j]![1])).join('\t')}\n`).join('');
      await pipeline(Readable.from([text]), client.query(copyFrom(`copy service_transactions (${names}) from stdin`)));
      await client.query('commit');
    }
  };
  await Promise.all(clients.map(writer));
}

/** n connections to the scratch database, open before a measurement starts. */
async function connected(scratch: ScratchDatabase, n: number): Promise<pg.Client[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    return client;
  }));
}

/** The transactions stored, after a write path. */
async function scratchCount(scratch: ScratchDatabase): Promise<number> {
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('select count(*)::int as n from service_transactions')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perMillion = (cpu: number, n: number) => (cpu * 1e6) / n;
const sums = { reading: [] as number[], ingest: [] as number[], writeClient: [] as number[], writeServer: [] as number[], restClient: [] as number[], restServer: [] as number[], copy: [] as number[], ingestRate: [] as number[], writeRate: [] as number[], copyRate: [] as number[] };

for (let run = 1; run <= runs; run++) {
  const scratch = await createScratchDatabase(pgUrl, 'probity_budget');
  const database = openPostgres(scratch.url);
  try {
    const db = database.db;
    await migrateToLatest(db);
    await loadDemo({ db, cipher }, { staff: 2000, seed: 'bench' });
    const source = await db.insertInto('sources').values({ code: SOURCE, name: '基准测试政务服务平台', token_id: null }).returning('id').executeTakeFirstOrThrow();
    const meter = postgresMeter(scratch);

    const reading = await measure(meter, readingAlone);
    if (reading.result !== lines) throw new Error(`reading saw ${reading.result} lines, not ${lines}`);
    const ingest = await measure(meter, () => importEvidence(ingestDepsFor('postgres', db, cipher), 'transactions', file, { source: SOURCE }));
    if (ingest.result.job.inserted !== made.good) throw new Error(`ingest inserted ${ingest.result.job.inserted}, not ${made.good}`);

    const rows = await storedRows(scratch);
    // Cascade: ratings reference transactions (none are stored in this database).
    await sql`truncate service_transactions cascade`.execute(db);
    const copiers = writeVia === 'copy' ? await connected(scratch, writers) : [];
    const write = await measure(meter, async () => {
      if (writeVia !== 'copy') return writePath(db, source.id, rows);
      await writePathByCopy(copiers, source.id, rows);
      return scratchCount(scratch);
    });
    await Promise.all(copiers.map((c) => c.end()));
    if (write.result !== made.good) throw new Error(`write path wrote ${write.result}, not ${made.good}`);
    const copy = await rawCopyPostgres(scratch.url, meter, dir);
    if (copy.rows !== made.good) throw new Error(`COPY stored ${copy.rows} rows, not ${made.good}`);

    const ingestCpu = perMillion(cpuOf(ingest.spent), lines);
    const readingCpu = perMillion(cpuOf(reading.spent), lines);
    const writeClient = perMillion(write.spent.client, lines);
    const writeServer = perMillion(write.spent.server ?? 0, lines);
    // What the ingest does besides reading and inserting: codes to ids, ledger lines, bookkeeping, waiting.
    const restClient = perMillion(ingest.spent.client, lines) - readingCpu - writeClient;
    const restServer = perMillion(ingest.spent.server ?? 0, lines) - writeServer;
    sums.reading.push(readingCpu);
    sums.ingest.push(ingestCpu);
    sums.writeClient.push(writeClient);
    sums.writeServer.push(writeServer);
    sums.restClient.push(restClient);
    sums.restServer.push(restServer);
    sums.copy.push(perMillion(cpuOf(copy.spent), lines));
    sums.ingestRate.push(lines / ingest.spent.seconds);
    sums.writeRate.push(made.good / write.spent.seconds);
    sums.copyRate.push(copy.rows / copy.spent.seconds);
    console.log(`run ${run} (load average ${load()}):`);
    console.log(`  reading     ${reading.spent.seconds.toFixed(1)} s = ${(lines / reading.spent.seconds).toFixed(0)} lines/s; ${cpuText(reading.spent, lines, 'lines')}`);
    console.log(`  ingest      ${ingest.spent.seconds.toFixed(1)} s = ${(lines / ingest.spent.seconds).toFixed(0)} lines/s; ${cpuText(ingest.spent, lines, 'lines')}`);
    console.log(`  write path  ${write.spent.seconds.toFixed(1)} s = ${(made.good / write.spent.seconds).toFixed(0)} rows/s; ${cpuText(write.spent, made.good, 'rows')}`);
    console.log(`  COPY        ${copy.spent.seconds.toFixed(1)} s = ${(copy.rows / copy.spent.seconds).toFixed(0)} rows/s; ${cpuText(copy.spent, copy.rows, 'rows')}`);
    console.log(`  per million lines: ingest ${ingestCpu.toFixed(1)} CPU-s = reading ${readingCpu.toFixed(1)} + write path ${writeClient.toFixed(1)} client + ${writeServer.toFixed(1)} server + the rest ${restClient.toFixed(1)} client + ${restServer.toFixed(1)} server`);
  } finally {
    await database.close();
    await scratch.drop();
  }
}
const m = (xs: number[]) => median(xs).toFixed(1);
console.log(
  `median of ${runs}, CPU-seconds per million lines: ingest ${m(sums.ingest)} = reading ${m(sums.reading)} + write path ${m(sums.writeClient)} client + ${m(sums.writeServer)} server ` +
  `+ the rest ${m(sums.restClient)} client + ${m(sums.restServer)} server; raw COPY ${m(sums.copy)}. 50,000 lines/s on 2 cores allows at most 40.`,
);
console.log(`median rates: ingest ${median(sums.ingestRate).toFixed(0)} lines/s, write path alone ${median(sums.writeRate).toFixed(0)} rows/s, raw COPY ${median(sums.copyRate).toFixed(0)} rows/s`);
fs.rmSync(dir, { recursive: true, force: true });
