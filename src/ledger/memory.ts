// An in-memory log: the reference for what a database-backed store must do (keep the latest
// version of each tile, serve narrower widths by truncation), used by tests and the fixture server.
import type { Hash } from './hash.ts';
import { ENTRIES_LEVEL, type Tile, type TileData, parseEntryBundle, TILE_WIDTH, tileWidth, truncateTile } from './tiles.ts';
import type { HashCache } from './hash-cache.ts';
import { appendEntries, type AppendResult, type HashReader, type TileReader, tileHashReader } from './tlog.ts';

export class MemoryLog implements TileReader {
  private readonly tiles = new Map<string, TileData>();
  size = 0;
  root: Hash | undefined;

  /** Appends a batch, like the integrator does in one transaction. */
  async append(entries: readonly Uint8Array[]): Promise<AppendResult> {
    const result = await appendEntries(this, this.size, entries);
    for (const t of result.tiles) this.tiles.set(key(t.tile), t);
    this.size = result.size;
    this.root = result.root;
    return result;
  }

  async readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]> {
    return tiles.map((t) => this.readTile(t));
  }

  /** Tile data at exactly the requested width; throws if the log does not have it. */
  readTile(t: Tile): Uint8Array {
    const stored = this.tiles.get(key(t));
    if (!stored || stored.tile.width < t.width) throw new Error(`no tile ${t.level}/${t.index} of width ${t.width}`);
    return truncateTile(stored.tile, stored.data, t.width);
  }

  /** All tiles of the current tree, at their current widths. */
  allTiles(): TileData[] {
    return [...this.tiles.values()];
  }

  /** The entry at leaf index i. */
  entry(i: number): Uint8Array {
    const index = Math.floor(i / TILE_WIDTH);
    const width = tileWidth(this.size, ENTRIES_LEVEL, index);
    if (i < 0 || i >= this.size) throw new RangeError(`no entry ${i}`);
    return parseEntryBundle(this.readTile({ level: ENTRIES_LEVEL, index, width }))[i - index * TILE_WIDTH]!;
  }

  /** Direct tile access for tests that tamper with the log. */
  replaceTile(t: TileData): void {
    this.tiles.set(key(t.tile), t);
  }

  hashReader(cache?: HashCache): HashReader {
    return tileHashReader(this, { size: this.size, cache });
  }
}

function key(t: Tile): string {
  return `${t.level}/${t.index}`;
}
