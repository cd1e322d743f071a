// `probity ledger verify --database`: an audit of the stored ledger against itself and the records.
//
//   1. the stored checkpoint verifies with the log's key and names the stored size and root;
//   2. the batches partition the integrated entries into indices 0 … size−1 (dense, none missing or
//      added) and each level-0 hash is the leaf hash of its entry (entry bundles are assembled from
//      these same entries when served, so they need no check of their own);
//   3. every hash at tile level L ≥ 1 is the root of the full tile below it, every stored inner hash
//      is that of its tile's hashes, and the tree hash
//      computed from the stored tiles is the signed root;
//   4. every stored record of every ledger type matches its latest entry (version and digest), has
//      one, and no record that has entries is missing; a record committed in a batch (evidence) is
//      listed with its version and digest in the batch record it names, itself checked as a record;
//      a column that copies another record's data (a rating's handler) equals its source.
// (1)–(3) chain every stored byte of the log to the signature; (4) finds rows edited in place.
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { LEDGER_RECORD_TYPES, LEDGER_TYPES } from './catalog.ts';
import { batchLine, entryForRow, loadPage, pageCursor } from './record-types.ts';
import { openCheckpoint } from './checkpoint.ts';
import { parseEntry } from './entry.ts';
import { HASH_SIZE, hashEqual, leafHash, toHex } from './hash.ts';
import { parseVerifierKey } from './note.ts';
import { ledgerSigner } from './signer.ts';
import * as store from './store.ts';
import * as audit from './store-audit.ts';
import { hashFromTile, innerHashes, levelCount, TILE_WIDTH, tileWidth } from './tiles.ts';
import { tileHashReader, treeHash } from './tlog.ts';

export interface DbVerifyReport {
  ok: boolean;
  size: number;
  entries: number;
  tiles: number;
  records: number;
  pending: number;
  /** Total number of problems found (only the first `maxProblems` are listed). */
  problemCount: number;
  problems: string[];
  summary: string;
}

export interface DbVerifyDeps {
  db: Kysely<DB>;
  config: Pick<Config, 'ledgerKey' | 'ledgerOrigin' | 'dataDir' | 'databaseUrl'>;
}

const TILES_PER_READ = 64;
const RECORDS_PER_READ = 2000;
const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;

