// Ledger benchmarks (see README.md): integration throughput into the database, proof latency on a
// 10-million-entry tree read through the database-backed tile reader, and the same tree built by
// Go's tlog package side by side (same entries, so the roots must match).
//
//   node bin/run-ts.mjs bench/ledger/run.ts [--entries 1000000] [--runs 3] [--tree 10000000]
//       [--proofs 10000] [--pg postgres://...] [--only pglite|postgres] [--skip integrate,tree,go]
//       [--profile DIR]   (a V8 CPU profile of the fresh-process proof phase, written to DIR)
//
// Without --pg only PGlite (on disk, as embedded mode runs) is measured. With --pg a fresh
// database is created on that server for each run and dropped afterwards.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { encodeEntry, type LedgerEntry } from '../../src/ledger/entry.ts';
import { leafHash, toBase64 } from '../../src/ledger/hash.ts';
import { integratePending } from '../../src/ledger/integrator.ts';
import { keygen, parseSignerKey } from '../../src/ledger/note.ts';
import * as store from '../../src/ledger/store.ts';
import { TILE_WIDTH } from '../../src/ledger/tiles.ts';
import { proofReader, readDeps } from '../../src/ledger/service.ts';
import { appendEntries, proveInclusion, type TileReader, tileHashReader, verifyInclusion } from '../../src/ledger/tlog.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ENTRIES = Number(arg('entries', '1000000'));
const RUNS = Number(arg('runs', '3'));
const TREE = Number(arg('tree', '10000000'));
const PROOFS = Number(arg('proofs', '10000'));
const PG_URL = arg('pg');
const ONLY = arg('only');
const SKIP = new Set((arg('skip', '') ?? '').split(',').filter(Boolean));
const KINDS = (['pglite', 'postgres'] as const).filter((k) => (k === 'postgres' ? PG_URL : true) && (!ONLY || ONLY === k));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-ledger-'));
const signer = parseSignerKey(keygen('probity.local/ledger').signerKey);

