// Bulk evidence ingest throughput: a 1,000,000-transaction NDJSON file with 0.5% bad lines, ingested
// into a fresh database (the whole `probity import transactions FILE` path: hash the file, open the
// job, read, check, resolve codes, write in batches), then ingested again (which must change
// nothing), and beside it raw COPY of the same good rows into a same-shaped table in that database.
//
//   node bin/run-ts.mjs bench/ingest/run.ts [--rows 1000000] [--runs 3] [--pg postgres://...] [--only pglite|postgres] [--file F] [--worker on|off] [--batch N]
//
// Without --pg only PGlite is measured. With --pg a fresh database is created on that server per run.
// Besides wall-clock rates it prints the CPU time spent (this process, plus on PostgreSQL the server
// processes of the bench database, read from /proc), since other work on a shared machine slows the
// wall clock but not the work done per line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { PGliteDialect } from '../../src/db/pglite-dialect.ts';
import type { DB } from '../../src/db/types.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { importEvidence } from '../../src/features/ingest/cli.ts';
import { ingestDepsFor } from '../../src/features/ingest/pipeline.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeTransactionsNdjson } from '../../test/helpers/ingest-files.ts';
import { hostProbe } from '../lib/cpu.ts';
import { cpuOf, cpuText, inProcessMeter, measure, postgresMeter, type CpuMeter, type Spent } from '../lib/meter.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { COPY_COLUMNS, rawCopyPostgres, SAME_SHAPE } from './raw-copy.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '1000000'));
const runs = Number(arg('runs', '3'));
const pgUrl = arg('pg');
const only = arg('only');
// --worker off|on: read and check on the main thread, or on a worker thread (default: as the CLI decides: PGlite, by file size).
const worker = arg('worker') === undefined ? undefined : arg('worker') === 'on';
// --batch N: records per batch (default: the CLI's, DEFAULT_BATCH).
const batchSize = arg('batch') === undefined ? undefined : Number(arg('batch'));
const STAFF = 2000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-ingest-'));
const file = arg('file') ?? path.join(dir, 'transactions.ndjson');
const handlers = Array.from({ length: STAFF }, (_, i) => `S${String(i + 1).padStart(7, '0')}`);
const t0 = performance.now();
const made = await writeTransactionsNdjson(file, rows, { badEvery: 200, prefix: 'B', handlers });
console.log(`file: ${rows} lines (${made.good} good, ${made.bad.length} bad), ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
// Other work on the machine shows in the load average: it is printed with every run.
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${load()}; host probe ${hostProbe().toFixed(2)} s (lib/cpu.ts)`);
const cipher = new FieldCipher(crypto.randomBytes(32));

interface Bench {
  db: Kysely<DB>;
  meter: CpuMeter;
  /** COPY of the stored good rows into a same-shaped table. */
  copy: () => Promise<{ rows: number; spent: Spent }>;
  drop: () => Promise<void>;
}