export async function verifyDatabase(deps: DbVerifyDeps, options: { maxProblems?: number } = {}): Promise<DbVerifyReport> {
  const { db } = deps;
  const max = options.maxProblems ?? 200;
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (p: string) => {
    problemCount++;
    if (problems.length < max) problems.push(p);
  };

  // 1. the signed state
  const state = await store.readState(db);
  const size = state.size;
  if (size > 0) {
    try {
      const verifier = parseVerifierKey(ledgerSigner(deps.config).verifierKey);
      const cp = openCheckpoint(state.checkpoint ?? '', verifier, deps.config.ledgerOrigin);
      if (cp.size !== size || !state.root || !hashEqual(cp.root, state.root)) problem(`checkpoint: signs size ${cp.size}, but the stored state is size ${size} with another root`);
    } catch (err) {
      problem(`checkpoint: ${(err as Error).message}`);
    }
    const published = (await store.checkpointsAt(db, [size])).get(size);
    if (published !== state.checkpoint) problem(`checkpoint: the history has no checkpoint of size ${size} equal to the current one`);
  }

  // 2. batches, entries and level-0 tiles
  const stats = await store.integratedStats(db, state.seq);
  if (stats.count !== size) problem(`entries: ${stats.count} entries are integrated (seq ≤ ${state.seq}), the tree has ${size}`);
  const leafTiles = Math.ceil(size / TILE_WIDTH);
  let queue: EntryRow[] = [];
  let nextTile = 0;
  const flush = async (all: boolean) => {
    while (nextTile < leafTiles && (all || queue.length >= TILES_PER_READ * TILE_WIDTH)) {
      const t1 = Math.min(leafTiles, nextTile + TILES_PER_READ);
      const take = (t1 - nextTile) * TILE_WIDTH;
      await checkLeaves(db, size, nextTile, t1, queue.slice(0, take), problem);
      queue = queue.slice(take);
      nextTile = t1;
    }
  };
  for await (const rows of logEntries(db, state, problem)) {
    queue = queue.concat(rows);
    await flush(false);
  }
  await flush(true);

  // 3. upper tiles and the root
  const counts = await store.tileCounts(db);
  let tiles = 0;
  for (const [level, c] of counts) {
    tiles += c.count;
    const expected = Math.ceil(levelCount(size, level) / TILE_WIDTH);
    if (c.count !== expected || (expected > 0 && c.maxIndex !== expected - 1)) problem(`tiles of level ${level}: ${c.count} stored, a tree of size ${size} has ${expected}`);
  }
  for (let level = 1; levelCount(size, level) > 0; level++) {
    const n = Math.ceil(levelCount(size, level) / TILE_WIDTH);
    for (let t = 0; t < n; t++) {
      const [upper] = await store.readTileRange(db, level, t, t + 1);
      const width = tileWidth(size, level, t);
      if (!upper || upper.tile.width !== width) continue; // reported by the count check
      checkInner(upper, problem);
      const below = await store.readTileRange(db, level - 1, t * TILE_WIDTH, t * TILE_WIDTH + width);
      for (let k = 0; k < width; k++) {
        const child = below[k];
        if (!child || child.tile.index !== t * TILE_WIDTH + k || child.tile.width !== TILE_WIDTH || child.data.length !== FULL_TILE_BYTES) {
          problem(`tile ${level - 1}/${t * TILE_WIDTH + k}: missing or not full below tile ${level}/${t}`);
          continue;
        }
        if (!hashEqual(hashFromTile(child.data, 0, TILE_WIDTH), upper.data.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE))) {
          problem(`tile ${level}/${t}: hash ${k} is not the root of tile ${level - 1}/${child.tile.index} (a hash tile was edited)`);
        }
      }
    }
  }
  if (size > 0 && state.root) {
    try {
      const root = await treeHash(size, tileHashReader(store.dbTileReader(db), { size }));
      if (!hashEqual(root, state.root)) problem(`root: the tiles hash to ${toHex(root)}, the signed root is ${toHex(state.root)}`);
    } catch (err) {
      problem(`root: cannot be computed from the stored tiles (${(err as Error).message})`);
    }
  }

  // 4. records against their latest entries
  let records = 0;
  for (const type of LEDGER_RECORD_TYPES) {
    const def = LEDGER_TYPES[type]!;
    for (let after: unknown = null; ; ) {
      const rows = await loadPage(db, def, after, RECORDS_PER_READ);
      if (!rows.length) break;
      after = pageCursor(def, rows[rows.length - 1]!);
      records += rows.length;
      const expected = rows.map((r) => entryForRow(def, r));
      // Rows committed in batches: their version's line must be in the batch record they name.
      const batchOf = (i: number) => (def.batch ? (rows[i]![def.batch.column] as number | null) : null);
      const batchIds = [...new Set(expected.map((_, i) => batchOf(i)).filter((b): b is number => b !== null))];
      const batches = def.batch ? await audit.batchRecordLines(db, def.batch.type, batchIds) : new Map<number, Set<string>>();
      const single: typeof expected = [];
      expected.forEach((e, i) => {
        const b = batchOf(i);
        if (b === null) return single.push(e);
        const lines = batches.get(b);
        if (!lines) problem(`${type} ${e.id}: its ledger batch ${def.batch!.type} ${b} does not exist`);
        else if (!lines.has(batchLine(e))) problem(`${type} ${e.id} version ${e.version}: the stored row differs from its ledger batch ${b} (edited outside the application)`);
      });
      const latest = await audit.latestEntries(db, type, single.map((e) => e.id));
      for (const e of single) {
        const got = latest.get(e.id);
        if (!got) {
          problem(`${type} ${e.id}: no ledger entry (written without the ledger?)`);
          continue;
        }
        let logged;
        try {
          logged = parseEntry(got.entry);
        } catch (err) {
          problem(`${type} ${e.id}: its latest entry is malformed (${(err as Error).message})`);
          continue;
        }
        if (logged.version !== e.version) problem(`${type} ${e.id}: stored version ${e.version}, latest ledger entry is version ${logged.version}`);
        else if (logged.digest !== e.digest) problem(`${type} ${e.id} version ${e.version}: the stored row differs from its ledger entry (edited outside the application)`);
      }
    }
    for (const id of await audit.idsMissingFrom(db, type, def.table, def.key, def.filter)) {
      problem(`${type} ${id}: in the ledger but missing from ${def.table} (deleted?)`);
    }
    if (def.batch) {
      for (const id of await audit.batchedIdsMissingFrom(db, type, def.table)) problem(`${type} ${id}: in a ledger batch but missing from ${def.table} (deleted?)`);
    }
    if (def.copiesDiffer) for (const p of await def.copiesDiffer(db, max)) problem(`${type} ${p}`);
  }

  const pending = await store.pendingCount(db);
  const ok = problemCount === 0;
  const tail = `${size} entries, ${tiles} tiles, ${records} records${pending ? `, ${pending} entries pending integration` : ''}`;
  const summary = ok
    ? `OK ledger database: ${size > 0 ? `checkpoint signature, ` : ''}entries, tiles and root agree; every record matches its latest entry (${tail})`
    : `FAIL ledger database: ${problemCount} problem(s) (${tail})`;
  return { ok, size, entries: stats.count, tiles, records, pending, problemCount, problems, summary };
}

