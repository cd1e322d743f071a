// A bounded cache of tiles for the server's reads. Safe without invalidation because a tile's prefix
// never changes: once W hashes (or entries) of a tile exist they stay, so cached data of width W
// answers any request for width ≤ W; a wider request reads the store and replaces the entry.
import { type Tile, truncateTile } from './tiles.ts';
import type { TileReader } from './tlog.ts';

export class TileCache {
  private readonly map = new Map<string, { tile: Tile; data: Uint8Array }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = 64 * 1024 * 1024) {}

  get(t: Tile): Uint8Array | undefined {
    const key = `${t.level}/${t.index}`;
    const hit = this.map.get(key);
    if (!hit || hit.tile.width < t.width) return undefined;
    // Least recently used goes first: re-insert on every hit.
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.tile.width === t.width ? hit.data : truncateTile(hit.tile, hit.data, t.width);
  }

  set(t: Tile, data: Uint8Array): void {
    const key = `${t.level}/${t.index}`;
    const old = this.map.get(key);
    if (old && old.tile.width >= t.width) return;
    if (old) {
      this.bytes -= old.data.length;
      this.map.delete(key);
    }
    this.map.set(key, { tile: { ...t }, data });
    this.bytes += data.length;
    while (this.bytes > this.maxBytes && this.map.size > 1) {
      const [k, v] = this.map.entries().next().value!;
      this.map.delete(k);
      this.bytes -= v.data.length;
    }
  }
}

/**
 * A TileReader that answers from the cache and reads only the misses, in one call, from `store`.
 * Tiles below `fromLevel` bypass the cache: proofs for random leaves read a different level-0 tile
 * almost every time, and caching them only churns megabytes through the heap (and the collector).
 */
export function cachedTileReader(store: TileReader, cache: TileCache, options: { fromLevel?: number } = {}): TileReader {
  const fromLevel = options.fromLevel ?? -Infinity; // default: every tile, entry bundles (level -1) too
  return {
    async readTiles(tiles) {
      const out: (Uint8Array | undefined)[] = tiles.map((t) => (t.level >= fromLevel ? cache.get(t) : undefined));
      const missing = tiles.filter((_, i) => !out[i]);
      cache.hits += tiles.length - missing.length;
      cache.misses += missing.length;
      if (missing.length) {
        const data = await store.readTiles(missing);
        let k = 0;
        tiles.forEach((t, i) => {
          if (out[i]) return;
          out[i] = data[k++]!;
          if (t.level >= fromLevel) cache.set(t, out[i]!);
        });
      }
      return out as Uint8Array[];
    },
  };
}