async function freshPGlite(): Promise<Bench> {
  const dataDir = fs.mkdtempSync(path.join(dir, 'pglite-'));
  const client = new PGlite(path.join(dataDir, 'pgdata'));
  await client.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  const meter = inProcessMeter;
  return {
    db,
    meter,
    copy: async () => {
      await client.query(SAME_SHAPE);
      const out = await client.query(`copy (select ${COPY_COLUMNS} from service_transactions) to '/dev/blob'`);
      const blob = out.blob!;
      const { spent } = await measure(meter, async () => client.query(`copy copy_target (${COPY_COLUMNS}) from '/dev/blob'`, [], { blob }));
      const n = await client.query<{ n: number }>('select count(*)::int as n from copy_target');
      return { rows: n.rows[0]!.n, spent };
    },
    drop: async () => {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(): Promise<Bench> {
  const scratch = await createScratchDatabase(pgUrl!, 'probity_bench');
  const database = openPostgres(scratch.url);
  const meter = postgresMeter(scratch);
  return {
    db: database.db,
    meter,
    copy: () => rawCopyPostgres(scratch.url, meter, dir),
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

async function ingest(bench: Bench, kind: 'pglite' | 'postgres') {
  const { result, spent } = await measure(bench.meter, () => importEvidence(ingestDepsFor(kind, bench.db, cipher), 'transactions', file, { source: 'bench-platform', worker, ...(batchSize ? { batchSize } : {}) }));
  return { job: result.job, spent };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kinds = (pgUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)).filter((k) => !only || k === only);

for (const kind of kinds) {
  const m = { first: [] as number[], second: [] as number[], copy: [] as number[], firstCpu: [] as number[], secondCpu: [] as number[], copyCpu: [] as number[] };
  for (let run = 1; run <= runs; run++) {
    const bench = kind === 'pglite' ? await freshPGlite() : await freshPostgres();
    await migrateToLatest(bench.db);
    await loadDemo({ db: bench.db, cipher }, { staff: STAFF, seed: 'bench' });
    await bench.db.insertInto('sources').values({ code: 'bench-platform', name: '基准测试政务服务平台', token_id: null }).execute();
    const a = await ingest(bench, kind);
    const b = await ingest(bench, kind);
    const wrong = a.job.inserted !== made.good || a.job.rejected !== made.bad.length || a.job.lines !== rows
      || b.job.unchanged !== made.good || b.job.inserted + b.job.updated !== 0 || b.job.rejected !== made.bad.length;
    if (wrong) throw new Error(`wrong result: ${JSON.stringify({ first: a.job, second: b.job })}`);
    const c = await bench.copy();
    if (c.rows !== made.good) throw new Error(`COPY stored ${c.rows} rows, expected ${made.good}`);
    const rate = (s: Spent, n: number) => n / s.seconds;
    m.first.push(rate(a.spent, rows));
    m.second.push(rate(b.spent, rows));
    m.copy.push(rate(c.spent, c.rows));
    m.firstCpu.push(rows / cpuOf(a.spent));
    m.secondCpu.push(rows / cpuOf(b.spent));
    m.copyCpu.push(c.rows / cpuOf(c.spent));
    console.log(`${kind} run ${run} (load average ${load()}):`);
    console.log(`  ingest     ${a.spent.seconds.toFixed(1)} s = ${rate(a.spent, rows).toFixed(0)} lines/s; ${cpuText(a.spent, rows, 'lines')}`);
    console.log(`  re-ingest  ${b.spent.seconds.toFixed(1)} s = ${rate(b.spent, rows).toFixed(0)} lines/s (nothing changed); ${cpuText(b.spent, rows, 'lines')}`);
    console.log(`  COPY       ${c.spent.seconds.toFixed(1)} s = ${rate(c.spent, c.rows).toFixed(0)} rows/s; ${cpuText(c.spent, c.rows, 'rows')}`);
    console.log(`  ingest/COPY ${(rate(a.spent, rows) / rate(c.spent, c.rows)).toFixed(2)} by wall clock, ${(rows / cpuOf(a.spent) / (c.rows / cpuOf(c.spent))).toFixed(2)} by CPU`);
    await bench.drop();
  }
  console.log(
    `${kind} median of ${runs}: ingest ${median(m.first).toFixed(0)} lines/s (${median(m.firstCpu).toFixed(0)} per CPU-second), ` +
    `re-ingest ${median(m.second).toFixed(0)} lines/s (${median(m.secondCpu).toFixed(0)} per CPU-second), ` +
    `COPY ${median(m.copy).toFixed(0)} rows/s (${median(m.copyCpu).toFixed(0)} per CPU-second); ` +
    `ingest/COPY ${(median(m.first) / median(m.copy)).toFixed(2)} by wall clock, ${(median(m.firstCpu) / median(m.copyCpu)).toFixed(2)} by CPU`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
