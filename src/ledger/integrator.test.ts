// The integrator: crash safety (one transaction), exactly-once and dense numbering, concurrent
// integrators, leader election on PostgreSQL, and checkpoints that only grow.
import crypto from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/app.ts';
import { createTestDatabase, TEST_PG_URL } from '../../test/helpers/db.ts';
import { createContext, type AppContext } from '../context.ts';
import { openCheckpoint } from './checkpoint.ts';
import { encodeEntry, type LedgerEntry } from './entry.ts';
import { integrateAll, integrateBatch, integrateOnce, Integrator } from './integrator.ts';
import { MemoryLog } from './memory.ts';
import { parseVerifierKey } from './note.ts';
import { ledgerSigner } from './signer.ts';
import { ENTRIES_LEVEL, tilesForSize } from './tiles.ts';
import * as store from './store.ts';
import { proveConsistency, tileHashReader, verifyConsistency } from './tlog.ts';

let ctx: AppContext;
let url: string | undefined;
const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });

beforeAll(async () => {
  const database = await createTestDatabase();
  url = database.url;
  ctx = await createContext(testConfig(), { database, log: silent });
});
afterAll(async () => ctx?.close());

let serial = 0;
const entries = (n: number): LedgerEntry[] =>
  Array.from({ length: n }, () => ({ type: 'test', id: `T${serial++}`, version: 1, time: new Date(1_700_000_000_000 + serial), digest: crypto.randomBytes(32).toString('hex') }));

async function append(list: LedgerEntry[]) {
  await ctx.db.transaction().execute((trx) => store.appendToLedger(trx, list));
}

/** What the log must hold: every integrated entry once, indices 0…size−1, root as a fresh build. */
async function expectLogOf(all: LedgerEntry[]) {
  const state = await store.readState(ctx.db);
  const rows = (await ctx.db.selectFrom('ledger_log').selectAll().orderBy('idx').execute()).map((r) => ({ ...r, idx: Number(r.idx) }));
  expect(state.size).toBe(all.length);
  expect(rows.map((r) => r.idx)).toEqual(all.map((_, i) => i));
  expect(new Set(rows.map((r) => r.record_id)).size).toBe(all.length);
  expect(rows.map((r) => r.record_id).sort()).toEqual(all.map((e) => e.id).sort());
  const model = new MemoryLog();
  await model.append(rows.map((r) => r.entry));
  expect(Buffer.from(state.root!)).toEqual(Buffer.from(model.root!));
  // Entry bundles, assembled from the entries across batches and gaps, are what the model stores.
  const bundles = tilesForSize(state.size).filter((t) => t.level === ENTRIES_LEVEL);
  const served = await store.dbTileReader(ctx.db).readTiles(bundles);
  bundles.forEach((t, i) => expect(Buffer.from(served[i]!)).toEqual(Buffer.from(model.readTile(t))));
  expect(await store.pendingCount(ctx.db)).toBe(0);
}

async function reset() {
  await ctx.db.transaction().execute(async (trx) => {
    for (const table of ['ledger_entries', 'ledger_batches', 'ledger_tiles', 'ledger_checkpoints'] as const) await trx.deleteFrom(table).execute();
    await trx.updateTable('ledger_state').set({ size: 0, seq: 0, root: null, checkpoint: null }).execute();
  });
}

