// `probity ledger verify --database` finds an edited record, entry, entry bundle, hash tile or
// checkpoint, and a record deleted or added behind the application's back.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/app.ts';
import { createTestDatabase, TEST_PG_URL } from '../../test/helpers/db.ts';
import type { Config } from '../config.ts';
import { createContext, type AppContext } from '../context.ts';
import { loadDemo } from '../features/demo/service.ts';
import { integrateAll } from './integrator.ts';
import { keygen } from './note.ts';
import { verifyDatabase } from './verify-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const silent = pino({ level: 'silent' });
let config: Config;
let ctx: AppContext;

// A database the CLI can open too: PGlite files in the data directory (embedded mode, one process
// at a time, so the test closes it around each CLI run) or a fresh PostgreSQL database.
const open = async () => (TEST_PG_URL ? ctx : createContext(config, { log: silent }));
const closeForCli = async () => {
  if (!TEST_PG_URL) await ctx.close();
};

beforeAll(async () => {
  const ledgerKey = keygen('probity.local/ledger').signerKey;
  if (TEST_PG_URL) {
    const database = await createTestDatabase();
    config = testConfig({ ledgerKey, databaseUrl: database.url });
    ctx = await createContext(config, { database, log: silent });
  } else {
    config = testConfig({ ledgerKey });
    ctx = await createContext(config, { log: silent });
  }
  await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { staff: 40, seed: 'verify' });
  await integrateAll(ctx);
});
afterAll(async () => {
  await ctx?.close();
  if (config) fs.rmSync(config.dataDir, { recursive: true, force: true });
});

/** Applies an edit, runs the check, and undoes the edit. */
async function tampered(edit: () => Promise<unknown>, undo: () => Promise<unknown>) {
  await edit();
  try {
    return await verifyDatabase(ctx);
  } finally {
    await undo();
  }
}

const flipped = (data: Uint8Array, offset: number) => {
  const copy = Buffer.from(data);
  copy[offset] = copy[offset]! ^ 0x01;
  return copy;
};

/** Flips one bit of a stored tile, checks, restores. */
async function withTileEdited(level: number, idx: number, offset: number) {
  const { data } = await ctx.db.selectFrom('ledger_tiles').select('data').where('level', '=', level).where('idx', '=', idx).executeTakeFirstOrThrow();
  const set = (d: Uint8Array) => ctx.db.updateTable('ledger_tiles').set({ data: d }).where('level', '=', level).where('idx', '=', idx).execute();
  return tampered(() => set(flipped(data, offset)), () => set(data));
}

