import crypto from 'node:crypto';
import { openPGlite, openPostgres } from '../src/db/connection.ts';
import pg from 'pg';
import fs from 'node:fs';
import { migrateToLatest } from '../src/db/migrate.ts';
import { EVIDENCE_SPECS } from '../src/features/ingest/kinds.ts';
import * as repo from '../src/features/ingest/repo.ts';
const spec = EVIDENCE_SPECS.transactions;
const mode = process.argv[2]!;
if (mode === 'insert') process.env.NOCOPY = '1';
const url = process.argv[3];
let pidOf: () => Promise<number[]> = async () => [];
let dbh;
if (url) {
  const admin = new pg.Client({ connectionString: url }); await admin.connect();
  const name = 'pglcopy_' + crypto.randomBytes(3).toString('hex');
  await admin.query(`create database ${name}`);
  const u = new URL(url); u.pathname = '/' + name;
  dbh = openPostgres(u.toString());
  pidOf = async () => (await admin.query('select pid from pg_stat_activity where datname = $1', [name])).rows.map((r) => r.pid);
} else dbh = await openPGlite();
const { db, close } = dbh;
const srv = async () => { let s = 0; for (const pid of await pidOf()) { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); s += (+x[11] + +x[12]) / 100; } return s; };
let server = 0;
await migrateToLatest(db);
const N = 100000, B = 5000;
const now = Date.UTC(2026, 0, 1);
let cpu = 0;
for (let b = 0; b < N / B; b++) {
  const rows: repo.EvidenceRow[] = [];
  for (let i = 0; i < B; i++) {
    const n = b * B + i;
    rows.push({ externalId: `B${String(n).padStart(9, '0')}`, hash: crypto.randomBytes(32).toString('hex'),
      values: [crypto.randomBytes(10).toString('hex').toUpperCase(), 1 + (n % 1400), 1 + (n % 580), n % 2 ? null : 1 + (n % 2000), 'window', n % 3 ? 'completed' : 'accepted', now - n * 60000, n % 3 ? now - n * 60000 + 86400000 : null, 5] });
  }
  const s0 = await srv();
  const t = process.cpuUsage();
  await db.transaction().execute(async (trx) => {
    await repo.insertExpectedNew(trx, spec, 1, rows, 7);
  });
  const u = process.cpuUsage(t);
  cpu += (u.user + u.system) / 1e6;
  server += (await srv()) - s0;
}
console.log(mode, cpu.toFixed(2), 's CPU client', server.toFixed(2), 'server for', N);
await close();
process.exit(0);
