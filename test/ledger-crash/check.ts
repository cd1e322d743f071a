// Database side of the kill -9 test (run.sh):
//
//   check.ts create-db BASE_URL          create a fresh database on that server, print its URL
//   check.ts drop-db URL                 drop the database named in URL
//   check.ts wait-drained URL            wait until no ledger entry is pending
//   check.ts check URL ACKED_FILE        every acknowledged unit is in the log exactly once, every
//                                        committed test unit too (acknowledged or not), no entry is
//                                        pending, indices are dense and the state's size matches
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';

const [cmd, url, file] = process.argv.slice(2);

async function withClient<T>(connectionString: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  if (!url) throw new Error('give a PostgreSQL URL');
  switch (cmd) {
    case 'create-db': {
      const name = `probity_crash_${crypto.randomBytes(4).toString('hex')}`;
      await withClient(url, (c) => c.query(`create database ${name}`));
      const u = new URL(url);
      u.pathname = `/${name}`;
      console.log(u.toString());
      return;
    }
    case 'drop-db': {
      const u = new URL(url);
      const name = u.pathname.slice(1);
      if (!/^probity_crash_[0-9a-f]{8}$/.test(name)) throw new Error(`refusing to drop ${name}`);
      u.pathname = '/postgres';
      await withClient(u.toString(), (c) => c.query(`drop database if exists ${name} with (force)`));
      return;
    }
    case 'wait-drained': {
      const until = Date.now() + 120_000;
      await withClient(url, async (c) => {
        while (Date.now() < until) {
          const r = await c.query('select count(*)::int as n from ledger_pending');
          if (r.rows[0].n === 0) return;
          await new Promise((res) => setTimeout(res, 200));
        }
        throw new Error('entries are still pending after 2 minutes');
      });
      return;
    }
    case 'check': {
      const acked = fs.readFileSync(file!, 'utf8').split('\n').filter(Boolean);
      const problems: string[] = [];
      await withClient(url, async (c) => {
        const state = (await c.query('select size::int as size from ledger_state')).rows[0].size as number;
        const stats = (await c.query('select count(*)::int as n, min(idx)::int as min, max(idx)::int as max from ledger_log')).rows[0];
        if (stats.n !== state || stats.min !== 0 || stats.max !== state - 1) problems.push(`indices not dense: ${stats.n} entries, ${stats.min}…${stats.max}, state size ${state}`);
        const pending = (await c.query('select count(*)::int as n from ledger_pending')).rows[0].n as number;
        if (pending) problems.push(`${pending} entries still pending`);
        const counts = new Map<string, number>();
        for (const r of (await c.query(`select record_id, count(*)::int as n from ledger_log where record_type = 'unit' and record_id like 'KC%' group by record_id`)).rows) counts.set(r.record_id, r.n);
        const missing = acked.filter((code) => !counts.has(code));
        if (missing.length) problems.push(`${missing.length} acknowledged units are not in the log, e.g. ${missing.slice(0, 5).join(', ')}`);
        const twice = [...counts].filter(([, n]) => n !== 1);
        if (twice.length) problems.push(`${twice.length} units are in the log more than once, e.g. ${twice.slice(0, 5).map(([k]) => k).join(', ')}`);
        const rows = new Set((await c.query(`select code from units where code like 'KC%'`)).rows.map((r) => r.code as string));
        const lostRows = acked.filter((code) => !rows.has(code));
        if (lostRows.length) problems.push(`${lostRows.length} acknowledged units are missing from the units table`);
        const unlogged = [...rows].filter((code) => !counts.has(code));
        if (unlogged.length) problems.push(`${unlogged.length} committed units have no entry, e.g. ${unlogged.slice(0, 5).join(', ')}`);
        const inFlight = rows.size - acked.length;
        if (problems.length) throw new Error(problems.join('; '));
        console.log(`OK ${acked.length} acknowledged units (and ${inFlight} committed but unacknowledged when the server died) are each in the log exactly once; ${state} entries, indices 0…${state - 1} dense, nothing pending`);
      });
      return;
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

main().catch((err) => {
  process.stderr.write(`check: ${(err as Error).message}\n`);
  process.exit(1);
});