describe('ledger verify --database', () => {
  it('passes on an honest database', async () => {
    const report = await verifyDatabase(ctx);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, entries: report.size, pending: 0 });
    expect(report.records).toBe(report.size); // the demo writes each record once
    expect(report.summary).toMatch(/^OK ledger database: checkpoint signature, /);
  });

  it('finds a staff row edited in place', async () => {
    const { code, position } = await ctx.db.selectFrom('staff').select(['code', 'position']).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const set = (p: string) => ctx.db.updateTable('staff').set({ position: p }).where('code', '=', code).execute();
    const r = await tampered(() => set('篡改'), () => set(position));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([`staff ${code} version 1: the stored row differs from its ledger entry (edited outside the application)`]);
    expect((await verifyDatabase(ctx)).ok).toBe(true);
  });

  it('finds a version bumped without an entry, and records added or deleted behind its back', async () => {
    const unit = await ctx.db.selectFrom('units').select(['id', 'code']).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const bump = (d: number) => sql`update units set version = version + ${d} where id = ${unit.id}`.execute(ctx.db);
    expect((await tampered(() => bump(1), () => bump(-1))).problems).toEqual([`unit ${unit.code}: stored version 2, latest ledger entry is version 1`]);

    const ghost = () => sql`insert into service_items (code, name, unit_id, promised_days) values ('GHOST', '幽灵事项', ${unit.id}, 5)`.execute(ctx.db);
    const unghost = () => ctx.db.deleteFrom('service_items').where('code', '=', 'GHOST').execute();
    expect((await tampered(ghost, unghost)).problems).toEqual(['service_item GHOST: no ledger entry (written without the ledger?)']);

    const item = await ctx.db.selectFrom('service_items').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const removed = await tampered(
      () => ctx.db.deleteFrom('service_items').where('id', '=', item.id).execute(),
      () => ctx.db.insertInto('service_items').values(item).execute(),
    );
    expect(removed.problems).toEqual([`service_item ${item.code}: in the ledger but missing from service_items (deleted?)`]);
    expect((await verifyDatabase(ctx)).ok).toBe(true);
  });

  it('finds an edited, deleted or inserted entry, an edited hash tile and checkpoint', async () => {
    const { entry, seq } = await ctx.db.selectFrom('ledger_log').select(['entry', 'seq']).where('idx', '=', 7).executeTakeFirstOrThrow();
    const setEntry = (e: Uint8Array) => ctx.db.updateTable('ledger_entries').set({ entry: e }).where('seq', '=', seq).execute();
    const editedEntry = await tampered(() => setEntry(flipped(entry, entry.length - 2)), () => setEntry(entry));
    expect(editedEntry.problems).toContain(`entry 7 (seq ${seq}): its leaf hash differs from tile 0/0 (the entry or the hash tile was edited)`);

    // An integrated entry deleted, or one slipped into the log's past, breaks its batch.
    const row = await ctx.db.selectFrom('ledger_entries').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    const deleted = await tampered(() => ctx.db.deleteFrom('ledger_entries').where('seq', '=', seq).execute(), () => ctx.db.insertInto('ledger_entries').values(row).execute());
    expect(deleted.problems[0]).toMatch(/^entries: \d+ entries are integrated/);
    expect(deleted.problems.some((p) => /^batch at seq \d+…\d+: holds \d+ entries .* an entry was deleted or inserted$/.test(p))).toBe(true);
    const slipped = await tampered(
      () => ctx.db.insertInto('ledger_entries').values({ ...row, seq: 0 }).execute(),
      () => ctx.db.deleteFrom('ledger_entries').where('seq', '=', 0).execute(),
    );
    expect(slipped.problems[0]).toMatch(/^entries: \d+ entries are integrated \(seq ≤ \d+\), the tree has \d+$/);
    expect((await verifyDatabase(ctx)).ok).toBe(true);

    const hashTile = await withTileEdited(0, 0, 5 * 32);
    expect(hashTile.problems.some((p) => /^entry 5 \(seq \d+\): its leaf hash differs from tile 0\/0/.test(p))).toBe(true);
    expect(hashTile.problems).toContain('tile 1/0: hash 0 is not the root of tile 0/0 (a hash tile was edited)');

    // The inner hashes proofs read from a full tile: edited, they no longer match its hashes.
    const { inner_hashes: inner } = await ctx.db.selectFrom('ledger_tiles').select('inner_hashes').where('level', '=', 0).where('idx', '=', 0).executeTakeFirstOrThrow();
    expect(inner?.length).toBe(512);
    const setInner = (d: Uint8Array) => ctx.db.updateTable('ledger_tiles').set({ inner_hashes: d }).where('level', '=', 0).where('idx', '=', 0).execute();
    const editedInner = await tampered(() => setInner(flipped(inner!, 70)), () => setInner(inner!));
    expect(editedInner.problems).toEqual(['tile 0/0: its inner hashes are not those of its hashes (the tile or its inner hashes were edited)']);

    const upper = await withTileEdited(1, 0, 0);
    expect(upper.problems).toContain('tile 1/0: hash 0 is not the root of tile 0/0 (a hash tile was edited)');
    expect(upper.problems.some((p) => p.startsWith('root: the tiles hash to'))).toBe(true);

    const { checkpoint } = await ctx.db.selectFrom('ledger_state').select('checkpoint').executeTakeFirstOrThrow();
    const setCheckpoint = (c: string) => ctx.db.updateTable('ledger_state').set({ checkpoint: c }).execute();
    const forged = checkpoint!.replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) + 1}\n`);
    const cp = await tampered(() => setCheckpoint(forged), () => setCheckpoint(checkpoint!));
    expect(cp.problems[0]).toBe('checkpoint: invalid signature by probity.local/ledger');
    expect((await verifyDatabase(ctx)).ok).toBe(true);
  });

  it('the CLI exits 1 with the problems on stdout and a one-line reason on stderr', async () => {
    const run = () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env, PROBITY_DATA_DIR: config.dataDir, PROBITY_DATA_KEY: config.dataKey, PROBITY_LEDGER_KEY: config.ledgerKey, LOG_LEVEL: 'warn',
      };
      delete env.DATABASE_URL;
      delete env.PROBITY_LEDGER_ORIGIN;
      if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
      return spawnSync(process.execPath, ['bin/probity.mjs', 'ledger', 'verify', '--database'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    };
    const { code, position } = await ctx.db.selectFrom('staff').select(['code', 'position']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    await ctx.db.updateTable('staff').set({ position: '篡改' }).where('code', '=', code).execute();
    await closeForCli();
    const bad = run();
    ctx = await open();
    await ctx.db.updateTable('staff').set({ position }).where('code', '=', code).execute();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`staff ${code} version 1: the stored row differs from its ledger entry`);
    expect(bad.stderr).toMatch(/^probity: FAIL ledger database: 1 problem\(s\)/);

    expect((await verifyDatabase(ctx)).ok).toBe(true); // (exit 0 is covered by test/go-verifier/run-against-server.sh)
  });
});
