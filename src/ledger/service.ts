// Reading the ledger for HTTP: the checkpoint, tiles, a record's inclusion proof and consistency
// proofs. No Fastify here; routes.ts shapes the replies.
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { AppError, notFound, validationFailed } from '../lib/errors.ts';
import { ledgerType } from './catalog.ts';
import { batchLine, canonicalRecord, entryForRow, loadByKey } from './record-types.ts';
import { requirePrincipal, type Principal } from '../features/auth/principal.ts';
import { parseEntry } from './entry.ts';
import { toBase64 } from './hash.ts';
import * as store from './store.ts';
import { encodeEntryBundle, ENTRIES_LEVEL, parseTilePath, TilePathError, TILE_WIDTH, tileWidth, truncateTile, type Tile } from './tiles.ts';
import { cachedTileReader, TileCache } from './tile-cache.ts';
import { HashCache } from './hash-cache.ts';
import { type HashReader, proveConsistency, proveInclusion, tileHashReader, treeHash } from './tlog.ts';

export interface LedgerReadDeps {
  db: Kysely<DB>;
  /** Hashes of complete subtrees never change: one cache per process serves every proof. */
  cache: HashCache;
  /** Nor do tile prefixes: the upper tiles every proof reads stay in memory. */
  tiles: TileCache;
}

export function readDeps(db: Kysely<DB>): LedgerReadDeps {
  return { db, cache: new HashCache(), tiles: new TileCache() };
}

/** The reader every proof of the tree of `size` uses: cached tiles, then the database. */
export function proofReader(deps: LedgerReadDeps, size: number): HashReader {
  return tileHashReader(cachedTileReader(store.dbTileReader(deps.db), deps.tiles, { fromLevel: 1 }), { size, cache: deps.cache, cacheFromTileLevel: 1 });
}

const emptyLog = () => new AppError(404, 'The ledger is empty: nothing has been recorded yet, and a size-0 checkpoint is never published');

/** The latest signed checkpoint, exactly as signed. */
export async function latestCheckpoint(deps: LedgerReadDeps): Promise<string> {
  const state = await store.readState(deps.db);
  if (!state.checkpoint) throw emptyLog();
  return state.checkpoint;
}

export interface TileReply {
  tile: Tile;
  data: Uint8Array;
  /** A full tile never changes; a partial one is only ever replaced by a wider URL. */
  immutable: boolean;
}

/**
 * A tile (or entry bundle) by its C2SP path under /ledger/. Any partial width up to the published one is
 * cut from the stored tile; a full-tile path is 404 until the tile is full; nothing beyond the tree.
 */
export async function readTile(deps: LedgerReadDeps, path: string): Promise<TileReply> {
  let tile: Tile;
  try {
    tile = parseTilePath(path);
  } catch (err) {
    if (err instanceof TilePathError) throw new AppError(404, err.message);
    throw err;
  }
  let data = deps.tiles.get(tile);
  if (!data) {
    let stored: store.StoredTile | undefined;
    if (tile.level === ENTRIES_LEVEL) {
      // Bundles are assembled from the entries, as wide as the published tree allows, and cached.
      const width = tileWidth((await store.readState(deps.db)).size, ENTRIES_LEVEL, tile.index);
      const from = tile.index * TILE_WIDTH;
      if (width >= tile.width) stored = { tile: { ...tile, width }, data: encodeEntryBundle(await store.readEntriesByIndex(deps.db, from, from + width)) };
    } else {
      stored = await store.readStoredTile(deps.db, tile.level, tile.index);
    }
    if (!stored || stored.tile.width < tile.width) throw notFound(`Tile ${path}`);
    deps.tiles.set(stored.tile, stored.data);
    data = stored.tile.width === tile.width ? stored.data : truncateTile(stored.tile, stored.data, tile.width);
  }
  return { tile, data, immutable: tile.width === TILE_WIDTH };
}

export interface RecordProof {
  type: string;
  id: string;
  version: number;
  leafIndex: number;
  /** The entry bytes, base64. */
  entry: string;
  /** The entry's fields, parsed, for readers who do not want to parse it. */
  entryFields: { time: string; digest: string };
  treeSize: number;
  rootHash: string;
  /** RFC 9162 audit path for leafIndex in the tree of treeSize, base64 hashes, leaf's sibling first. */
  inclusionProof: string[];
  /** The signed checkpoint of treeSize (C2SP signed note text). */
  checkpoint: string;
  /** The record as stored now, against the entry (batched records: listed in the batch, whose record matches the entry). */
  stored: { version: number; digest: string; matchesEntry: boolean };
  /** Records committed in batches (evidence): the batch record whose entry is proved above. */
  batch?: { type: string; id: string; line: string; record: Record<string, unknown> };
}

