// `probity import <evidence kind> FILE` as an operator runs it: a progress bar, a summary, a report of
// refused lines, and an ingest killed with SIGKILL part-way that resumes without losing or doubling.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, killMidway, type CliSandbox } from './helpers/cli.ts';
import { writeTransactionsNdjson } from './helpers/ingest-files.ts';

let cli: CliSandbox;
const probity = (args: string[], input?: string) => cli.probity(args, { input });
const withDb: CliSandbox['withDb'] = (fn) => cli.withDb(fn);

beforeAll(async () => {
  cli = await cliSandbox('ingest-cli', 0);
}, 180_000);

afterAll(async () => {
  await cli.close();
});

describe('probity import <evidence kind>', () => {
  it('refuses an unknown source in one line', () => {
    const file = path.join(cli.dataDir, 'one.ndjson');
    fs.writeFileSync(file, '{"externalId":"1"}\n');
    const r = probity(['import', 'transactions', file, '--source', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^probity: Source nope/);
  });

  it('resumes an ingest killed with SIGKILL mid-way: no line lost or doubled; a report lists every refusal', async () => {
    const lines = 60000;
    const file = await writeTransactionsNdjson(path.join(cli.dataDir, 'tx.ndjson.gz'), lines, { badEvery: 200, prefix: 'K', gzip: true });
    await killMidway(cli, ['import', 'transactions', file.path], /\| (\d+) lines/g, lines);

    const before = await withDb(async (db) => {
      const job = await db.selectFrom('ingest_jobs').select(['id', 'status']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      // What the killed process committed: its batches (each committed with its rows).
      const batches = await db.selectFrom('ingest_batches').select(['first_record', 'last_record']).where('job_id', '=', job.id).execute();
      return { ...job, lines: batches.reduce((n, b) => n + b.last_record - b.first_record + 1, 0) };
    });
    expect(before.status).toBe('running');
    expect(before.lines).toBeGreaterThan(0);
    expect(before.lines).toBeLessThan(lines);

    const report = path.join(cli.dataDir, 'refused.csv');
    const again = probity(['import', 'transactions', file.path, '--report', report]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming ingest job #${before.id} after ${before.lines} lines`);
    expect(again.stdout).toContain(`resumed after ${before.lines} lines`);
    expect(again.stdout).toContain(`${lines} lines read, ${file.good} inserted, 0 updated, 0 unchanged, ${file.bad.length} refused`);

    const counts = await withDb(async (db) => ({
      rows: Number((await db.selectFrom('service_transactions').select((eb) => eb.fn.countAll().as('n')).where('external_id', 'like', 'K%').executeTakeFirstOrThrow()).n),
      job: await db.selectFrom('ingest_jobs').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow(),
    }));
    expect(counts.rows).toBe(file.good);
    expect(counts.job).toMatchObject({ status: 'completed', lines, inserted: file.good, unchanged: 0, rejected: file.bad.length });
    const reported = fs.readFileSync(report, 'utf8').trim().split('\n');
    expect(reported[0]).toBe('line,field,reason');
    expect(reported.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(file.bad.map((b) => `${b.line},${b.field}`));

    const third = probity(['import', 'transactions', file.path]);
    expect(third.stdout).toContain(`${lines} lines read, 0 inserted, 0 updated, ${file.good} unchanged, ${file.bad.length} refused`);
  }, 240_000);
});
