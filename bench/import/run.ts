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
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { executeJob, openJob } from '../../src/features/imports/service.ts';
import { writersFor } from '../../src/features/ingest/pipeline.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeStaffCsv } from '../../test/helpers/files.ts';
import { hostProbe } from '../lib/cpu.ts';
import { clientCpu, mainThreadCpu, procCpu } from '../lib/meter.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';

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

// CPU seconds, beside wall clock, because other work on a shared machine slows the wall clock: this
// process, plus on PostgreSQL the server processes of the bench database (read from /proc).
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
type ServerCpu = () => Promise<Map<number, number> | null>;

async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ database: Database; serverCpu: ServerCpu; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(dir, 'pglite-'));
    const database = await openPGlite(path.join(dataDir, 'pgdata'));
    // PGlite runs in this process: its CPU is the client's.
    return { database, serverCpu: async () => null, drop: async () => { await database.close(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const scratch = await createScratchDatabase(pgUrl!, 'probity_bench');
  const database = openPostgres(scratch.url);
  return {
    database,
    serverCpu: async () => new Map((await scratch.backendPids()).map((pid) => [pid, procCpu(pid) ?? 0])),
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

async function timedImport(database: Database, serverCpu: ServerCpu) {
  const deps = { db: database.db, cipher, writers: writersFor(database.kind) };
  const { job } = await openJob(deps, { kind: 'staff', file, fileName: 'staff.csv', keepFile: false, createdBy: null });
  const serverBefore = await serverCpu();
  const clientBefore = clientCpu();
  const mainBefore = mainThreadCpu();
  const started = performance.now();
  const done = await executeJob(deps, job, file, { kind: 'all' });
  const seconds = (performance.now() - started) / 1000;
  const client = clientCpu() - clientBefore;
  const main = mainThreadCpu() - mainBefore;
  const serverAfter = await serverCpu();
  let server: number | null = null;
  if (serverAfter) {
    server = 0;
    for (const [pid, cpu] of serverAfter) server += cpu - (serverBefore?.get(pid) ?? 0);
  }
  return { seconds, rate: rows / seconds, client, main, server, done };
}

const cpuText = (r: { client: number; main: number; server: number | null }) => {
  const client = `CPU ${r.client.toFixed(1)} s${r.server === null ? '' : ' client'} (main thread ${r.main.toFixed(1)} s)`;
  return r.server === null ? client : `${client} + ${r.server.toFixed(1)} s server`;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`file: ${rows} rows (${made.good} good, ${made.bad.length} bad); machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${load()}; host probe ${hostProbe().toFixed(2)} s (lib/cpu.ts)`);
const only = arg('only');
for (const kind of (pgUrl ? (['pglite', 'postgres'] as const) : (['pglite'] as const)).filter((k) => !only || k === only)) {
  const first: number[] = [];
  const second: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const { database, serverCpu, drop } = await freshDatabase(kind);
    await migrateToLatest(database.db);
    await loadDemo({ db: database.db, cipher }, { staff: 0 });
    const a = await timedImport(database, serverCpu);
    const b = await timedImport(database, serverCpu);
    if (a.done.inserted !== made.good || a.done.error_count !== made.bad.length || b.done.unchanged !== made.good || b.done.inserted + b.done.updated !== 0) {
      throw new Error(`wrong result: ${JSON.stringify({ first: a.done, second: b.done })}`);
    }
    first.push(a.rate);
    second.push(b.rate);
    console.log(`${kind} run ${run} (load average ${load()}): first import ${a.seconds.toFixed(2)} s (${a.rate.toFixed(0)} rows/s; ${cpuText(a)}), re-import ${b.seconds.toFixed(2)} s (${b.rate.toFixed(0)} rows/s; ${cpuText(b)})`);
    await drop();
  }
  console.log(`${kind} median: first import ${median(first).toFixed(0)} rows/s, re-import ${median(second).toFixed(0)} rows/s`);
}
fs.rmSync(dir, { recursive: true, force: true });
