// The CLI as an operator uses it: help, one-line failures, accounts and tokens, and an import that
// survives `kill -9` part-way and resumes without losing or doubling a row.
import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, killMidway, type CliSandbox } from './helpers/cli.ts';
import { writeStaffCsv } from './helpers/files.ts';

let cli: CliSandbox;
const probity = (args: string[], input?: string) => cli.probity(args, { input });
const withDb: CliSandbox['withDb'] = (fn) => cli.withDb(fn);

beforeAll(async () => {
  cli = await cliSandbox('cli', 10);
}, 180_000);

afterAll(async () => {
  await cli.close();
});

describe('probity CLI', () => {
  it('prints help for the program and for every command', () => {
    const top = probity(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'demo', 'import', 'user', 'token']) expect(top.stdout).toContain(cmd);
    for (const cmd of [['import'], ['user', 'add'], ['token', 'add'], ['demo']]) {
      const r = probity([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: probity');
    }
  });

  it('fails with a one-line reason and a non-zero exit', () => {
    const r = probity(['import', 'staff', '/no/such/file.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^probity: no such file/);
    const bad = probity(['import', 'people', '/no/such/file.csv']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^probity: .*kind/);
  });

  it('scores a period, gives the same run again, and publishes it', { timeout: 240_000 }, async () => {
    const bad = probity(['score', '--period', '2026Q9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/^probity: .*period must be/);
    const first = probity(['score', '--period', '2026Q3']);
    expect(first.code, first.stderr).toBe(0);
    const run = /run #(\d+) computed: .* digest ([0-9a-f]{64})/.exec(first.stdout);
    expect(run, first.stdout).not.toBeNull();
    const again = probity(['score', '--period', '2026Q3', '--publish']);
    expect(again.stdout).toContain(`run #${run![1]} unchanged (same evidence and framework)`);
    expect(again.stdout).toContain(`digest ${run![2]}`);
    expect(again.stdout).toContain(`run #${run![1]} published`);
    const status = await withDb((db) => db.selectFrom('score_runs').select('status').where('id', '=', Number(run![1])).executeTakeFirstOrThrow());
    expect(status.status).toBe('published');
    const exported = probity(['framework', 'export', '1']);
    expect(JSON.parse(exported.stdout).code).toBe('QY-INTEGRITY');
  });

  it('adds a user from --password-stdin who can then be refused a duplicate', () => {
    const ok = probity(['user', 'add', '--username', 'zhang.san', '--role', 'inspector', '--scope', '990100', '--password-stdin'], 'Str0ng-pass\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('zhang.san');
    const dup = probity(['user', 'add', '--username', 'zhang.san', '--role', 'inspector', '--password-stdin'], 'Str0ng-pass\n');
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('already exists');
    const weak = probity(['user', 'add', '--username', 'li.si', '--role', 'wizard', '--password-stdin'], 'short\n');
    expect(weak.stderr).toMatch(/password.*role|role.*password/);
  });

  it('prints a bearer token once and keeps only its hash', async () => {
    const r = probity(['token', 'add', '--name', 'hotline-12345', '--role', 'ingest']);
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^pt_[A-Za-z0-9_-]{40,}$/);
    const stored = await withDb((db) => db.selectFrom('api_tokens').select('token_hash').where('name', '=', 'hotline-12345').executeTakeFirstOrThrow());
    expect(stored.token_hash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
  });

  it('resumes an import killed with SIGKILL mid-way: no row lost or doubled', { timeout: 240_000 }, async () => {
    const file = writeStaffCsv(path.join(cli.dataDir, 'staff.csv'), 30000, 100, 'kill', 'K');
    await killMidway(cli, ['import', 'staff', file.path], /\| (\d+)\/30000 rows/g, 30000);

    const before = await withDb((db) => db.selectFrom('import_jobs').select(['id', 'status', 'processed_rows']).orderBy('id', 'desc').executeTakeFirstOrThrow());
    expect(before.status).toBe('running');
    expect(before.processed_rows).toBeGreaterThan(0);
    expect(before.processed_rows).toBeLessThan(30000);

    const again = probity(['import', 'staff', file.path]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming import #${before.id}`);
    expect(again.stdout).toContain('completed');

    const counts = await withDb(async (db) => ({
      staff: Number((await db.selectFrom('staff').select((eb) => eb.fn.countAll().as('n')).where('code', 'like', 'K%').executeTakeFirstOrThrow()).n),
      job: await db.selectFrom('import_jobs').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow(),
      errors: Number((await db.selectFrom('import_errors').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', before.id).executeTakeFirstOrThrow()).n),
    }));
    expect(counts.staff).toBe(file.good);
    expect(counts.job).toMatchObject({ status: 'completed', processed_rows: 30000, inserted: file.good, error_count: file.bad.length });
    expect(counts.errors).toBe(file.bad.length);

    // And a second import of the same file changes nothing.
    const third = probity(['import', 'staff', file.path]);
    expect(third.stdout).toContain(`0 inserted, 0 updated, ${file.good} unchanged, ${file.bad.length} refused`);
  });
});