/** The inclusion proof of a record's entry (latest version, or `version`), for someone allowed to see it. */
export async function recordProof(deps: LedgerReadDeps, principal: Principal | null, type: string, id: string, version?: number): Promise<RecordProof> {
  const def = ledgerType(type);
  await def.checkVisible(deps.db, principal, id);
  const row = await loadByKey(deps.db, def, id);
  const now = row ? entryForRow(def, row) : undefined;
  const batchId = def.batch && row ? (row[def.batch.column] as number | null) : null;
  if (def.batch && batchId !== null && now && (version === undefined || version === now.version)) {
    // Committed in a batch: the proof is that of the batch record's entry, plus the batch's record,
    // which lists this version's line (two steps: row → batch record → entry → tree).
    const batchDef = ledgerType(def.batch.type);
    const { version: _batchVersion, ...proof } = await entryProof(deps, def.batch.type, String(batchId), undefined, `${type} ${id}`);
    const batchRow = await loadByKey(deps.db, batchDef, String(batchId));
    const line = batchLine(now);
    const batchNow = batchRow ? entryForRow(batchDef, batchRow) : undefined;
    const listed = Boolean(batchRow && (batchRow.rows as string[]).includes(line));
    return {
      type, id, version: now.version, ...proof,
      stored: { version: now.version, digest: now.digest, matchesEntry: listed && batchNow?.digest === proof.entryFields.digest },
      batch: { type: def.batch.type, id: String(batchId), line, record: batchRow ? canonicalRecord(batchDef, batchRow) : {} },
    };
  }
  const proof = await entryProof(deps, type, id, version);
  return {
    type, id, ...proof,
    stored: {
      version: now?.version ?? 0,
      digest: now?.digest ?? '',
      matchesEntry: Boolean(now && now.version === proof.version && now.digest === proof.entryFields.digest),
    },
  };
}

/** The entry of one record version with its inclusion proof against the latest checkpoint. */
async function entryProof(deps: LedgerReadDeps, type: string, id: string, version: number | undefined, what = version === undefined ? `${type} ${id}` : `${type} ${id} version ${version}`) {
  const found = await store.findEntry(deps.db, type, id, version);
  const batch = found && (await store.batchOf(deps.db, found.seq));
  if (!found || !batch) {
    throw new AppError(404, found ? `The ledger entry of ${what} is still being integrated; try again in a second` : `No ledger entry for ${what}`);
  }
  const leafIndex = store.indexInBatch(batch, found.seq);
  // Read the state after the batch: the state only grows, so it includes the entry.
  const state = await store.readState(deps.db);
  if (!state.checkpoint || !state.root || leafIndex >= state.size) throw new Error(`ledger: entry ${leafIndex} is beyond the tree of size ${state.size}`);
  const proof = await proveInclusion(leafIndex, state.size, proofReader(deps, state.size));
  const parsed = parseEntry(found.entry);
  return {
    version: found.version,
    leafIndex,
    entry: toBase64(found.entry),
    entryFields: { time: parsed.time.toISOString(), digest: parsed.digest },
    treeSize: state.size,
    rootHash: toBase64(state.root),
    inclusionProof: proof.map(toBase64),
    checkpoint: state.checkpoint,
  };
}

export interface ConsistencyReply {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  /** RFC 9162 §2.1.4 consistency proof, base64 hashes. Empty when from = to. */
  proof: string[];
  /** The checkpoint signed at size `from`, if one was (a witness's saved checkpoint always was). */
  fromCheckpoint: string | null;
  /** The checkpoint signed at size `to`. */
  toCheckpoint: string;
}

/**
 * A consistency proof from tree size `from` to the published checkpoint of size `to` (default: the
 * latest), 1 ≤ from ≤ to. For signed-in users; an outsider computes the same proof from the public
 * tiles, as `probity ledger verify --witness` and the Go verifier do.
 */
export async function consistencyProof(deps: LedgerReadDeps, principal: Principal | null, from: number, to?: number): Promise<ConsistencyReply> {
  requirePrincipal(principal);
  const state = await store.readState(deps.db);
  const target = to ?? state.size;
  const checkpoints = await store.checkpointsAt(deps.db, [from, target]);
  // The proof is only worth something against a signed tree.
  if (!checkpoints.has(target)) throw new AppError(404, `No checkpoint of size ${target} was published; the latest is ${state.size || 'none yet'}`);
  if (from > target) throw validationFailed([{ path: '/querystring/from', message: `must not exceed to (${target})` }]);
  const reader = proofReader(deps, state.size);
  const [proof, fromRoot, toRoot] = await Promise.all([proveConsistency(from, target, reader), treeHash(from, reader), treeHash(target, reader)]);
  return {
    from,
    to: target,
    fromRoot: toBase64(fromRoot),
    toRoot: toBase64(toRoot),
    proof: proof.map(toBase64),
    fromCheckpoint: checkpoints.get(from) ?? null,
    toCheckpoint: checkpoints.get(target)!,
  };
}
