// `probity import <evidence kind> FILE` as an operator runs it: a progress bar, a summary, a report of
// refused lines, and an ingest killed with SIGKILL part-way that resumes without losing or doubling.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite, type Database } from '../src/db/connection.ts';
import { createTestDatabase, TEST_PG_URL } from './helpers/db.ts';
import { writeTransactionsNdjson } from './helpers/ingest-files.ts';

const BIN = path.resolve('bin/probity.mjs');
let dataDir: string;
let env: NodeJS.ProcessEnv;
let pgDatabase: (Database & { url?: string }) | undefined;

function probity(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withDb<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  if (pgDatabase) return fn(pgDatabase.db);
  const database = await openPGlite(path.join(dataDir, 'pgdata'));
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-ingest-cli-'));
  env = { ...process.env, PROBITY_DATA_DIR: dataDir, PROBITY_DEMO: 'off', LOG_LEVEL: 'warn', DATABASE_URL: '' };
  if (TEST_PG_URL) {
    pgDatabase = await createTestDatabase();
    env.DATABASE_URL = pgDatabase.url;
    env.PROBITY_DATA_KEY = crypto.randomBytes(32).toString('base64');
  }
  const demo = probity(['demo', '--staff', '0']);
  expect(demo.code, demo.stderr).toBe(0);
});

afterAll(async () => {
  await pgDatabase?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('probity import <evidence kind>', () => {
  it('refuses an unknown source in one line', () => {
    const file = path.join(dataDir, 'one.ndjson');
    fs.writeFileSync(file, '{"externalId":"1"}\n');
    const r = probity(['import', 'transactions', file, '--source', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^probity: Source nope/);
  });

  it('resumes an ingest killed with SIGKILL mid-way: no line lost or doubled; a report lists every refusal', async () => {
    const lines = 60000;
    const file = await writeTransactionsNdjson(path.join(dataDir, 'tx.ndjson.gz'), lines, { badEvery: 200, prefix: 'K', gzip: true });
    const child = spawn(process.execPath, [BIN, 'import', 'transactions', file.path], { env });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const done = [...stderr.matchAll(/\| (\d+) lines/g)].map((m) => Number(m[1]));
        if (done.some((n) => n > 0 && n < lines)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`ingest ended before it could be killed: ${stderr}`)));
    });
    await new Promise((r) => child.on('close', r));

    const before = await withDb(async (db) => {
      const job = await db.selectFrom('ingest_jobs').select(['id', 'status']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      // What the killed process committed: its batches (each committed with its rows).
      const batches = await db.selectFrom('ingest_batches').select(['first_record', 'last_record']).where('job_id', '=', job.id).execute();
      return { ...job, lines: batches.reduce((n, b) => n + b.last_record - b.first_record + 1, 0) };
    });
    expect(before.status).toBe('running');
    expect(before.lines).toBeGreaterThan(0);
    expect(before.lines).toBeLessThan(lines);

    const report = path.join(dataDir, 'refused.csv');
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
