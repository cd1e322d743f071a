// Public rating endpoint (POST /api/public/ratings) under load on PostgreSQL, and kill -9 durability.
//
//   node bin/run-ts.mjs bench/ratings/run.ts [--pg postgres://postgres@127.0.0.1:55432/postgres]
//        [--runs 3] [--duration 30] [--connections 64] [--bad-every 50] [--transactions 700000]
//        [--log-level warn] [--kill-after 8] [--no-kill] [--profile DIR] [--writers 2]
//
// A fresh database is created on the server; the demo province and enough completed transactions are
// written directly; then a real server process (`node bin/probity.mjs serve`) is started and loaded
// from autocannon on loopback, every request rating a different transaction code (one in `bad-every`
// a 差评, which opens a rectification in the same transaction). Each run reports throughput of
// acknowledged (201) ratings and latency percentiles; the median run is printed last. Then the kill
// check: load again, `kill -9` the server mid-run, restart it, and look up every rating id that was
// acknowledged before the kill.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuMark, cpuSince } from '../lib/cpu.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { keygen } from '../../src/ledger/note.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { insertManyTransactions } from '../../test/helpers/transactions.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const pgUrl = arg('pg', process.env.PROBITY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:55432/postgres')!;
const runs = Number(arg('runs', '3'));
const duration = Number(arg('duration', '30'));
const connections = Number(arg('connections', '64'));
const badEvery = Number(arg('bad-every', '50'));
const transactions = Number(arg('transactions', '700000'));
const logLevel = arg('log-level', 'warn')!;
const killAfter = Number(arg('kill-after', '8'));
const PORT = 18000 + Math.floor(Math.random() * 1000);
const UNIT = 'U99010201';
const PREFIX = 'BR';
const code = (n: number) => `${PREFIX}${String(n).padStart(7, '0')}`;

console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}`);

// ---- database ----------------------------------------------------------------------------------
const scratch = await createScratchDatabase(pgUrl, 'probity_bench_ratings');
const dbName = scratch.name;
const databaseUrl = scratch.url;
console.log(`database: PostgreSQL ${await scratch.setting('server_version')} (synchronous_commit=${await scratch.setting('synchronous_commit')}), fresh database ${dbName}`);

// On any failure: stop the server and drop the database, then report.
let serverForCleanup: ChildProcess | undefined;
const dropDatabase = () => scratch.drop();
process.on('uncaughtException', async (err) => {
  console.error(`bench failed: ${err.message}`);
  serverForCleanup?.kill('SIGKILL');
  await dropDatabase().catch(() => undefined);
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  throw err;
});

const dataKey = crypto.randomBytes(32).toString('base64');
{
  const t0 = performance.now();
  const database = openPostgres(databaseUrl);
  await migrateToLatest(database.db);
  await loadDemo({ db: database.db, cipher: new FieldCipher(Buffer.from(dataKey, 'base64')) }, { staff: 200, seed: 'bench' });
  await insertManyTransactions(database.db, { prefix: PREFIX, count: transactions, unitCode: UNIT, acceptedAt: new Date(Date.now() - 2 * 86_400_000) });
  await sql`analyze`.execute(database.db);
  await database.close();
  console.log(`setup: demo province + ${transactions} transactions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ---- server ------------------------------------------------------------------------------------
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-ratings-'));
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  PORT: String(PORT),
  HOST: '127.0.0.1',
  PROBITY_DATA_DIR: dataDir,
  PROBITY_DATA_KEY: dataKey,
  PROBITY_LEDGER_KEY: keygen('probity.local/ledger').signerKey,
  PROBITY_DEMO: 'off',
  PROBITY_PUBLIC_RATE_LIMIT: '100000000',
  PROBITY_DEFAULT_RATING_HOUR: 'off',
  ...(arg('writers') ? { PROBITY_RATING_WRITERS: arg('writers') } : {}),
  LOG_LEVEL: logLevel,
};
const base = `http://127.0.0.1:${PORT}`;