const TIME = new Date('2024-01-01T00:00:00.000Z');
/** Entry i, byte for byte as bench/ledger/go generates it. */
function benchEntry(i: number): LedgerEntry {
  return { type: 'bench', id: `B${i}`, version: 1, time: TIME, digest: crypto.createHash('sha256').update(String(i)).digest('hex') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

// CPU time, so that figures on a shared machine can be read apart from the neighbours' load: this
// process (which includes PGlite's PostgreSQL) and the PostgreSQL backends serving this database.
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const clientCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function backendTicks(database: Database): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (database.kind !== 'postgres') return out;
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  for (const { pid } of rows) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, Number(fields[11]) + Number(fields[12])); // utime + stime
    } catch {
      // not on this machine, or gone
    }
  }
  return out;
}
const serverCpu = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, t]) => sum + t - (before.get(pid) ?? 0), 0) / CLK_TCK;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ database: Database; url?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(dir, 'pglite-'));
    const database = await openPGlite(path.join(dataDir, 'pgdata'));
    await migrateToLatest(database.db);
    return { database, drop: async () => { await database.close(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const scratch = await createScratchDatabase(PG_URL!, 'probity_bench_ledger');
  const database = openPostgres(scratch.url, { max: 4 });
  await migrateToLatest(database.db);
  return {
    database,
    url: scratch.url,
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

// ---- 1. integration throughput --------------------------------------------------------------

async function integration(kind: 'pglite' | 'postgres'): Promise<void> {
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let root = '';
  for (let run = 1; run <= RUNS; run++) {
    const { database, drop } = await freshDatabase(kind);
    try {
      // Migrations seed a few entries (default settings, categories): integrated first, not timed.
      await integratePending(database.db, signer);
      // Pending entries as the application writes them (not timed).
      for (let lo = 0; lo < ENTRIES; lo += 50_000) {
        const batch = Array.from({ length: Math.min(50_000, ENTRIES - lo) }, (_, k) => benchEntry(lo + k));
        await database.db.transaction().execute((trx) => store.appendToLedger(trx, batch));
      }
      const ticks0 = await backendTicks(database);
      const cpu0 = clientCpu();
      const t0 = performance.now();
      const done = (await integratePending(database.db, signer)).integrated; // what the server's integrator runs
      const seconds = (performance.now() - t0) / 1000;
      const client = clientCpu() - cpu0;
      const server = serverCpu(ticks0, await backendTicks(database));
      if (done !== ENTRIES) throw new Error(`integrated ${done} of ${ENTRIES}`);
      root = toBase64((await store.readState(database.db)).root!);
      rates.push(ENTRIES / seconds);
      // Alone on 2 cores the run would take at least max(client, server) (they overlap, batch by
      // batch) and at least (client + server) / 2: an estimate, not a measurement.
      const alone = Math.max(client, server, (client + server) / 2);
      cpuRates.push(ENTRIES / alone);
      console.log(`  ${kind} run ${run}: ${fmt(ENTRIES)} entries integrated in ${seconds.toFixed(2)} s = ${fmt(ENTRIES / seconds)} entries/s; CPU ${client.toFixed(2)} s here + ${server.toFixed(2)} s in PostgreSQL backends → ${fmt(ENTRIES / alone)} entries/s on 2 idle cores (estimate)`);
    } finally {
      await drop();
    }
  }
  console.log(`integrate ${kind}: median ${fmt(median(rates))} entries/s over ${RUNS} runs of ${fmt(ENTRIES)}; by CPU time ${fmt(median(cpuRates))} entries/s on 2 idle cores (root ${root})`);
}

// ---- 2. the 10M tree: library build, tiles in the database, proofs through the DB reader ------

/** Builds the tree with appendEntries, keeping only the right edge in memory; calls `out` with each batch's tiles. */
async function buildTree(n: number, out: (tiles: Awaited<ReturnType<typeof appendEntries>>['tiles']) => Promise<void>) {
  const edge = new Map<string, Uint8Array>();
  const local: TileReader = { readTiles: async (ts) => ts.map((t) => edge.get(`${t.level}/${t.index}`)!) };
  let size = 0;
  let appendMs = 0;
  let root: Uint8Array = new Uint8Array();
  while (size < n) {
    const count = Math.min(50_000, n - size);
    const entries = Array.from({ length: count }, (_, k) => encodeEntry(benchEntry(size + k)));
    const t0 = performance.now();
    const r = await appendEntries(local, size, entries, { bundles: false }); // as the integrator does
    appendMs += performance.now() - t0;
    for (const t of r.tiles) {
      const key = `${t.tile.level}/${t.tile.index}`;
      if (t.tile.width < TILE_WIDTH) edge.set(key, t.data);
      else edge.delete(key);
    }
    await out(r.tiles);
    size = r.size;
    root = r.root;
  }
  return { root, appendSeconds: appendMs / 1000 };
}

async function tree(kinds: readonly ('pglite' | 'postgres')[]): Promise<{ root: string; rate: number } | undefined> {
  let result: { root: string; rate: number } | undefined;
  for (const kind of kinds) {
    const { database, url, drop } = await freshDatabase(kind);
    try {
      const db = database.db;
      let writeMs = 0;
      const built = await buildTree(TREE, async (tiles) => {
        // Hash tiles only, as the integrator stores them (bundles come from ledger_entries, which
        // proofs never read), so no entries are stored for this tree.
        const t0 = performance.now();
        await db.transaction().execute((trx) => store.upsertTiles(trx, tiles));
        writeMs += performance.now() - t0;
      });
      const root = toBase64(built.root);
      const rate = TREE / built.appendSeconds;
      // The library's rate is the same code whatever the database; take the first (PGlite: no server
      // process competing for the cores while appendEntries runs).
      result ??= { root, rate };
      console.log(`tree ${kind}: library built ${fmt(TREE)} entries in ${built.appendSeconds.toFixed(2)} s of appendEntries = ${fmt(rate)} entries/s; hash tiles written in ${(writeMs / 1000).toFixed(1)} s; root ${root}`);
      await db.updateTable('ledger_state').set({ size: TREE, seq: TREE, root: built.root, checkpoint: signCheckpoint({ origin: signer.name, size: TREE, root: built.root }, signer) }).execute();
      // Steady state, as a server long after the tiles were written: the bulk load's vacuum, statistics
      // and dirty pages are dealt with now, not by autovacuum and the checkpointer during the proofs.
      await sql`vacuum (analyze) ledger_tiles`.execute(db);
      if (kind === 'postgres') await sql`checkpoint`.execute(db);

      // Proofs as the server makes them (service.ts proofReader: its hash and tile caches, then the
      // database), and for comparison with every tile read from the database each time.
      await measureProofs(kind, database, built.root, ['server reader', 'no caches']);
      // And in a fresh process, as a server answering proofs is: this one holds the garbage of building
      // a 10M tree, which the collector works through during the proofs.
      if (url) {
        const child = execFileSync(process.execPath, [...(arg('profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(arg('profile')!)}`] : []), 'bin/run-ts.mjs', 'bench/ledger/run.ts', '--proof-child', url, '--tree', String(TREE), '--proofs', String(PROOFS), '--root', root], { encoding: 'utf8' });
        process.stdout.write(child);
      }
    } finally {
      await drop();
    }
  }
  return result;
}

/** Random inclusion proofs on the tree of size TREE stored in `database`, by the named readers. */
async function measureProofs(kind: string, database: Database, root: Uint8Array, labels: readonly ('server reader' | 'no caches')[], note = ''): Promise<void> {
  const db = database.db;
  const readers = { 'server reader': () => proofReader(readDeps(db), TREE), 'no caches': () => tileHashReader(store.dbTileReader(db), { size: TREE }) };
  for (const label of labels) {
    const reader = readers[label]();
    const lat: number[] = [];
    let cpu0 = 0;
    let ticks0 = new Map<number, number>();
    for (let i = 0; i < PROOFS + 100; i++) {
      if (i === 100) {
        ticks0 = await backendTicks(database);
        cpu0 = clientCpu();
      }
      const idx = crypto.randomInt(TREE);
      const t0 = performance.now();
      const proof = await proveInclusion(idx, TREE, reader);
      const ms = performance.now() - t0;
      if (i >= 100) lat.push(ms); // the first 100 warm the connection (and the cache)
      if (i < 200 && !verifyInclusion(leafHash(encodeEntry(benchEntry(idx))), idx, TREE, proof, root)) throw new Error(`proof ${idx} does not verify`);
    }
    const cpuMs = ((clientCpu() - cpu0) * 1000) / PROOFS;
    const serverMs = (serverCpu(ticks0, await backendTicks(database)) * 1000) / PROOFS;
    lat.sort((a, b) => a - b);
    console.log(`proof ${kind} (${label}${note}): ${fmt(PROOFS)} inclusion proofs in a tree of ${fmt(TREE)}: p50 ${pct(lat, 0.5).toFixed(3)} ms, p99 ${pct(lat, 0.99).toFixed(3)} ms, max ${lat[lat.length - 1]!.toFixed(2)} ms; CPU per proof ${cpuMs.toFixed(3)} ms here + ${serverMs.toFixed(3)} ms in PostgreSQL`);
  }
}

// ---- 3. Go's tlog on the same tree ---------------------------------------------------------

function goTree(): { root: string; entriesPerSec: number; buildSeconds: number; proofP50Ms: number; proofP99Ms: number } | undefined {
  const bin = path.join(dir, 'tlog-bench');
  try {
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: path.join(import.meta.dirname, 'go'), env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode' }, stdio: 'inherit' });
  } catch {
    console.log('go: not built (needs golang-go and golang-golang-x-mod-dev); skipped');
    return undefined;
  }
  const out = JSON.parse(execFileSync(bin, ['-n', String(TREE), '-proofs', String(PROOFS)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  console.log(`tree go tlog: built ${fmt(TREE)} entries in ${out.buildSeconds.toFixed(2)} s = ${fmt(out.entriesPerSec)} entries/s (in memory); proofs p50 ${out.proofP50Ms.toFixed(4)} ms, p99 ${out.proofP99Ms.toFixed(4)} ms; root ${out.root}`);
  return out;
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const PROOF_CHILD = arg('proof-child');
if (PROOF_CHILD) {
  // The proof phase alone, in a process of its own, on a database that already holds the tree.
  const database = openPostgres(PROOF_CHILD, { max: 4 });
  try {
    await measureProofs('postgres', database, Buffer.from(arg('root')!, 'base64'), ['server reader'], ', fresh process');
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${load()}`);
try {
  if (!SKIP.has('integrate')) for (const kind of KINDS) await integration(kind);
  const ours = SKIP.has('tree') ? undefined : await tree(KINDS);
  const go = SKIP.has('go') ? undefined : goTree();
  if (ours && go) {
    console.log(`ratio: Go tlog builds the tree ${(go.entriesPerSec / ours.rate).toFixed(2)}× as fast as src/ledger (${fmt(go.entriesPerSec)} vs ${fmt(ours.rate)} entries/s); roots ${go.root === ours.root ? 'equal' : 'DIFFER'}`);
    if (go.root !== ours.root) process.exitCode = 1;
  }
  console.log(`load average at the end: ${load()}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
