// The CLI as an operator runs it, in a sandbox: its own data directory (embedded PGlite) or, when the
// suite runs on PostgreSQL, its own database, with the demo province loaded once.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openPGlite, type Database } from '../../src/db/connection.ts';
import { createTestDatabase, TEST_PG_URL } from './db.ts';

export const BIN = path.resolve('bin/probity.mjs');

export interface CliSandbox {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Runs `probity ARGS` to completion. */
  probity(args: string[], opts?: { input?: string; timeoutMs?: number }): { code: number | null; stdout: string; stderr: string };
  /** Reads the database the CLI wrote, after the CLI has exited (PGlite allows one process at a time). */
  withDb<T>(fn: (db: Database['db']) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function cliSandbox(prefix: string, demoStaff: number): Promise<CliSandbox> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `probity-${prefix}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, PROBITY_DATA_DIR: dataDir, PROBITY_DEMO: 'off', LOG_LEVEL: 'warn', DATABASE_URL: '' };
  let pgDatabase: (Database & { url?: string }) | undefined;
  if (TEST_PG_URL) {
    pgDatabase = await createTestDatabase();
    env.DATABASE_URL = pgDatabase.url;
    env.PROBITY_DATA_KEY = crypto.randomBytes(32).toString('base64');
  }
  const sandbox: CliSandbox = {
    dataDir,
    env,
    probity(args, opts = {}) {
      const r = spawnSync(process.execPath, [BIN, ...args], { env, input: opts.input, encoding: 'utf8', timeout: opts.timeoutMs ?? 180_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async withDb(fn) {
      if (pgDatabase) return fn(pgDatabase.db);
      const database = await openPGlite(path.join(dataDir, 'pgdata'));
      try {
        return await fn(database.db);
      } finally {
        await database.close();
      }
    },
    async close() {
      await pgDatabase?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const demo = sandbox.probity(['demo', '--staff', String(demoStaff)]);
  expect(demo.code, demo.stderr).toBe(0);
  return sandbox;
}

/**
 * Starts `probity ARGS` and SIGKILLs it as soon as its progress line (`progress`, whose first group is
 * the count done) shows some but not all of `total` done; resolves once it is gone.
 */
export async function killMidway(sandbox: CliSandbox, args: string[], progress: RegExp, total: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { env: sandbox.env });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const done = [...stderr.matchAll(progress)].map((m) => Number(m[1]));
      if (done.some((n) => n > 0 && n < total)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`${args.join(' ')} ended before it could be killed: ${stderr}`)));
  });
  await new Promise((r) => child.on('close', r));
}
