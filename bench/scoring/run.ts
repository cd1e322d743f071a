// The metric library at province scale on PostgreSQL, and the same aggregation in DuckDB.
//
//   node bin/run-ts.mjs bench/scoring/run.ts [--pg postgres://postgres@127.0.0.1:55432/postgres]
//        [--staff 100000] [--transactions 10000000] [--ratings 10000000] [--keep] [--no-duckdb] [--reuse DBNAME]
//
// --reuse DBNAME skips steps 1's creation and loading and measures a database kept by --keep (it is kept again).
//
// 1. A fresh database: the demo province's units, `--staff` people and a year (2025) of evidence
//    written set-based in SQL (generate_series): transactions spread over the people (each in its
//    person's unit), one rating per transaction for the first `--ratings` of them (about 3% 差评, each
//    with its rectification), 12345 tickets, training records and proposals.
// 2. PostgreSQL: the whole scoring run of 2025 with the default framework, as `probity score` does it
//    (evidence gathered for staff and units, scored, ranked, stored), timed by phase; then the three
//    big counting statements on their own.
// 3. DuckDB (@duckdb/node-api, in memory): the tables exported from PostgreSQL (COPY to CSV), loaded,
//    and the same counting SQL (transactions, ratings, rectifications, per staff and per unit) timed;
//    the ratio PostgreSQL / DuckDB of that part is printed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql } from 'kysely';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { parsePeriod, type SubjectKind } from '../../src/features/metrics/service.ts';
import { OPERATOR } from '../../src/features/scoring/cli.ts';
import { metricLibraryProvider } from '../../src/features/scoring/inputs.ts';
import { computeRun } from '../../src/features/scoring/runs.ts';
import * as repo from '../../src/features/metrics/repo.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { ensureSource, NATIONAL_DAY_2025, seedCalendar } from '../../test/helpers/transactions.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const pgUrl = arg('pg', process.env.PROBITY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:55432/postgres')!;
const staffCount = Number(arg('staff', '100000'));
const txCount = Number(arg('transactions', '10000000'));
const ratingCount = Math.min(txCount, Number(arg('ratings', '10000000')));
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version} ${[...process.execArgv, process.env.NODE_OPTIONS ?? ''].filter((a) => a.includes('semi-space')).join(' ') || '(default young generation)'}; load average ${load()}`);

const reuse = arg('reuse');
const scratch = reuse ? null : await createScratchDatabase(pgUrl, 'probity_bench_scoring');
const dbName = scratch?.name ?? reuse!;
const url = new URL(pgUrl);
url.pathname = `/${dbName}`;
const database = openPostgres(url.toString());
const db = database.db;
const year = parsePeriod('2025');
const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-scoring-'));
fs.chmodSync(exportDir, 0o777);
try {
  let t0 = performance.now();
  if (!reuse) {
  await migrateToLatest(db);
  await loadDemo({ db, cipher: new FieldCipher(crypto.randomBytes(32)) }, { staff: 0, seed: 'bench' });
  await seedCalendar(db, NATIONAL_DAY_2025);
  const source = await ensureSource(db);
  console.log(`schema and demo units: ${secs(t0)} s`);
  // Bulk load: foreign-key triggers off for this session (the rows are consistent by construction).
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    t0 = performance.now();
    await sql`
      insert into staff (code, name, unit_id, position, level, status, content_hmac)
      select 'BS' || lpad(g::text, 7, '0'), '测试' || g, u.ids[1 + g % cardinality(u.ids)], '科员',
             case when g % 10 = 0 then 'leader' else 'base' end, case when g % 50 = 0 then 'departed' else 'active' end, sha256(convert_to('BS' || g, 'UTF8'))
      from (select array_agg(id order by id) as ids from units) u cross join generate_series(1, ${staffCount}) g`.execute(c);
    console.log(`staff: ${staffCount} in ${secs(t0)} s (load ${load()})`);
    t0 = performance.now();
    // Transaction g: handler = staff (g mod n), its unit; accepted during 2025, done after 0–199 hours;
    // promised 0–10 working days.
    await sql`
      insert into service_transactions (source_id, external_id, transaction_code, unit_id, handler_staff_id, channel, status, accepted_at, completed_at, promised_days, content_hash)
      select ${source}, 'B' || g, 'B' || g, s.unit_ids[1 + g % cardinality(s.ids)], s.ids[1 + g % cardinality(s.ids)], 'window', 'completed',
             a, a + make_interval(hours => (g % 200)::int), (g % 11)::int, '\\x00'::bytea
      from (select array_agg(id order by id) as ids, array_agg(unit_id order by id) as unit_ids from staff) s
      cross join generate_series(1, ${txCount}) g
      cross join lateral (select timestamptz '2025-01-01 00:00+08' + make_interval(secs => ((g::bigint * 31535) % 31000000)::int) as a) t`.execute(c);
    console.log(`transactions: ${txCount} in ${secs(t0)} s (load ${load()})`);
    t0 = performance.now();
    await sql`
      insert into ratings (transaction_id, unit_id, handler_staff_id, level, channel, origin, rated_at)
      select s.id, s.unit_id, s.handler_staff_id, case when s.id % 33 = 0 then 1 + s.id % 2 else 3 + s.id % 3 end, 'per_matter', 'import', s.completed_at + interval '1 hour'
      from service_transactions s where s.id <= ${ratingCount}`.execute(c);
    await sql`
      insert into rectifications (rating_id, unit_id, status, outcome, finding, revisit_required, opened_at, stage_deadline, due_at, rectified_at, closed_at)
      select r.id, r.unit_id, case when r.id % 4 = 0 then 'rectifying' else 'closed' end, case when r.id % 4 = 0 then null else 'resolved' end, 'founded', false,
             r.rated_at, case when r.id % 4 = 0 then r.rated_at + interval '7 days' end, r.rated_at + interval '8 days',
             case when r.id % 4 = 0 then null else r.rated_at + interval '3 days' end, case when r.id % 4 = 0 then null else r.rated_at + interval '3 days' end
      from ratings r where r.level <= 2`.execute(c);
    console.log(`ratings and rectifications: ${ratingCount} in ${secs(t0)} s (load ${load()})`);
    t0 = performance.now();
    const tickets = Math.round(txCount / 10);
    await sql`
      insert into hotline_tickets (source_id, external_id, unit_id, received_at, responded_at, resolved_at, content_hash)
      select ${source}, 'H' || g, u.ids[1 + g % cardinality(u.ids)], a, a + make_interval(hours => (g % 30)::int), case when g % 7 = 0 then null else a + interval '5 days' end, '\\x00'::bytea
      from (select array_agg(id order by id) as ids from units) u cross join generate_series(1, ${tickets}) g
      cross join lateral (select timestamptz '2025-01-01 00:00+08' + make_interval(secs => ((g::bigint * 7919) % 31000000)::int) as a) t`.execute(c);
    await sql`
      insert into training_records (source_id, external_id, staff_id, course, hours, completed_on, content_hash)
      select ${source}, 'T' || g, s.ids[1 + g % cardinality(s.ids)], '课程' || (g % 40), 1 + g % 8, date '2025-01-01' + (g % 365), '\\x00'::bytea
      from (select array_agg(id order by id) as ids from staff) s cross join generate_series(1, ${staffCount * 3}) g`.execute(c);
    await sql`
      insert into proposals (source_id, external_id, kind, unit_id, received_on, due_on, answered_on, content_hash)
      select ${source}, 'P' || g, case when g % 2 = 0 then 'npc' else 'cppcc' end, u.ids[1 + g % cardinality(u.ids)], date '2025-01-01' + (g % 300),
             date '2025-01-01' + (g % 300) + 60, case when g % 9 = 0 then null else date '2025-01-01' + (g % 300) + 40 + g % 30 end, '\\x00'::bytea
      from (select array_agg(id order by id) as ids from units) u cross join generate_series(1, 20000) g`.execute(c);
    console.log(`hotline ${tickets}, training ${staffCount * 3}, proposals 20000 in ${secs(t0)} s`);
  });
  t0 = performance.now();
  await sql`vacuum analyze`.execute(db);
  }
  const counts = (await sql<Record<string, string>>`select (select count(*) from staff) staff, (select count(*) from units) units, (select count(*) from service_transactions) transactions,
    (select count(*) from ratings) ratings, (select count(*) from rectifications) rectifications`.execute(db)).rows[0];
  console.log(`${reuse ? `reusing ${reuse}` : `vacuum analyze ${secs(t0)} s`}; ${JSON.stringify(counts)}`);

  // ---- PostgreSQL: the whole scoring run ---------------------------------------------------------
  // Exactly what `probity score --period 2025` does: the default framework (published by the demo),
  // every staff member and unit, evidence gathered, scored, ranked and stored with its breakdowns.
  let evidenceDone = 0;
  const runStart = performance.now();
  const { run } = await computeRun({ db, provider: metricLibraryProvider }, OPERATOR, { period: '2025' }, (phase, done, total) => {
    if (phase === 'evidence' && done === total) evidenceDone = performance.now();
  });
  const runSecs = (performance.now() - runStart) / 1000;
  const evidenceSecs = (evidenceDone - runStart) / 1000;
  console.log(`postgres scoring run (probity score --period 2025): ${runSecs.toFixed(2)} s for ${run.subjectCount} subjects (evidence ${evidenceSecs.toFixed(2)} s, scoring and storing ${(runSecs - evidenceSecs).toFixed(2)} s) (load ${load()}) — goal ≤ 60 s`);

  // The part compared with DuckDB: the three big counting statements, each serving both kinds.
  let pgCore = 0;
  const pgCounts = new Map<string, repo.ByKind>();
  const scan: repo.Scan = { period: year, kinds: ['staff', 'unit'], only: null };
  for (const [name, q] of [['transactions', repo.transactionCounts], ['ratings', repo.ratingCounts], ['rectifications', repo.rectificationCounts]] as const) {
    const start = performance.now();
    const m = await repo.withoutJit(db, (trx) => q(trx, scan));
    const s = (performance.now() - start) / 1000;
    pgCore += s;
    pgCounts.set(name, m);
    console.log(`postgres ${name} counts, staff and units in one statement: ${s.toFixed(2)} s, ${m.staff.size} staff, ${m.unit.size} units`);
  }

  // ---- DuckDB: the same counting ----------------------------------------------------------------
  if (!process.argv.includes('--no-duckdb')) {
    t0 = performance.now();
    const copy = async (name: string, query: string) => {
      const file = path.join(exportDir, `${name}.csv`);
      await sql.raw(`copy (${query}) to '${file}' with (format csv, header true)`).execute(db);
      return file;
    };
    const utc = (c: string) => `to_char(${c} at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;
    const files = {
      tx: await copy('tx', `select id, unit_id, handler_staff_id, status, ${utc('accepted_at')} as accepted_at, ${utc('completed_at')} as completed_at, promised_days from service_transactions`),
      ratings: await copy('ratings', `select id, transaction_id, unit_id, handler_staff_id, level, excluded, ${utc('rated_at')} as rated_at from ratings`),
      rect: await copy('rect', `select id, rating_id, unit_id, ${utc('due_at')} as due_at, ${utc('closed_at')} as closed_at from rectifications`),
      days: await copy('days', `select d::date as day, is_working_day(d::date) as working from generate_series(date '2024-01-01', date '2026-12-31', interval '1 day') d`),
    };
    console.log(`export to CSV: ${secs(t0)} s`);
    t0 = performance.now();
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    await duck.run(`create table service_transactions as select * from read_csv('${files.tx}', header = true, columns = {'id': 'BIGINT', 'unit_id': 'INTEGER', 'handler_staff_id': 'INTEGER', 'status': 'VARCHAR', 'accepted_at': 'TIMESTAMP', 'completed_at': 'TIMESTAMP', 'promised_days': 'INTEGER'})`);
    await duck.run(`create table ratings as select * from read_csv('${files.ratings}', header = true, columns = {'id': 'BIGINT', 'transaction_id': 'BIGINT', 'unit_id': 'INTEGER', 'handler_staff_id': 'INTEGER', 'level': 'INTEGER', 'excluded': 'BOOLEAN', 'rated_at': 'TIMESTAMP'})`);
    await duck.run(`create table rectifications as select * from read_csv('${files.rect}', header = true, columns = {'id': 'BIGINT', 'rating_id': 'BIGINT', 'unit_id': 'INTEGER', 'due_at': 'TIMESTAMP', 'closed_at': 'TIMESTAMP'})`);
    await duck.run(`create table days as select day, sum(case when working then 1 else 0 end) over (order by day) as ord from read_csv('${files.days}', header = true, columns = {'day': 'DATE', 'working': 'BOOLEAN'})`);
    console.log(`duckdb load: ${secs(t0)} s`);
    const from = `timestamp '2024-12-31 16:00:00'`;
    const to = `timestamp '2025-12-31 16:00:00'`;
    const bjDate = (c: string) => `cast(${c} + interval 8 hour as date)`;
    // The same statements as PostgreSQL's: grouped by (person, unit), summed into each kind afterwards.
    const duckQueries = {
      transactions: `
        with tx as (select t.handler_staff_id as staff_id, t.unit_id, t.promised_days, ${bjDate('t.accepted_at')} as a, ${bjDate('t.completed_at')} as b
                    from service_transactions t where t.status = 'completed' and t.completed_at >= ${from} and t.completed_at < ${to}
                      and t.promised_days is not null)
        select tx.staff_id, tx.unit_id, count(*) as completed,
          count(*) filter (where case when tx.promised_days = 0 then tx.b <= tx.a else bm.ord - da.ord < tx.promised_days end) as on_time,
          sum(db.ord - da.ord) as days_sum, sum(tx.promised_days) as promised_sum
        from tx join days da on da.day = tx.a join days db on db.day = tx.b join days bm on bm.day = tx.b - 1
        group by tx.staff_id, tx.unit_id`,
      ratings: `
        select g.handler_staff_id as staff_id, g.unit_id, count(*) as ratings, count(*) filter (where g.level <= 2) as bad, sum(25 * (g.level - 1)) as satisfaction_sum
        from ratings g where not g.excluded and g.rated_at >= ${from} and g.rated_at < ${to} group by 1, 2`,
      rectifications: `
        select g.handler_staff_id as staff_id, k.unit_id,
          count(*) filter (where (k.closed_at is not null and k.closed_at < ${to}) or k.due_at < ${to}) as due,
          count(*) filter (where k.closed_at is not null and k.closed_at < ${to}) as rectified
        from rectifications k join ratings g on g.id = k.rating_id
        where not g.excluded and g.rated_at >= ${from} and g.rated_at < ${to} group by 1, 2`,
    };
    const rollUp = (rows: Record<string, unknown>[], kind: SubjectKind) => {
      const out = new Map<number, Record<string, number>>();
      for (const r of rows) {
        const id = r[kind === 'staff' ? 'staff_id' : 'unit_id'];
        if (id === null || id === undefined) continue;
        const acc = out.get(Number(id)) ?? {};
        for (const [k, v] of Object.entries(r)) if (k !== 'staff_id' && k !== 'unit_id') acc[k] = (acc[k] ?? 0) + Number(v ?? 0);
        out.set(Number(id), acc);
      }
      return out;
    };
    let duckCore = 0;
    let checked = 0;
    for (const [name, query] of Object.entries(duckQueries)) {
      const start = performance.now();
      const result = await duck.runAndReadAll(query);
      const s = (performance.now() - start) / 1000;
      duckCore += s;
      const rows = result.getRowObjectsJS() as Record<string, unknown>[];
      console.log(`duckdb ${name} counts, staff and units in one statement: ${s.toFixed(2)} s, ${rows.length} (person, unit) pairs`);
      // The same numbers as PostgreSQL (a sample of subjects of each kind, every column).
      for (const kind of ['staff', 'unit'] as const) {
        const pgRows = pgCounts.get(name)![kind];
        for (const [id, row] of [...rollUp(rows, kind)].slice(0, 200)) {
          const mine = pgRows.get(id);
          for (const [k, v] of Object.entries(row)) {
            if (!mine || Number(mine[k]) !== v) throw new Error(`duckdb and postgres differ: ${name} ${kind} ${id} ${k}: ${v} vs ${mine?.[k]}`);
          }
          checked++;
        }
      }
    }
    console.log(`duckdb and postgres agree on ${checked} sampled subjects' counts`);
    console.log(`counting (transactions + ratings + rectifications, staff + units): postgres ${pgCore.toFixed(2)} s, duckdb ${duckCore.toFixed(2)} s — ratio postgres/duckdb ${(pgCore / duckCore).toFixed(1)}×`);
  }
  console.log(`load average at the end: ${load()}`);
} finally {
  fs.rmSync(exportDir, { recursive: true, force: true });
  await database.close();
  if (scratch && !process.argv.includes('--keep')) await scratch.drop();
  else {
    console.log(`kept database ${dbName}`);
    process.exit(0);
  }
}
