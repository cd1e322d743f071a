// Unit metrics over a year of evidence: time of unitMetrics for every unit of the demo province, and
// for one county unit with its sub-units, on PostgreSQL.
//
//   node bin/run-ts.mjs bench/ratings/metrics.ts [--pg postgres://postgres@127.0.0.1:55432/postgres] [--transactions 1000000] [--keep]
//
// Transactions are spread over the units and over 2025, 90% of them rated (about 3% 差评, each with
// its rectification), written set-based in SQL; then the metrics are computed three times each.
import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { unitMetrics } from '../../src/features/ratings/metrics-service.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { ensureSource, NATIONAL_DAY_2025, seedCalendar } from '../../test/helpers/transactions.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const pgUrl = arg('pg', process.env.PROBITY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:55432/postgres')!;
const count = Number(arg('transactions', '1000000'));
console.log(`machine: ${os.cpus().length} cores; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const scratch = await createScratchDatabase(pgUrl, 'probity_bench_metrics');
const database = openPostgres(scratch.url);
const db = database.db;
try {
  let t0 = performance.now();
  await migrateToLatest(db);
  await loadDemo({ db, cipher: new FieldCipher(crypto.randomBytes(32)) }, { staff: 200, seed: 'bench' });
  await seedCalendar(db, NATIONAL_DAY_2025);
  const source = await ensureSource(db);
  await sql`
    insert into service_transactions (source_id, external_id, transaction_code, unit_id, channel, status, accepted_at, completed_at, promised_days, content_hash)
    select ${source}, 'M' || g, 'M' || g, u.ids[1 + g % cardinality(u.ids)], 'window', 'completed', a, a + make_interval(hours => (g % 200)), g % 11, sha256(convert_to('M' || g, 'UTF8'))
    from (select array_agg(id order by id) as ids from units) u
    cross join generate_series(1, ${count}) g
    cross join lateral (select timestamptz '2025-01-01 00:00+08' + make_interval(secs => ((g::bigint * 31535) % 31000000)::int) as a) t
  `.execute(db);
  await sql`
    insert into ratings (transaction_id, unit_id, level, channel, origin, rated_at)
    select s.id, s.unit_id, case when s.id % 33 = 0 then 1 + s.id % 2 else 3 + s.id % 3 end, 'per_matter', 'import', s.completed_at + interval '1 hour'
    from service_transactions s where s.id % 10 <> 0
  `.execute(db);
  await sql`
    insert into rectifications (rating_id, unit_id, status, outcome, finding, revisit_required, opened_at, stage_deadline, due_at, rectified_at, closed_at)
    select r.id, r.unit_id, case when r.id % 4 = 0 then 'rectifying' else 'closed' end, case when r.id % 4 = 0 then null else 'resolved' end, 'founded', false,
           r.rated_at, case when r.id % 4 = 0 then r.rated_at + interval '7 days' end, r.rated_at + interval '8 days',
           case when r.id % 4 = 0 then null else r.rated_at + interval '3 days' end, case when r.id % 4 = 0 then null else r.rated_at + interval '3 days' end
    from ratings r where r.level <= 2
  `.execute(db);
  await sql`analyze`.execute(db);
  const counts = await sql<{ t: number; r: number; k: number; u: number }>`select (select count(*) from service_transactions) t, (select count(*) from ratings) r, (select count(*) from rectifications) k, (select count(*) from units) u`.execute(db);
  console.log(`setup: ${JSON.stringify(counts.rows[0])} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const time = async (label: string, fn: () => Promise<unknown[]>) => {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      n = (await fn()).length;
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    console.log(`${label}: median ${times[1]!.toFixed(2)} s (runs ${times.map((x) => x.toFixed(2)).join(', ')}), ${n} unit(s)`);
  };
  const year = { from: '2025-01-01', to: '2026-01-01', minSample: 10 };
  await time('every unit, own evidence, 2025', () => unitMetrics(db, { ...year, includeSubUnits: false }));
  await time('every unit with its sub-units, 2025', () => unitMetrics(db, { ...year, includeSubUnits: true }));
  await time('one county unit with its sub-units, 2025', () => unitMetrics(db, { ...year, unitCode: 'U99010201' }));
  await time('one county unit, one month', () => unitMetrics(db, { from: '2025-10-01', to: '2025-11-01', minSample: 10, unitCode: 'U99010201' }));
} finally {
  await database.close();
  if (process.argv.includes('--keep')) {
    console.log(`kept database ${scratch.url}`);
    process.exit(0);
  }
  await scratch.drop();
}
