// Bulk staff import throughput: the 100,000-row file with 1% bad rows, imported into a fresh
// database, then imported again (which must change nothing). Prints rows/s for each run.
//
//   node bin/run-ts.mjs bench/import/run.ts [--rows 100000] [--runs 3] [--pg postgres://...] [--only pglite|postgres]
//
// Without --pg only PGlite is measured. With --pg a fresh database is created on that server per run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { executeJob, openJob } from '../../src/features/imports/service.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeStaffCsv } from '../../test/helpers/files.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '100000'));
const runs = Number(arg('runs', '3'));
const pgUrl = arg('pg');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-import-'));
const file = path.join(dir, 'staff.csv');
const made = writeStaffCsv(file, rows, 100, 'bench');
const cipher = new FieldCipher(crypto.randomBytes(32));

async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(dir, 'pglite-'));
    const database = await openPGlite(path.join(dataDir, 'pgdata'));
    return { database, drop: async () => { await database.close(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const name = `probity_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  return {
    database,
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop database ${name} with (force)`);
      await c.end();
    },
  };
}

async function timedImport(database: Database) {
  const deps = { db: database.db, cipher };
  const { job } = await openJob(deps, { kind: 'staff', file, fileName: 'staff.csv', keepFile: false, createdBy: null });
  const started = performance.now();
  const done = await executeJob(deps, job, file, { kind: 'all' });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rate: rows / seconds, done };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`file: ${rows} rows (${made.good} good, ${made.bad.length} bad); machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}`);
const only = arg('only');
for (const kind of (pgUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)).filter((k) => !only || k === only)) {
  const first: number[] = [];
  const second: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const { database, drop } = await freshDatabase(kind);
    await migrateToLatest(database.db);
    await loadDemo({ db: database.db, cipher }, { staff: 0 });
    const a = await timedImport(database);
    const b = await timedImport(database);
    if (a.done.inserted !== made.good || a.done.error_count !== made.bad.length || b.done.unchanged !== made.good || b.done.inserted + b.done.updated !== 0) {
      throw new Error(`wrong result: ${JSON.stringify({ first: a.done, second: b.done })}`);
    }
    first.push(a.rate);
    second.push(b.rate);
    console.log(`${kind} run ${run}: first import ${a.seconds.toFixed(2)} s (${a.rate.toFixed(0)} rows/s), re-import ${b.seconds.toFixed(2)} s (${b.rate.toFixed(0)} rows/s)`);
    await drop();
  }
  console.log(`${kind} median: first import ${median(first).toFixed(0)} rows/s, re-import ${median(second).toFixed(0)} rows/s`);
}
fs.rmSync(dir, { recursive: true, force: true });