type EntryRow = Awaited<ReturnType<typeof store.readSeqRange>>[number];
type Problem = (p: string) => void;

/**
 * The integrated entries in log order, a page at a time, checking on the way that the batches
 * partition seq 1 … state.seq and indices 0 … size−1, and that each batch holds exactly its entries.
 */
async function* logEntries(db: Kysely<DB>, state: store.LedgerState, problem: Problem): AsyncGenerator<EntryRow[]> {
  let nextSeq = 1;
  let nextIdx = 0;
  for (;;) {
    const page = await store.readBatches(db, nextSeq, 1000);
    if (!page.length) break;
    let n = 0;
    const cut = page.findIndex((b) => (n += b.count) > 65_536);
    const batches = cut < 0 ? page : page.slice(0, Math.max(1, cut));
    const rows = await store.readSeqRange(db, batches[0]!.firstSeq, batches[batches.length - 1]!.lastSeq);
    let at = 0;
    for (const b of batches) {
      if (b.firstSeq !== nextSeq) problem(`batches: the batch at seq ${b.firstSeq} should start at seq ${nextSeq}`);
      if (b.firstIdx !== nextIdx) problem(`batches: the batch at seq ${b.firstSeq} starts at index ${b.firstIdx}, not ${nextIdx}`);
      const mine: EntryRow[] = [];
      while (at < rows.length && rows[at]!.seq <= b.lastSeq) mine.push(rows[at++]!);
      const runs = mine.map((r) => [r.seq, r.seq] as [number, number]);
      const gaps = store.gapsBetween(b.firstSeq, b.lastSeq, runs).map((g) => g.join('-')).join(',');
      const expected = b.gaps.map((g) => g.join('-')).join(',');
      if (mine.length !== b.count || gaps !== expected) {
        problem(`batch at seq ${b.firstSeq}…${b.lastSeq}: holds ${mine.length} entries (gaps ${gaps || 'none'}), recorded ${b.count} (gaps ${expected || 'none'}): an entry was deleted or inserted`);
      }
      nextSeq = b.lastSeq + 1;
      nextIdx = b.firstIdx + b.count;
    }
    yield rows;
  }
  if (nextSeq - 1 !== state.seq || nextIdx !== state.size) {
    problem(`batches: they end at seq ${nextSeq - 1} and index ${nextIdx}; the state says seq ${state.seq}, size ${state.size}`);
  }
}

/** A full tile's stored inner hashes (which proofs read) against its hashes. */
function checkInner(t: store.StoredTile, problem: Problem): void {
  if (t.inner && (t.data.length !== FULL_TILE_BYTES || !hashEqual(t.inner, innerHashes(t.data)))) {
    problem(`tile ${t.tile.level}/${t.tile.index}: its inner hashes are not those of its hashes (the tile or its inner hashes were edited)`);
  }
}

/** Level-0 hash tiles b0 … b1−1 against the leaf hashes of the entries of those indices. */
async function checkLeaves(db: Kysely<DB>, size: number, b0: number, b1: number, rows: EntryRow[], problem: Problem): Promise<void> {
  const hashesOf = new Map((await store.readTileRange(db, 0, b0, b1)).map((t) => [t.tile.index, t]));
  for (let b = b0; b < b1; b++) {
    const width = tileWidth(size, 0, b);
    const hashes = hashesOf.get(b);
    if (!hashes || hashes.tile.width !== width || hashes.data.length !== width * HASH_SIZE) {
      problem(`tile 0/${b}: ${hashes ? `stored width ${hashes.tile.width}` : 'missing'}, the tree needs width ${width}`);
      continue;
    }
    checkInner(hashes, problem);
    for (let j = 0; j < width; j++) {
      const idx = b * TILE_WIDTH + j;
      const row = rows[idx - b0 * TILE_WIDTH];
      if (!row) continue; // counted by the batch checks
      if (!hashEqual(leafHash(row.entry), hashes.data.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE))) {
        problem(`entry ${idx} (seq ${row.seq}): its leaf hash differs from tile 0/${b} (the entry or the hash tile was edited)`);
        continue;
      }
      try {
        const e = parseEntry(row.entry);
        if (e.type !== row.record_type || e.id !== row.record_id || e.version !== row.record_version) {
          problem(`entry ${idx} (seq ${row.seq}): its lookup columns (${row.record_type} ${row.record_id} v${row.record_version}) disagree with the entry`);
        }
      } catch (err) {
        problem(`entry ${idx} (seq ${row.seq}): ${(err as Error).message}`);
      }
    }
  }
}
