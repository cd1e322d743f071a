// The daily default-rating run (默认评价) on a big history: ROWS completed transactions over three
// years, every one rated except those of the last days, on PostgreSQL. Each round adds one day's
// transactions (completed 8 days before the round's "now") and moves "now" a day on, then times one
// run: a full one (every completed transaction looked at, as every run did before the mark of
// default-scan.ts) and a daily one (from the last run's mark), alternating. Prints each run and the
// medians; checks that each run rated exactly the day's transactions.
//
//   node bin/run-ts.mjs bench/ratings/default-run.ts [--pg postgres://…] [--rows 3000000] [--rounds 3]
import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { openPostgres } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { applyDefaultRatings } from '../../src/features/ratings/service.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { ensureSource } from '../../test/helpers/transactions.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const pgUrl = arg('pg', 'postgres://postgres@127.0.0.1:55432/postgres');
const rows = Number(arg('rows', '3000000'));
const rounds = Number(arg('rounds', '3'));
const DAY = 86_400_000;
const perDay = Math.round(rows / 1095);

const scratch = await createScratchDatabase(pgUrl, 'probity_bench_default');
const database = openPostgres(scratch.url);
const db = database.db;
try {
  await migrateToLatest(db);
  await loadDemo({ db, cipher: new FieldCipher(crypto.randomBytes(32)) }, { staff: 0, seed: 'bench' });
  const source = await ensureSource(db);
  let now = new Date(Date.UTC(2026, 10, 1));
  const start = now.getTime() - 1095 * DAY;
  const t0 = performance.now();
  // The history, written two hours "ago" (settled), every row rated.
  await sql`
    insert into service_transactions (source_id, external_id, transaction_code, unit_id, channel, status, accepted_at, completed_at, content_hash, created_at, updated_at)
    select ${source}::int, 'H' || g, 'H' || g, u.ids[1 + g % array_length(u.ids, 1)], 'window', 'completed',
      to_timestamp(${start / 1000}::float8 + (g::float8 / ${rows}) * ${(1095 - 8) * 86400}),
      to_timestamp(${start / 1000}::float8 + (g::float8 / ${rows}) * ${(1095 - 8) * 86400} + 86400), '\\x00'::bytea,
      now() - interval '2 hours', now() - interval '2 hours'
    from generate_series(1, ${rows}::int) g, (select array_agg(id order by id) as ids from units) u`.execute(db);
  await sql`
    insert into ratings (transaction_id, unit_id, level, channel, origin, rated_at)
    select id, unit_id, 4, 'per_matter', 'public', completed_at from service_transactions`.execute(db);
  await sql`vacuum analyze service_transactions`.execute(db);
  await sql`vacuum analyze ratings`.execute(db);
  console.log(`history: ${rows} completed transactions over 3 years, all rated, written in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${perDay} new a day`);
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; PostgreSQL ${(await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]!.v}`);
  // A first run leaves the mark (it finds nothing to rate).
  await applyDefaultRatings(db, now, { afterDays: 7, level: 3 });

  const times: Record<'full' | 'daily', number[]> = { full: [], daily: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['full', 'daily'] as const) {
      now = new Date(now.getTime() + DAY);
      const day = `R${round}${kind}`;
      await sql`
        insert into service_transactions (source_id, external_id, transaction_code, unit_id, channel, status, accepted_at, completed_at, content_hash, created_at, updated_at)
        select ${source}::int, ${day} || g, ${day} || g, u.ids[1 + g % array_length(u.ids, 1)], 'window', 'completed',
          ${new Date(now.getTime() - 9 * DAY)}::timestamptz, ${new Date(now.getTime() - 8 * DAY)}::timestamptz + g * interval '1 second', '\\x00'::bytea,
          now() - interval '2 hours', now() - interval '2 hours'
        from generate_series(1, ${perDay}::int) g, (select array_agg(id order by id) as ids from units) u`.execute(db);
      const started = performance.now();
      const { rated } = await applyDefaultRatings(db, now, { afterDays: 7, level: 3, full: kind === 'full' });
      const seconds = (performance.now() - started) / 1000;
      if (rated !== perDay) throw new Error(`${kind} run rated ${rated}, expected ${perDay}`);
      times[kind].push(seconds);
      console.log(`round ${round} ${kind.padEnd(5)} run: ${seconds.toFixed(3)} s, ${rated} rated (load average ${os.loadavg()[0]!.toFixed(1)})`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`median: full ${median(times.full).toFixed(3)} s, daily ${median(times.daily).toFixed(3)} s`);
} finally {
  await database.close();
  await scratch.drop();
}
