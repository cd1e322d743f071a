// C2SP tlog-tiles (瓦片): the log is published as static files so that anyone can mirror and check
// it without a proof API. Tile height is fixed at 8, so every tile is at most 256 entries wide.
//
// A level-L hash tile N holds the tree hashes at level 8·L with indices N·256 … N·256+W−1,
// concatenated. The levels 8·L+1 … 8·L+7 are not stored: they are recomputed from the tile.
// Entry bundles ("tile/entries/N") hold the raw entries N·256 … N·256+W−1.
import { HASH_SIZE, type Hash, nodeHash, shr } from './hash.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Level used for entry bundles, as Go's tlog uses −1 for its data tiles. */
export const ENTRIES_LEVEL = -1;
/** Entries are length-prefixed with a uint16 in bundles. */
export const MAX_ENTRY_SIZE = 0xffff;

export interface Tile {
  /** Tile level L (hash level 8·L), or ENTRIES_LEVEL for an entry bundle. */
  level: number;
  /** Tile index N within its level. */
  index: number;
  /** Number of hashes (or entries) W, 1 … 256; 256 is a full tile. */
  width: number;
}

export interface TileData {
  tile: Tile;
  data: Uint8Array;
  /** A full hash tile's inner hashes (see innerHashes), when the writer has them. */
  inner?: Uint8Array;
}

/**
 * Inner hashes (not part of C2SP, never served): the 16 tree hashes at level 8·L+4 of a full level-L
 * hash tile, each the root of 16 consecutive tile hashes. Stored beside full tiles, they let a proof
 * fold about 30 hashes from a level-0 tile instead of about 250.
 */
export const INNER_SPAN = 16;
export const INNER_COUNT = TILE_WIDTH / INNER_SPAN;

/** Tile data as a store returns it, carrying a full tile's inner hashes when the store keeps them. */
export type TileBytes = Uint8Array & { readonly inner?: Uint8Array };

export function withInner(data: Uint8Array, inner: Uint8Array | null | undefined): TileBytes {
  return inner ? Object.assign(data, { inner }) : data;
}

/** The 16 inner hashes of a full hash tile, concatenated; `known(k)` may supply some already computed. */
export function innerHashes(data: Uint8Array, known?: (k: number) => Hash | undefined): Buffer {
  if (data.length !== TILE_WIDTH * HASH_SIZE) throw new RangeError('inner hashes are kept for full hash tiles only');
  const out = Buffer.allocUnsafe(INNER_COUNT * HASH_SIZE);
  for (let k = 0; k < INNER_COUNT; k++) out.set(known?.(k) ?? fold(data, k * INNER_SPAN, INNER_SPAN), k * HASH_SIZE);
  return out;
}

export class TilePathError extends Error {
  constructor(path: string, why: string) {
    super(`malformed tile path ${JSON.stringify(path)}: ${why}`);
    this.name = 'TilePathError';
  }
}

