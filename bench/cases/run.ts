// Complaints on PostgreSQL: (1) the handler's queue query with --cases stored (default 1,000,000), and
// (2) public submission without attachments (POST /api/public/cases, multipart) at a fixed --rate.
//
//   node bin/run-ts.mjs bench/cases/run.ts [--pg postgres://postgres@127.0.0.1:55432/postgres]
//        [--cases 1000000] [--rate 500] [--duration 20] [--connections 50] [--queries 30] [--no-http]
//
// A fresh database is created on the server, migrated, the demo province loaded and the cases written
// directly with one INSERT … SELECT (spread over every unit, mixed statuses and deadlines). The queue
// query is the one GET /api/cases runs (repo.listCases: first page of 50 by nearest deadline, with its
// total) for a unit head (one unit) and for a provincial inspector (every unit), timed --queries times
// each; medians and p95 are printed. Then a real server process is started and autocannon sends
// --rate requests per second for --duration seconds.
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
import type { Scope } from '../../src/features/auth/principal.ts';
import * as repo from '../../src/features/cases/repo.ts';
import { keygen } from '../../src/ledger/note.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { multipartBody } from '../../test/helpers/multipart.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const pgUrl = arg('pg', process.env.PROBITY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:55432/postgres');
const CASES = Number(arg('cases', '1000000'));
const RATE = Number(arg('rate', '500'));
const DURATION = Number(arg('duration', '20'));
const CONNECTIONS = Number(arg('connections', '50'));
const QUERIES = Number(arg('queries', '30'));
const PORT = 19000 + Math.floor(Math.random() * 1000);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(', ');

console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${load()}`);
const scratch = await createScratchDatabase(pgUrl, 'probity_bench_cases');
console.log(`database: PostgreSQL ${await scratch.setting('server_version')}, fresh database ${scratch.name}`);
const databaseUrl = scratch.url;
let server: ChildProcess | undefined;
async function cleanup() {
  server?.kill('SIGKILL');
  await scratch.drop();
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;
const dataKey = crypto.randomBytes(32).toString('base64');
try {
  const database = openPostgres(databaseUrl);
  const { db } = database;
  await migrateToLatest(db);
  await loadDemo({ db, cipher: new FieldCipher(Buffer.from(dataKey, 'base64')) }, { staff: 200, seed: 'bench' });
  let t0 = performance.now();
  // Statuses: 60% finished (no running clock), the rest open with deadlines from 30 days ago to 60 days ahead.
  await sql`
    insert into cases (channel, status, text, category, classifier_category, unit_id, submitted_at, first_response_due, first_responded_at, due_at, deadline)
    select 'web',
           (array['closed','closed','resolved','rejected','closed','resolved','submitted','accepted','investigating','extended'])[(1 + g % 10)::int],
           '第' || g || '号投诉：窗口工作人员态度冷漠，办事来回跑',
           (array['indifference','buck_passing','extortion','inaction','selective_enforcement','data_fraud','formalism','other'])[(1 + g % 8)::int],
           'other',
           u.ids[(1 + (g * 7919) % array_length(u.ids, 1))::int],
           s.at, s.at + interval '24 hours', s.at + interval '2 hours', s.at + interval '15 days',
           case when g % 10 >= 6 then now() + make_interval(mins => (((g * 104729) % 129600) - 43200)::int) end
      from generate_series(1, ${CASES}::bigint) g
      cross join (select array_agg(id order by id) ids from units) u
      cross join lateral (select now() - make_interval(mins => ((g * 31337) % 525600)::int) as at) s`.execute(db);
  // What autovacuum does after a bulk insert (PostgreSQL 13+ vacuums on inserts too): the visibility
  // map lets the counts read the deadline index alone, as they would on a running system.
  await sql`vacuum analyze`.execute(db);
  console.log(`setup: ${CASES} cases inserted, vacuumed and analysed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const units = await db.selectFrom('users as us').innerJoin('units as u', 'u.id', 'us.scope_unit_id').select(['u.id', 'u.path']).where('us.username', '=', 'unit_head').executeTakeFirstOrThrow();
  const region = await db.selectFrom('users as us').innerJoin('regions as r', 'r.id', 'us.scope_region_id').select(['r.id', 'r.path']).where('us.username', '=', 'inspector').executeTakeFirstOrThrow();
  const scopes: [string, Scope][] = [
    ['unit head (one unit subtree)', { kind: 'unit', unitId: units.id, path: units.path }],
    ['inspector (whole province)', { kind: 'region', regionId: region.id, path: region.path }],
  ];
  const inScope = Number((await sql<{ n: string }>`select count(*) n from cases c join units u on u.id = c.unit_id where u.path like ${units.path + '%'}`.execute(db)).rows[0]!.n);
  console.log(`queue query (GET /api/cases: 50 open cases by nearest deadline + total), ${QUERIES} times each; the unit head's subtree holds ${inScope} cases`);
  for (const [name, scope] of scopes) {
    for (const [label, filter] of [['open cases', { open: true }], ['overdue', { overdue: true }]] as const) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < QUERIES; i++) {
        t0 = performance.now();
        const r = await repo.listCases(db, scope, { ...filter, page: 1, pageSize: 50 }, { column: 'c.deadline', direction: 'asc' }, new Date());
        times.push(performance.now() - t0);
        total = r.total;
      }
      console.log(`  ${name}, ${label}: median ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms (total ${total}); load average ${load()}`);
    }
  }
  await database.close();

  if (!process.argv.includes('--no-http')) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-cases-'));
    const base = `http://127.0.0.1:${PORT}`;
    // --profile DIR: the server writes a V8 CPU profile there when it stops.
    const profile = process.argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(arg('profile', '.'))}`] : [];
    server = spawn(process.execPath, [...profile, 'bin/probity.mjs', 'serve'], {
      env: {
        ...process.env, DATABASE_URL: databaseUrl, PORT: String(PORT), HOST: '127.0.0.1', PROBITY_DATA_DIR: dataDir, PROBITY_DATA_KEY: dataKey,
        PROBITY_LEDGER_KEY: keygen('probity.local/ledger').signerKey, PROBITY_DEMO: 'off', PROBITY_PUBLIC_CASE_RATE_LIMIT: '1000000',
        PROBITY_CASE_CLOCK_MINUTES: 'off', PROBITY_DEFAULT_RATING_HOUR: 'off', LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 600 || server.exitCode !== null) throw new Error('server did not start');
    }
    const { payload, headers } = multipartBody({ text: '临溪区政务服务中心三号窗口工作人员上班时间玩手机，群众排队很久无人办理', subjectUnitCode: 'U99010201', lat: '30.25', long: '120.17' });
    const shoot = (seconds: number) => new Promise<autocannon.Result>((resolve, reject) => {
      autocannon({ url: `${base}/api/public/cases`, method: 'POST', headers, body: payload, connections: CONNECTIONS, overallRate: RATE, duration: seconds }, (err, r) => (err ? reject(err) : resolve(r)));
    });
    await shoot(3);
    const mark = cpuMark(server.pid!, scratch.name);
    const r = await shoot(DURATION);
    const cpu = cpuSince(server.pid!, scratch.name, mark, r.requests.total, 'submission');
    if (profile.length) {
      server.kill('SIGINT');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    const stored = Number((await (async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      const n = (await c.query("select count(*) from cases where channel = 'web' and receipt_hash is not null")).rows[0].count;
      await c.end();
      return n;
    })()));
    console.log(`POST /api/public/cases (no attachments) at ${RATE}/s for ${DURATION} s, ${CONNECTIONS} connections: ${(r.requests.total / r.duration).toFixed(0)} req/s done, ` +
      `2xx ${r['2xx']}, non-2xx ${r.non2xx}, errors ${r.errors}; latency p50 ${r.latency.p50} ms, p90 ${r.latency.p90} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
      `${stored} reports stored in all; load average ${load()}\n  ${cpu}`);
  }
} finally {
  await cleanup();
}
