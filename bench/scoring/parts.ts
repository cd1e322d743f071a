// Times each counting statement and each event query of the metric library (both kinds of subject
// at once, as a scoring run asks) on a kept bench database, one at a time, so the slow ones show: node bin/run-ts.mjs bench/scoring/parts.ts --db NAME [--pg URL]
import os from 'node:os';
import { openPostgres } from '../../src/db/connection.ts';
import { EVENT_TYPES, parsePeriod } from '../../src/features/metrics/service.ts';
import * as repo from '../../src/features/metrics/repo.ts';
import { EVENT_QUERIES } from '../../src/features/metrics/events-repo.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = new URL(arg('pg', 'postgres://postgres@127.0.0.1:55432/postgres')!);
url.pathname = `/${arg('db')}`;
const database = openPostgres(url.toString());
const period = parsePeriod(arg('period', '2025')!);
const only = arg('only');
const counts = { transactions: repo.transactionCounts, ratings: repo.ratingCounts, rectifications: repo.rectificationCounts, hotline: repo.hotlineCounts, proposals: repo.proposalCounts, training: repo.trainingCounts, cases: repo.caseCounts };
const scan: repo.Scan = { period, kinds: ['staff', 'unit'], only: null };
try {
  for (const [name, q] of Object.entries(counts)) {
    if (only && !name.includes(only)) continue;
    const t0 = performance.now();
    const m = await repo.withoutJit(database.db, (trx) => q(trx, scan));
    console.log(`counts ${name}: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${m.staff.size} staff, ${m.unit.size} units`);
  }
  for (const type of Object.keys(EVENT_TYPES)) {
    if (only && !type.includes(only)) continue;
    const t0 = performance.now();
    const rows = await EVENT_QUERIES[type]!(database.db, scan, new Date());
    console.log(`events ${type}: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${rows.length} events`);
  }
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await database.close();
}