/** Encodes N as 3-digit groups, all but the last prefixed with x: 1234067 → x001/x234/067. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad tile index ${n}`);
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  }
  return s;
}

/** The path under the log prefix, e.g. "tile/0/x001/234.p/7" or "tile/entries/000". */
export function tilePath(t: Tile): string {
  checkTile(t);
  const level = t.level === ENTRIES_LEVEL ? 'entries' : String(t.level);
  const partial = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  return `tile/${level}/${encodeTileIndex(t.index)}${partial}`;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Parses a tile path; anything that is not exactly what tilePath would produce is rejected, so
 * one tile has one URL and caches cannot be poisoned through aliases such as "x000/001" or "007".
 */
export function parseTilePath(path: string): Tile {
  const parts = path.split('/');
  if (parts.length < 3 || parts[0] !== 'tile') throw new TilePathError(path, 'must start with tile/<level>/');
  let level: number;
  if (parts[1] === 'entries') level = ENTRIES_LEVEL;
  else if (DECIMAL.test(parts[1]!) && Number(parts[1]) < 64) level = Number(parts[1]);
  else throw new TilePathError(path, 'bad level');

  let groups = parts.slice(2);
  let width = TILE_WIDTH;
  const last = groups[groups.length - 1]!;
  const beforeLast = groups[groups.length - 2];
  if (beforeLast !== undefined && beforeLast.endsWith('.p')) {
    if (!DECIMAL.test(last)) throw new TilePathError(path, 'bad width');
    width = Number(last);
    if (width < 1 || width >= TILE_WIDTH) throw new TilePathError(path, 'partial width must be 1…255');
    groups = groups.slice(0, -1);
    groups[groups.length - 1] = beforeLast.slice(0, -2);
  }
  let index = 0;
  groups.forEach((g, i) => {
    const isLast = i === groups.length - 1;
    const m = isLast ? /^[0-9]{3}$/.exec(g) : /^x([0-9]{3})$/.exec(g);
    if (!m) throw new TilePathError(path, 'index must be 3-digit groups, all but the last prefixed with x');
    index = index * 1000 + Number(isLast ? g : m[1]);
  });
  if (!Number.isSafeInteger(index)) throw new TilePathError(path, 'index too large');
  const tile = { level, index, width };
  if (tilePath(tile) !== path) throw new TilePathError(path, 'not canonical');
  return tile;
}

function checkTile(t: Tile): void {
  const okLevel = t.level === ENTRIES_LEVEL || (Number.isInteger(t.level) && t.level >= 0 && t.level < 64);
  if (!okLevel || !Number.isSafeInteger(t.index) || t.index < 0 || !Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH) {
    throw new RangeError(`bad tile ${JSON.stringify(t)}`);
  }
}

/** How many hashes a tree of `size` leaves has at tile level L (entries count as level 0). */
export function levelCount(size: number, level: number): number {
  return level === ENTRIES_LEVEL ? size : shr(size, TILE_HEIGHT * level);
}

/** Width of tile (level, index) in a tree of `size`, or 0 if that tile does not exist yet. */
export function tileWidth(size: number, level: number, index: number): number {
  const w = levelCount(size, level) - index * TILE_WIDTH;
  return w <= 0 ? 0 : Math.min(w, TILE_WIDTH);
}

/** All tiles (hash tiles and entry bundles) of a tree of `size`, with their widths. */
export function tilesForSize(size: number): Tile[] {
  return newTiles(0, size);
}

/**
 * The tiles that change when the tree grows from oldSize to newSize: each one, at its width for
 * newSize. Unlike Go's tlog.NewTiles it lists each tile once (the latest width), because we serve
 * older partial widths by truncating the stored one (see truncateTile).
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  const tiles: Tile[] = [];
  for (let level = ENTRIES_LEVEL; levelCount(newSize, level) > 0; level++) {
    const oldCount = levelCount(oldSize, level);
    const newCount = levelCount(newSize, level);
    if (newCount === oldCount) continue;
    for (let n = Math.floor(oldCount / TILE_WIDTH); n * TILE_WIDTH < newCount; n++) {
      tiles.push({ level, index: n, width: tileWidth(newSize, level, n) });
    }
  }
  return tiles;
}

/** Where a stored hash lives: the tile, and the run of level-8·L hashes it is computed from. */
export interface HashLocation {
  /** The tile, at the least width that contains the run. */
  tile: Tile;
  /** Offset of the first hash of the run within the tile (in hashes, not bytes). */
  start: number;
  /** Length of the run: 2^(level mod 8). */
  count: number;
}

/** Locates the stored hash at tree level `level`, index `index` (the subtree of leaves index·2^level …). */
export function locateHash(level: number, index: number): HashLocation {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const sub = level - tileLevel * TILE_HEIGHT;
  const count = 2 ** sub;
  const first = index * count; // index of the first hash of the run at level 8·L
  const tileIndex = Math.floor(first / TILE_WIDTH);
  const start = first - tileIndex * TILE_WIDTH;
  return { tile: { level: tileLevel, index: tileIndex, width: start + count }, start, count };
}

/**
 * The Merkle hash of `count` (a power of two) consecutive hashes in tile data, from `start` (a
 * multiple of count): from the tile's inner hashes when it carries them and the run spans 16 or more.
 */
export function hashFromTile(data: TileBytes, start: number, count: number): Hash {
  if ((start + count) * HASH_SIZE > data.length) throw new RangeError('tile data too short');
  if (data.inner && count >= INNER_SPAN) return hashFromTile(data.inner, start / INNER_SPAN, count / INNER_SPAN);
  // A copy, so callers may keep the hash after the tile buffer is reused.
  if (count === 1) return Buffer.from(data.subarray(start * HASH_SIZE, (start + 1) * HASH_SIZE));
  return fold(data, start, count);
}

/** The Merkle hash of a run of ≥ 2 tile hashes; leaves are read in place (no copies: proofs fold ~250 per tile). */
function fold(data: Uint8Array, start: number, count: number): Hash {
  const half = count / 2;
  const left = half === 1 ? data.subarray(start * HASH_SIZE, (start + 1) * HASH_SIZE) : fold(data, start, half);
  const right = half === 1 ? data.subarray((start + 1) * HASH_SIZE, (start + 2) * HASH_SIZE) : fold(data, start + half, half);
  return nodeHash(left, right);
}

/** A tile narrowed to a smaller width, for serving an older partial tile from a wider stored one. */
export function truncateTile(tile: Tile, data: Uint8Array, width: number): Uint8Array {
  if (width > tile.width || width < 1) throw new RangeError(`cannot narrow width ${tile.width} to ${width}`);
  if (tile.level !== ENTRIES_LEVEL) return data.subarray(0, width * HASH_SIZE);
  let off = 0;
  for (let i = 0; i < width; i++) off += 2 + readUint16(data, off);
  return data.subarray(0, off);
}

/** Entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`entry of ${e.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    total += 2 + e.length;
  }
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, off);
    out.set(e, off + 2);
    off += 2 + e.length;
  }
  return out;
}

/** Splits an entry bundle; rejects truncated bundles and trailing bytes. */
export function parseEntryBundle(data: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    if (off + 2 > data.length) throw new Error('entry bundle: truncated length');
    const len = readUint16(data, off);
    if (off + 2 + len > data.length) throw new Error('entry bundle: truncated entry');
    entries.push(data.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  if (entries.length > TILE_WIDTH) throw new Error('entry bundle: more than 256 entries');
  return entries;
}

function readUint16(data: Uint8Array, off: number): number {
  if (off + 2 > data.length) throw new Error('entry bundle: truncated length');
  return (data[off]! << 8) | data[off + 1]!;
}
