// Working-day maths: the TypeScript functions on the in-memory calendar, and the SQL functions and
// the calendar_ordinals view over 1,000,000 (accepted, completed) pairs, on PGlite and PostgreSQL.
//
//   node bin/run-ts.mjs bench/calendar/run.ts [--rows 1000000] [--pg postgres://postgres@127.0.0.1:55432/postgres]
//
// Without --pg only PGlite is measured. With --pg a fresh database is created (and dropped) on that server.
import os from 'node:os';
import { sql } from 'kysely';
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadCalendar, loadDefaultCalendar } from '../../src/features/calendar/service.ts';
import { addWorkingDays, workingDaysBetween } from '../../src/features/calendar/working-days.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '1000000'));
const pgUrl = arg('pg');
console.log(`machine: ${os.cpus().length} cores; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const ms = (t0: number) => performance.now() - t0;

async function run(label: string, database: Database) {
  const db = database.db;
  console.log(`\n== ${label}`);
  await migrateToLatest(db);
  let t0 = performance.now();
  await loadDefaultCalendar(db);
  console.log(`loadDefaultCalendar (bundled 2025–2026 file, fresh database): ${ms(t0).toFixed(0)} ms`);
  t0 = performance.now();
  const cal = await loadCalendar(db);
  console.log(`loadCalendar, cold: ${ms(t0).toFixed(1)} ms`);

  const base = Date.UTC(2025, 0, 1);
  const n = 1_000_000;
  let sink = 0;
  t0 = performance.now();
  for (let i = 0; i < n; i++) sink += addWorkingDays(cal, new Date(base + (i % 600) * 86_400_000 + i), 1 + (i % 15)).getTime() & 1;
  console.log(`TS addWorkingDays (n 1–15): ${(n / ms(t0) / 1000).toFixed(2)} M calls/s`);
  t0 = performance.now();
  for (let i = 0; i < n; i++) sink += workingDaysBetween(cal, new Date(base + (i % 600) * 86_400_000), new Date(base + (i % 600 + (i % 20)) * 86_400_000));
  console.log(`TS workingDaysBetween (spans 0–19 days): ${(n / ms(t0) / 1000).toFixed(2)} M calls/s`);

  await sql`create table bench_pairs as
    select timestamptz '2025-01-01 09:00+08' + (g % 600) * interval '1 day' + (g % 97) * interval '7 minutes' as a,
           timestamptz '2025-01-01 09:00+08' + (g % 600 + g % 20) * interval '1 day' + interval '3 hours' as b,
           1 + g % 15 as n
    from generate_series(1, ${rows}) g`.execute(db);
  await sql`analyze bench_pairs`.execute(db);
  t0 = performance.now();
  const fn = await sql<{ s: number }>`select sum(working_days_between(a, b))::bigint as s from bench_pairs`.execute(db);
  const tFn = ms(t0);
  t0 = performance.now();
  const view = await sql<{ s: number }>`select sum(ob.ordinal - oa.ordinal)::bigint as s from bench_pairs p
    join calendar_ordinals oa on oa.day = shanghai_date(p.a) join calendar_ordinals ob on ob.day = shanghai_date(p.b)`.execute(db);
  const tView = ms(t0);
  if (Number(fn.rows[0]!.s) !== Number(view.rows[0]!.s)) throw new Error(`function and view disagree: ${fn.rows[0]!.s} vs ${view.rows[0]!.s}`);
  console.log(`SQL sum(working_days_between(a, b)) over ${rows} rows: ${(tFn / 1000).toFixed(2)} s (${((tFn * 1000) / rows).toFixed(1)} µs/row)`);
  console.log(`SQL same sum by joining calendar_ordinals twice: ${(tView / 1000).toFixed(2)} s (${((tView * 1000) / rows).toFixed(1)} µs/row)`);
  const k = Math.min(rows, 100_000);
  t0 = performance.now();
  await sql`select count(add_working_days(a, n)) from (select a, n from bench_pairs limit ${k}) p`.execute(db);
  console.log(`SQL add_working_days(a, 1–15) over ${k} rows: ${(ms(t0) / 1000).toFixed(2)} s (${((ms(t0) * 1000) / k).toFixed(1)} µs/call)`);
  if (sink === -1) console.log('');
}

const lite = await openPGlite();
try {
  await run('PGlite (in memory)', lite);
} finally {
  await lite.close();
}

if (pgUrl) {
  const scratch = await createScratchDatabase(pgUrl, 'probity_bench_calendar');
  const database = openPostgres(scratch.url);
  try {
    await run('PostgreSQL', database);
  } finally {
    await database.close();
    await scratch.drop();
  }
}