describe('integrator', () => {
  beforeEach(reset);

  it('an entry whose transaction rolls back never reaches the log', async () => {
    await expect(ctx.db.transaction().execute(async (trx) => {
      await store.appendToLedger(trx, entries(3));
      throw new Error('the record write failed');
    })).rejects.toThrow('the record write failed');
    expect(await store.pendingCount(ctx.db)).toBe(0);
    expect(await integrateOnce(ctx)).toEqual({ integrated: 0, size: 0 });
    expect((await store.readState(ctx.db)).checkpoint).toBeUndefined(); // no size-0 checkpoint
  });

  it('a crash inside integration leaves everything pending; the rerun integrates each entry once, densely', async () => {
    const all = entries(1000);
    await append(all);
    await expect(integrateOnce(ctx, { beforeCommit: () => { throw new Error('kill -9'); } })).rejects.toThrow('kill -9');
    expect(await store.readState(ctx.db)).toMatchObject({ size: 0, root: undefined, checkpoint: undefined });
    expect(await store.pendingCount(ctx.db)).toBe(1000);
    expect(await ctx.db.selectFrom('ledger_batches').selectAll().execute()).toEqual([]);
    expect((await store.tileCounts(ctx.db)).size).toBe(0);

    expect(await integrateAll(ctx)).toEqual({ integrated: 1000, size: 1000 });
    expect(await integrateAll(ctx)).toEqual({ integrated: 0, size: 1000 });
    await expectLogOf(all);

    // A crash in the second of several batches keeps the first and loses nothing of the rest.
    const more = entries(700);
    await append(more);
    let batches = 0;
    await expect(integrateAll(ctx, { batchSize: 300, beforeCommit: () => { if (++batches === 2) throw new Error('power cut'); } })).rejects.toThrow('power cut');
    expect((await store.readState(ctx.db)).size).toBe(1300);
    expect(await store.pendingCount(ctx.db)).toBe(400);
    expect(await integrateAll(ctx, { batchSize: 300 })).toEqual({ integrated: 400, size: 1700 });
    await expectLogOf([...all, ...more]);
  });

  it('concurrent integrators serialise on the state row: no index is given twice', async () => {
    const all = entries(2000);
    await append(all);
    const signer = ledgerSigner(ctx.config);
    const results = await Promise.all([0, 1, 2].map(async () => {
      let n = 0;
      for (;;) {
        const r = await integrateBatch(ctx.db, signer, { batchSize: 150 });
        if (!r.integrated) return n;
        n += r.integrated;
      }
    }));
    expect(results.reduce((a, b) => a + b, 0)).toBe(2000);
    await expectLogOf(all);
  });

  it('every checkpoint is signed, sizes only grow, and each is consistent with the last', async () => {
    for (const n of [1, 5, 250, 3, 600]) {
      await append(entries(n));
      await integrateOnce(ctx);
    }
    const v = parseVerifierKey(ledgerSigner(ctx.config).verifierKey);
    const history = await ctx.db.selectFrom('ledger_checkpoints').select(['size', 'checkpoint']).orderBy('signed_at').orderBy('size').execute();
    expect(history.map((h) => Number(h.size))).toEqual([1, 6, 256, 259, 859]);
    const cps = history.map((h) => openCheckpoint(h.checkpoint, v));
    const reader = tileHashReader(store.dbTileReader(ctx.db), { size: 859 });
    for (let i = 1; i < cps.length; i++) {
      const proof = await proveConsistency(cps[i - 1]!.size, cps[i]!.size, reader);
      expect(verifyConsistency(cps[i - 1]!.size, cps[i]!.size, proof, cps[i - 1]!.root, cps[i]!.root)).toBe(true);
    }
    expect((await store.readState(ctx.db)).checkpoint).toBe(history[history.length - 1]!.checkpoint);
  });

  it('the background loop signs a checkpoint within a second of a write', async () => {
    const integrator = new Integrator(ctx.db, ledgerSigner(ctx.config), silent, { leaderUrl: url });
    integrator.start();
    try {
      for (let round = 1; round <= 3; round++) {
        await append(entries(10));
        const t0 = Date.now();
        while ((await store.readState(ctx.db)).size < round * 10 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
        expect(Date.now() - t0).toBeLessThan(1500); // the design is ≤ ~0.7 s; slack for a loaded CI machine
      }
    } finally {
      await integrator.stop();
    }
  });

  it.runIf(TEST_PG_URL)('waits for a writer still running with a lower seq; a rolled-back one leaves a gap', async () => {
    for (const commit of [true, false]) {
      await reset();
      const [early, late] = entries(2);
      let decide!: (commit: boolean) => void;
      const decided = new Promise<boolean>((resolve) => (decide = resolve));
      let drawn!: () => void;
      const hasDrawn = new Promise<void>((resolve) => (drawn = resolve));
      const slow = ctx.db.transaction().execute(async (trx) => {
        await store.appendToLedger(trx, [early!]); // draws the lower seq, then waits before committing
        drawn();
        if (!(await decided)) throw new Error('rolled back');
      }).catch(() => {});
      await hasDrawn;
      await append([late!]); // a higher seq, committed first
      const integrating = integrateAll(ctx);
      await new Promise((r) => setTimeout(r, 300));
      expect((await store.readState(ctx.db)).size).toBe(0); // nothing published past an undecided entry
      decide(commit);
      await slow;
      await integrating;
      await expectLogOf(commit ? [early!, late!] : [late!]);
      const rows = await ctx.db.selectFrom('ledger_log').select(['idx', 'record_id']).orderBy('idx').execute();
      expect(rows.map((r) => r.record_id)).toEqual(commit ? [early!.id, late!.id] : [late!.id]);
      if (!commit) expect((await ctx.db.selectFrom('ledger_batches').select(['gap_lo', 'gap_hi']).execute())[0]!.gap_lo.length).toBe(1);
    }
  });

  it.runIf(TEST_PG_URL)('on PostgreSQL one process leads; when it goes, another takes over', async () => {
    const signer = ledgerSigner(ctx.config);
    const a = new Integrator(ctx.db, signer, silent, { leaderUrl: url, retryMs: 50, idleMs: 20 });
    const b = new Integrator(ctx.db, signer, silent, { leaderUrl: url, retryMs: 50, idleMs: 20 });
    a.start();
    const until = async (cond: () => boolean) => {
      const t0 = Date.now();
      while (!cond() && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
      return cond();
    };
    try {
      expect(await until(() => a.isLeader)).toBe(true);
      b.start();
      await new Promise((r) => setTimeout(r, 300));
      expect(b.isLeader).toBe(false);
      await append(entries(50));
      await new Promise((r) => setTimeout(r, 200)); // a few polls: only the leader integrates
      expect(b.isLeader).toBe(false);
      await a.stop();
      expect(await until(() => b.isLeader)).toBe(true);
      await append(entries(50));
      const t0 = Date.now();
      while ((await store.readState(ctx.db)).size < 100 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
      expect((await store.readState(ctx.db)).size).toBe(100);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
