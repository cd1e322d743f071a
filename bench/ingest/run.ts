// Bulk evidence ingest throughput: a 1,000,000-transaction NDJSON file with 0.5% bad lines, ingested
// into a fresh database (the whole `probity import transactions FILE` path: hash the file, open the
// job, read, check, resolve codes, write in batches), then ingested again (which must change
// nothing), and beside it raw COPY of the same good rows into a same-shaped table in that database.
//
//   node bin/run-ts.mjs bench/ingest/run.ts [--rows 1000000] [--runs 3] [--pg postgres://...] [--only pglite|postgres] [--file F]
//
// Without --pg only PGlite is measured. With --pg a fresh database is created on that server per run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { PGliteDialect } from '../../src/db/pglite-dialect.ts';
import type { DB } from '../../src/db/types.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { importEvidence } from '../../src/features/ingest/cli.ts';
import { writersFor } from '../../src/features/ingest/pipeline.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeTransactionsNdjson } from '../../test/helpers/ingest-files.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '1000000'));
const runs = Number(arg('runs', '3'));
const pgUrl = arg('pg');
const only = arg('only');
const STAFF = 2000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-ingest-'));
const file = arg('file') ?? path.join(dir, 'transactions.ndjson');
const handlers = Array.from({ length: STAFF }, (_, i) => `S${String(i + 1).padStart(7, '0')}`);
const t0 = performance.now();
const made = await writeTransactionsNdjson(file, rows, { badEvery: 200, prefix: 'B', handlers });
console.log(`file: ${rows} lines (${made.good} good, ${made.bad.length} bad), ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
// Other work on the machine shows in the load average: it is printed with every run.
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${load()}`);
const cipher = new FieldCipher(crypto.randomBytes(32));

const COLUMNS = 'source_id, external_id, transaction_code, service_item_id, unit_id, handler_staff_id, channel, status, accepted_at, completed_at, promised_days, content_hash';

interface Bench {
  db: Kysely<DB>;
  /** Seconds for COPY of the stored good rows into a same-shaped table. */
  copy: () => Promise<{ seconds: number; rows: number }>;
  drop: () => Promise<void>;
}

const sameShape = sql`create table copy_target (like service_transactions including all)`;

async function freshPGlite(): Promise<Bench> {
  const dataDir = fs.mkdtempSync(path.join(dir, 'pglite-'));
  const client = new PGlite(path.join(dataDir, 'pgdata'));
  await client.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    db,
    copy: async () => {
      await sameShape.execute(db);
      const out = await client.query(`copy (select ${COLUMNS} from service_transactions) to '/dev/blob'`);
      const blob = out.blob!;
      const started = performance.now();
      await client.query(`copy copy_target (${COLUMNS}) from '/dev/blob'`, [], { blob });
      const seconds = (performance.now() - started) / 1000;
      const n = await client.query<{ n: number }>('select count(*)::int as n from copy_target');
      return { seconds, rows: n.rows[0]!.n };
    },
    drop: async () => {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(): Promise<Bench> {
  const name = `probity_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  return {
    db: database.db,
    copy: async () => {
      await sameShape.execute(database.db);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const tsv = path.join(dir, 'rows.copy');
      await pipeline(client.query(copyTo(`copy (select ${COLUMNS} from service_transactions) to stdout`)), fs.createWriteStream(tsv));
      const started = performance.now();
      await pipeline(fs.createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom(`copy copy_target (${COLUMNS}) from stdin`)));
      const seconds = (performance.now() - started) / 1000;
      const n = await client.query<{ n: number }>('select count(*)::int as n from copy_target');
      await client.end();
      fs.rmSync(tsv, { force: true });
      return { seconds, rows: n.rows[0]!.n };
    },
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop database ${name} with (force)`);
      await c.end();
    },
  };
}

async function timedIngest(db: Kysely<DB>, kind: 'pglite' | 'postgres') {
  const started = performance.now();
  const { job } = await importEvidence({ db, cipher, writers: writersFor(kind) }, 'transactions', file, { source: 'bench-platform' });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rate: rows / seconds, job };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kinds = (pgUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)).filter((k) => !only || k === only);

for (const kind of kinds) {
  const first: number[] = [];
  const second: number[] = [];
  const copies: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const bench = kind === 'pglite' ? await freshPGlite() : await freshPostgres();
    await migrateToLatest(bench.db);
    await loadDemo({ db: bench.db, cipher }, { staff: STAFF, seed: 'bench' });
    await bench.db.insertInto('sources').values({ code: 'bench-platform', name: '基准测试政务服务平台', token_id: null }).execute();
    const a = await timedIngest(bench.db, kind);
    const b = await timedIngest(bench.db, kind);
    const wrong = a.job.inserted !== made.good || a.job.rejected !== made.bad.length || a.job.lines !== rows
      || b.job.unchanged !== made.good || b.job.inserted + b.job.updated !== 0 || b.job.rejected !== made.bad.length;
    if (wrong) throw new Error(`wrong result: ${JSON.stringify({ first: a.job, second: b.job })}`);
    const c = await bench.copy();
    if (c.rows !== made.good) throw new Error(`COPY stored ${c.rows} rows, expected ${made.good}`);
    const copyRate = c.rows / c.seconds;
    first.push(a.rate);
    second.push(b.rate);
    copies.push(copyRate);
    console.log(
      `${kind} run ${run}: ingest ${a.seconds.toFixed(2)} s (${a.rate.toFixed(0)} lines/s), re-ingest ${b.seconds.toFixed(2)} s (${b.rate.toFixed(0)} lines/s, nothing changed), ` +
      `COPY ${c.seconds.toFixed(2)} s (${copyRate.toFixed(0)} rows/s); ingest/COPY ${(a.rate / copyRate).toFixed(2)}; load average ${load()}`,
    );
    await bench.drop();
  }
  console.log(
    `${kind} median of ${runs}: ingest ${median(first).toFixed(0)} lines/s, re-ingest ${median(second).toFixed(0)} lines/s, ` +
    `COPY ${median(copies).toFixed(0)} rows/s, ingest/COPY ${(median(first) / median(copies)).toFixed(2)}`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
