// The Merkle log itself: appending entries, tree hashes, and RFC 9162 inclusion and consistency
// proofs. Like Go's golang.org/x/mod/sumdb/tlog, a tree is described by the hashes of its complete
// subtrees ("stored hashes", identified by level and index); unlike it, only the hashes at levels
// 0, 8, 16, … are kept, packed in tiles, and the rest are recomputed from a tile on demand (helped by
// full tiles' inner hashes, levels 4, 12, …). That makes storage the published tiles (one source of
// truth, plus the inner hashes derived from them) and a proof a handful of reads.
import type { HashCache } from './hash-cache.ts';
import { type Hash, HASH_SIZE, isPowerOfTwo, leafHash, nodeHash, shr, splitPoint } from './hash.ts';
import {
  ENTRIES_LEVEL, encodeEntryBundle, hashFromTile, INNER_COUNT, innerHashes, levelCount, locateHash, type HashLocation,
  type Tile, type TileData, TILE_HEIGHT, TILE_WIDTH, tileWidth, truncateTile,
} from './tiles.ts';

/** A stored hash: the root of the complete subtree over leaves index·2^level … (index+1)·2^level − 1. */
export interface HashId {
  level: number;
  index: number;
}

/** Reads stored hashes, all in one round trip so a database or HTTP backend can batch them. */
export interface HashReader {
  readHashes(ids: readonly HashId[]): Promise<Hash[]>;
}

/**
 * Reads tiles (hash tiles and entry bundles). For each requested tile it returns its data at the
 * requested width or wider (a later version of the same tile: stored hashes never change, so the
 * prefix is the same). A missing tile must make the call reject.
 */
export interface TileReader {
  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]>;
}

export interface TileHashReaderOptions {
  /**
   * Request tiles at their width in a tree of this size (what a remote client should do, so that
   * partial-tile URLs match the checkpoint), and refuse hashes outside it. Without it, tiles are
   * requested at the least width that holds the hash: enough for a store that keeps the latest.
   */
  size?: number;
  /**
   * Cache for hashes computed from several tile hashes (levels not divisible by 8). It lets a
   * server skip re-hashing the upper tiles that every proof shares. Only for a trusted store.
   */
  cache?: HashCache;
  /**
   * Cache only hashes computed from tiles at this tile level or above (default 0: all). A server
   * answering proofs for random leaves passes 1: level-0 tiles are too many to be hit again, and
   * their hashes would push the shared upper ones out of the cache.
   */
  cacheFromTileLevel?: number;
}

/**
 * A HashReader served from tiles, one readTiles call per request. It does not authenticate tiles:
 * callers that do not trust the store compare what they derive with a signed root (a proof that
 * verifies is itself that check).
 */
export function tileHashReader(store: TileReader, options: TileHashReaderOptions = {}): HashReader {
  const { size, cache } = options;
  const fromLevel = options.cacheFromTileLevel ?? 0;
  return {
    async readHashes(ids) {
      const byKey = new Map<string, { tile: Tile; slot: number }>();
      const tiles: Tile[] = [];
      const out: Hash[] = new Array(ids.length);
      const plan: { at: number; id: HashId; loc: HashLocation; slot: number }[] = [];
      ids.forEach((id, at) => {
        if (size !== undefined && (id.index + 1) * 2 ** id.level > size) {
          throw new RangeError(`hash ${id.level}/${id.index} is not in a tree of size ${size}`);
        }
        const cached = cache && id.level % TILE_HEIGHT !== 0 && id.level >= fromLevel * TILE_HEIGHT ? cache.get(id.level, id.index) : undefined;
        if (cached) {
          out[at] = cached;
          return;
        }
        const loc = locateHash(id.level, id.index);
        const key = `${loc.tile.level}/${loc.tile.index}`;
        let entry = byKey.get(key);
        if (!entry) {
          const t = loc.tile;
          const width = size === undefined ? t.width : tileWidth(size, t.level, t.index);
          entry = { tile: { ...t, width }, slot: tiles.length };
          tiles.push(entry.tile);
          byKey.set(key, entry);
        }
        entry.tile.width = Math.max(entry.tile.width, loc.tile.width);
        plan.push({ at, id, loc, slot: entry.slot });
      });
      const data = tiles.length ? await store.readTiles(tiles) : [];
      if (data.length !== tiles.length) throw new Error('tile reader returned the wrong number of tiles');
      tiles.forEach((t, i) => {
        if (data[i]!.length < t.width * HASH_SIZE) throw new Error(`tile ${t.level}/${t.index} is shorter than width ${t.width}`);
      });
      for (const { at, id, loc, slot } of plan) {
        const h = hashFromTile(data[slot]!, loc.start, loc.count);
        if (cache && loc.count > 1 && loc.tile.level >= fromLevel) cache.set(id.level, id.index, h);
        out[at] = h;
      }
      return out;
    },
  };
}