async function startServer(): Promise<ChildProcess> {
  // --profile DIR: the server writes a V8 CPU profile there when it stops (not with kill -9).
  const profile = arg('profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(arg('profile')!)}`] : [];
  const child = spawn(process.execPath, [...profile, 'bin/probity.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) return (serverForCleanup = child);
  }
  throw new Error('server did not become ready in 30 s');
}

// ---- load --------------------------------------------------------------------------------------
let next = 1;
interface Run { rated: number; seconds: number; perSecond: number; p50: number; p90: number; p99: number; max: number; errors: number; non2xx: number; acked: number[] }

function load(seconds: number, onStart?: (instance: autocannon.Instance) => void): Promise<Run> {
  const acked: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/public/ratings',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              const n = next++;
              if (n > transactions) throw new Error('ran out of transactions: raise --transactions');
              const level = n % badEvery === 0 ? 1 + (n % 2) : 3 + (n % 3);
              return { ...req, body: JSON.stringify({ transactionCode: code(n), level, comment: level <= 2 ? '等候时间过长' : undefined }) };
            },
            onResponse: (status, body) => {
              if (status === 201) acked.push(Number(/\d+/.exec(body)![0]));
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const secs = result.duration;
        resolve({
          rated: acked.length, seconds: secs, perSecond: acked.length / secs,
          p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max,
          errors: result.errors, non2xx: result.non2xx, acked,
        });
      },
    );
    onStart?.(instance);
  });
}

const fmt = (r: Run) =>
  `${r.perSecond.toFixed(0).padStart(6)} ratings/s  (${r.rated} acknowledged in ${r.seconds.toFixed(1)} s)  latency p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms  errors ${r.errors}, non-2xx ${r.non2xx}`;

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
async function stored(ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  return Number((await db.query('select count(*) from ratings where id = any($1::bigint[])', [ids])).rows[0].count);
}

let server = await startServer();
console.log(`server: node bin/probity.mjs serve on ${base} (LOG_LEVEL=${logLevel}); load: autocannon, ${connections} connections, ${duration} s per run, one 差评 in ${badEvery}`);
await load(3); // warm-up: JIT, connection pool, caches
const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const mark = cpuMark(server.pid!, dbName);
  const r = await load(duration);
  const cpu = cpuSince(server.pid!, dbName, mark, r.rated, 'rating');
  const inDb = await stored(r.acked);
  console.log(`run ${i + 1}: ${fmt(r)}; stored ${inDb}/${r.rated}\n       ${cpu}; load average ${os.loadavg()[0]!.toFixed(1)}`);
  if (inDb !== r.rated) throw new Error('an acknowledged rating is missing');
  results.push(r);
}
const median = [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]!;
console.log(`median: ${fmt(median)}`);
const rects = Number((await db.query('select count(*) from rectifications')).rows[0].count);
const bad = Number((await db.query('select count(*) from ratings where level <= 2')).rows[0].count);
console.log(`rectifications: ${rects} for ${bad} 差评 (exactly one each: ${rects === bad})`);

// ---- kill -9 -----------------------------------------------------------------------------------
if (!flag('no-kill')) {
  const killed = server;
  const r = await load(killAfter + 10, (instance) => {
    setTimeout(() => {
      killed.kill('SIGKILL');
      setTimeout(() => instance.stop(), 500);
    }, killAfter * 1000);
  });
  await new Promise((res) => (killed.exitCode !== null || killed.signalCode !== null ? res(null) : killed.once('exit', res)));
  console.log(`kill -9 after ${killAfter} s of load: ${r.rated} ratings acknowledged before the kill (${r.errors} requests cut off)`);
  server = await startServer();
  const found = await stored(r.acked);
  const total = Number((await db.query('select count(*) from ratings')).rows[0].count);
  console.log(`after restart: ${found}/${r.rated} acknowledged ratings stored; ${total} ratings in all`);
  if (found !== r.rated) throw new Error('an acknowledged rating was lost');
  const rectsAfter = Number((await db.query('select count(*) from rectifications')).rows[0].count);
  const badAfter = Number((await db.query('select count(*) from ratings where level <= 2')).rows[0].count);
  console.log(`rectifications after the kill: ${rectsAfter} for ${badAfter} 差评 (exactly one each: ${rectsAfter === badAfter})`);
}

server.kill('SIGTERM');
await new Promise((res) => server.once('exit', res));
await db.end();
await dropDatabase();
fs.rmSync(dataDir, { recursive: true, force: true });
