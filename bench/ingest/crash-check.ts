// Database and file side of the ingest kill -9 check (crash.sh), on PostgreSQL:
//
//   crash-check.ts make-file FILE N        write N transaction lines (every 200th bad), print the
//                                          expected result as JSON to FILE.expected.json
//   crash-check.ts batches URL             committed batches of the latest ingest job (0 if none)
//   crash-check.ts check URL FILE [PASS]   the database holds exactly the good lines of FILE, once
//                                          each, the latest job is completed and refused exactly the
//                                          bad lines (by line and field); PASS=again: that job
//                                          inserted nothing and found every good line unchanged
import fs from 'node:fs';
import pg from 'pg';
import { writeTransactionsNdjson, type EvidenceFile } from '../../test/helpers/ingest-files.ts';

const [cmd, a, b, c] = process.argv.slice(2);

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function fail(message: string): never {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

async function main() {
  switch (cmd) {
    case 'make-file': {
      const made = await writeTransactionsNdjson(a!, Number(b), { badEvery: 200, prefix: 'K' });
      fs.writeFileSync(`${a}.expected.json`, JSON.stringify(made));
      console.log(`${made.lines} lines, ${made.good} good, ${made.bad.length} bad`);
      return;
    }
    case 'batches': {
      const n = await withClient(a!, async (cl) => {
        const r = await cl.query<{ n: number }>(`select count(*)::int as n from ingest_batches where job_id = (select max(id) from ingest_jobs)`).catch(() => ({ rows: [{ n: 0 }] }));
        return r.rows[0]?.n ?? 0;
      });
      console.log(n);
      return;
    }
    case 'check': {
      const expected = JSON.parse(fs.readFileSync(`${b}.expected.json`, 'utf8')) as EvidenceFile;
      await withClient(a!, async (cl) => {
        const one = async <T>(q: string) => (await cl.query(q)).rows[0] as T;
        const rows = await one<{ n: number; distinct_ext: number; distinct_code: number }>(
          `select count(*)::int as n, count(distinct external_id)::int as distinct_ext, count(distinct transaction_code)::int as distinct_code from service_transactions where external_id like 'K%'`);
        if (rows.n !== expected.good) fail(`${rows.n} transactions stored, the file has ${expected.good} good lines`);
        if (rows.distinct_ext !== rows.n || rows.distinct_code !== rows.n) fail('a transaction is stored twice');
        const job = await one<{ id: number; status: string; lines: number; inserted: number; unchanged: number; rejected: number }>(
          `select id, status, lines, inserted, unchanged, rejected from ingest_jobs order by id desc limit 1`);
        if (job.status !== 'completed' || job.lines !== expected.lines) fail(`job ${job.id}: ${job.status}, ${job.lines} lines`);
        if (job.rejected !== expected.bad.length) fail(`job ${job.id} refused ${job.rejected} lines, the file has ${expected.bad.length} bad ones`);
        const errors = (await cl.query<{ line: number; field: string }>(`select line, field from ingest_errors where job_id = $1 order by line`, [job.id])).rows;
        const got = new Map(errors.map((e) => [e.line, e.field]));
        const missing = expected.bad.filter((e) => !got.has(e.line));
        if (missing.length || got.size !== expected.bad.length) fail(`refused lines differ from the bad lines (${missing.length} bad lines not reported, ${got.size} reported)`);
        const wrongField = expected.bad.filter((e) => e.field !== '$' && got.get(e.line) !== e.field);
        if (wrongField.length) fail(`${wrongField.length} bad lines reported under another field, e.g. line ${wrongField[0]!.line}: ${got.get(wrongField[0]!.line)} for ${wrongField[0]!.field}`);
        if (c === 'again' && (job.inserted !== 0 || job.unchanged !== expected.good)) fail(`the re-ingest inserted ${job.inserted} and found ${job.unchanged} unchanged`);
        // Every stored row is listed, with its version, by exactly one batch of the ledger.
        const listed = await one<{ n: number; distinct_ids: number }>(
          `select count(*)::int as n, count(distinct split_part(l, ':', 1))::int as distinct_ids from evidence_batches, unnest(rows) l where record_type = 'service_transaction'`);
        if (listed.n !== expected.good || listed.distinct_ids !== expected.good) fail(`the ledger batches list ${listed.n} row versions of ${listed.distinct_ids} rows, expected ${expected.good}`);
        console.log(`OK job ${job.id}: ${expected.lines} lines, ${rows.n} stored once each, ${job.rejected} refused by line${c === 'again' ? ', nothing changed' : ''}; ledger batches list each row once`);
      });
      return;
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

await main();