function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad ${what} ${size}`);
}

// --- appending -------------------------------------------------------------------------------

export interface AppendResult {
  /** The new tree size. */
  size: number;
  /** The new root hash. */
  root: Hash;
  /** Leaf hashes of the appended entries, in order (handy for storing a per-record index). */
  leafHashes: Hash[];
  /**
   * Every hash tile and entry bundle that changed, with its complete content at the new width.
   * Write them all (upsert by level and index) in the same transaction as the new size.
   */
  tiles: TileData[];
}

export interface AppendOptions {
  /**
   * Also return the entry bundles (default). A store that keeps the entries elsewhere and
   * assembles bundles on demand passes false: then no bundle is read or returned.
   */
  bundles?: boolean;
}

/**
 * Appends entries to a tree of `oldSize` whose tiles `store` holds. Reads at most one tile per level
 * (the partial right edge), computes about two SHA-256 per entry, and returns the tiles to write.
 * Not safe to run twice concurrently on the same log: the caller is the single writer.
 */
export async function appendEntries(store: TileReader, oldSize: number, entries: readonly Uint8Array[], options: AppendOptions = {}): Promise<AppendResult> {
  checkSize(oldSize, 'tree size');
  const withBundles = options.bundles ?? true;
  const newSize = oldSize + entries.length;

  // The right-edge partial tile of each level holds both the prefix of the tile we are about to
  // extend and every frontier hash (the roots of the old tree's complete subtrees).
  const edge = new Map<number, Tile>();
  for (let level = entries.length && withBundles ? ENTRIES_LEVEL : 0; levelCount(oldSize, level) > 0; level++) {
    const count = levelCount(oldSize, level);
    if (count % TILE_WIDTH !== 0) edge.set(level, { level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH });
  }
  const edgeTiles = [...edge.values()];
  const edgeData = new Map<number, Uint8Array>();
  if (edgeTiles.length) {
    const data = await store.readTiles(edgeTiles);
    edgeTiles.forEach((t, i) => {
      const d = data[i];
      if (!d || (t.level !== ENTRIES_LEVEL && d.length < t.width * HASH_SIZE)) throw new Error(`tile ${t.level}/${t.index} is shorter than width ${t.width}`);
      // The store may hold a wider version (e.g. a retried batch): keep only what the old tree had.
      edgeData.set(t.level, truncateTile({ ...t, width: TILE_WIDTH }, d, t.width));
    });
  }

  // Frontier, highest level first: one complete subtree per set bit of oldSize.
  const stackLevel: number[] = [];
  const stackHash: Hash[] = [];
  for (let level = Math.floor(Math.log2(Math.max(oldSize, 1))) + 1; level >= 0; level--) {
    if (shr(oldSize, level) % 2 !== 1) continue;
    const loc = locateHash(level, shr(oldSize, level) - 1);
    const data = edgeData.get(loc.tile.level);
    if (!data) throw new Error(`bad math: no edge tile for level ${loc.tile.level}`);
    stackLevel.push(level);
    stackHash.push(hashFromTile(data, loc.start, loc.count));
  }

  // Binary-counter merge: each new leaf completes the subtrees at its trailing one-bits.
  const fresh: Hash[][] = []; // fresh[L] = new hashes at level 8·L, in index order
  const freshInner: Hash[][] = []; // freshInner[L] = new hashes at level 8·L+4 (tiles' inner hashes)
  const leafHashes: Hash[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    let h: Hash = leafHash(entries[i]!);
    leafHashes[i] = h;
    (fresh[0] ??= []).push(h);
    let level = 0;
    while (stackLevel.length && stackLevel[stackLevel.length - 1] === level) {
      stackLevel.pop();
      h = nodeHash(stackHash.pop()!, h);
      level++;
      if (level % TILE_HEIGHT === 0) (fresh[level / TILE_HEIGHT] ??= []).push(h);
      else if (level % TILE_HEIGHT === TILE_HEIGHT / 2) (freshInner[(level - TILE_HEIGHT / 2) / TILE_HEIGHT] ??= []).push(h);
    }
    stackLevel.push(level);
    stackHash.push(h);
  }
  let root = stackHash[stackHash.length - 1];
  if (root === undefined) throw new RangeError('cannot hash an empty tree'); // oldSize 0 and no entries
  for (let j = stackHash.length - 2; j >= 0; j--) root = nodeHash(stackHash[j]!, root);

  const tiles: TileData[] = [];
  if (entries.length && withBundles) {
    tiles.push(...cutTiles(ENTRIES_LEVEL, oldSize, entries, edgeData.get(ENTRIES_LEVEL), (items) => encodeEntryBundle(items)));
  }
  fresh.forEach((hashes, level) => {
    // A full tile's inner hashes: those the merge computed are reused, the earlier part's are folded.
    const first = shr(oldSize, TILE_HEIGHT * level + TILE_HEIGHT / 2);
    const known = (t: TileData) => (k: number) => freshInner[level]?.[t.tile.index * INNER_COUNT + k - first];
    for (const t of cutTiles(level, levelCount(oldSize, level), hashes, edgeData.get(level), (items) => Buffer.concat(items))) {
      if (t.tile.width === TILE_WIDTH) t.inner = innerHashes(t.data, known(t));
      tiles.push(t);
    }
  });
  return { size: newSize, root, leafHashes, tiles };
}

/** Splits items starting at position `first` of a level into tiles, the first after `prefix`. */
function cutTiles(
  level: number,
  first: number,
  items: readonly Uint8Array[],
  prefix: Uint8Array | undefined,
  encode: (items: readonly Uint8Array[]) => Buffer,
): TileData[] {
  const out: TileData[] = [];
  let pos = first;
  let i = 0;
  while (i < items.length) {
    const index = Math.floor(pos / TILE_WIDTH);
    const offset = pos - index * TILE_WIDTH;
    const take = Math.min(TILE_WIDTH - offset, items.length - i);
    let data = encode(items.slice(i, i + take));
    if (offset > 0) {
      if (!prefix) throw new Error(`bad math: missing prefix of tile ${level}/${index}`);
      data = Buffer.concat([prefix, data]);
    }
    out.push({ tile: { level, index, width: offset + take }, data });
    pos += take;
    i += take;
  }
  return out;
}

// --- tree hashes and proofs ------------------------------------------------------------------

type Range = readonly [lo: number, hi: number];

/** The complete subtrees that make up leaves lo … hi−1, left to right (largest aligned first). */
function subtreeIds(lo: number, hi: number, out: HashId[]): void {
  while (lo < hi) {
    let level = 0;
    while (lo % 2 ** (level + 1) === 0 && lo + 2 ** (level + 1) <= hi) level++;
    out.push({ level, index: lo / 2 ** level });
    lo += 2 ** level;
  }
}

/** Reads and folds the hash of each range in one HashReader call. */
async function rangeHashes(ranges: readonly Range[], reader: HashReader): Promise<Hash[]> {
  const ids: HashId[] = [];
  const counts = ranges.map(([lo, hi]) => {
    const before = ids.length;
    subtreeIds(lo, hi, ids);
    return ids.length - before;
  });
  const hashes = ids.length ? await reader.readHashes(ids) : [];
  if (hashes.length !== ids.length) throw new Error('hash reader returned the wrong number of hashes');
  let next = 0;
  return counts.map((count) => {
    const part = hashes.slice(next, next + count);
    next += count;
    // MTH of a right-edge range: the complete subtrees folded right to left.
    let h = part[count - 1]!;
    for (let j = count - 2; j >= 0; j--) h = nodeHash(part[j]!, h);
    return h;
  });
}

/** Root hash of the tree of the first `size` leaves (size ≥ 1). */
export async function treeHash(size: number, reader: HashReader): Promise<Hash> {
  checkSize(size, 'tree size');
  if (size === 0) throw new RangeError('the empty tree has no stored hashes');
  return (await rangeHashes([[0, size]], reader))[0]!;
}

/** RFC 9162 §2.1.3.1 inclusion proof (audit path) for leaf `index` in the tree of `size`. */
export async function proveInclusion(index: number, size: number, reader: HashReader): Promise<Hash[]> {
  checkSize(size, 'tree size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const ranges: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
    }
  }
  return rangeHashes(ranges.reverse(), reader); // PATH lists the leaf's sibling first
}

/** RFC 9162 §2.1.4.1 consistency proof from the tree of `oldSize` to that of `newSize` (1 ≤ old ≤ new). */
export async function proveConsistency(oldSize: number, newSize: number, reader: HashReader): Promise<Hash[]> {
  checkSize(oldSize, 'old size');
  checkSize(newSize, 'new size');
  if (oldSize < 1 || oldSize > newSize) throw new RangeError(`no consistency proof from size ${oldSize} to ${newSize}`);
  const ranges: Range[] = [];
  let lo = 0;
  let hi = newSize;
  let whole = true; // SUBPROOF's flag b: still on the old tree's own root path
  while (oldSize !== hi) {
    const k = splitPoint(hi - lo);
    if (oldSize <= lo + k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
      whole = false;
    }
  }
  if (!whole) ranges.push([lo, hi]);
  return rangeHashes(ranges.reverse(), reader);
}

// --- verification (no reader needed) ---------------------------------------------------------

function eq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function validProof(proof: readonly Hash[]): boolean {
  return proof.every((p) => p.length === HASH_SIZE);
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leaf` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!validProof(proof) || leaf.length !== HASH_SIZE || root.length !== HASH_SIZE) return false;
  let fn = index;
  let sn = size - 1;
  let r: Hash = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot)? */
export function verifyConsistency(oldSize: number, newSize: number, proof: readonly Hash[], oldRoot: Hash, newRoot: Hash): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 1 || oldSize > newSize) return false;
  if (!validProof(proof) || oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE) return false;
  if (oldSize === newSize) return proof.length === 0 && eq(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Hash = path[0]!;
  let sr: Hash = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(fr, oldRoot) && eq(sr, newRoot);
}
