import { describe, expect, it } from 'vitest';
import { MemoryLog } from './memory.ts';
import { cachedTileReader, TileCache } from './tile-cache.ts';
import { ENTRIES_LEVEL } from './tiles.ts';
import type { TileReader } from './tlog.ts';

describe('tile cache', () => {
  it('answers any width up to the cached one, reads wider ones again, and stays within its budget', async () => {
    const log = new MemoryLog();
    await log.append(Array.from({ length: 300 }, (_, i) => Buffer.from(`e${i}\n`)));
    const reads: string[] = [];
    const store: TileReader = { readTiles: async (ts) => ts.map((t) => (reads.push(`${t.level}/${t.index}/${t.width}`), log.readTile(t))) };
    const cache = new TileCache(9000);
    const reader = cachedTileReader(store, cache);
    const [a] = await reader.readTiles([{ level: 0, index: 1, width: 40 }]);
    const [b] = await reader.readTiles([{ level: 0, index: 1, width: 10 }]);
    expect(Buffer.from(b!)).toEqual(Buffer.from(a!.subarray(0, 320)));
    const [c] = await reader.readTiles([{ level: 0, index: 1, width: 44 }]);
    expect(c!.length).toBe(44 * 32);
    const [e] = await reader.readTiles([{ level: ENTRIES_LEVEL, index: 1, width: 44 }]);
    const [e3] = await reader.readTiles([{ level: ENTRIES_LEVEL, index: 1, width: 3 }]);
    expect(Buffer.from(e3!).toString()).toContain('e258');
    expect(Buffer.from(e!).subarray(0, e3!.length)).toEqual(Buffer.from(e3!));
    expect(reads).toEqual(['0/1/40', '0/1/44', '-1/1/44']);
    await reader.readTiles([{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
    expect(cache.hits).toBe(2);
    // 8 KiB more exceeds the 9,000-byte budget: the least recently used tile (0/1) was dropped
    await reader.readTiles([{ level: 0, index: 1, width: 10 }]);
    expect(reads.slice(3)).toEqual(['0/0/256', '1/0/1', '0/1/10']);
  });

  it('lets tiles below fromLevel bypass it', async () => {
    const log = new MemoryLog();
    await log.append(Array.from({ length: 70_000 }, (_, i) => Buffer.from(`e${i}\n`)));
    let reads = 0;
    const store: TileReader = { readTiles: async (ts) => ts.map((t) => (reads++, log.readTile(t))) };
    const cache = new TileCache();
    const reader = cachedTileReader(store, cache, { fromLevel: 1 });
    const tiles = [{ level: 0, index: 3, width: 256 }, { level: 1, index: 0, width: 256 }];
    await reader.readTiles(tiles);
    const [level0, level1] = await reader.readTiles(tiles);
    expect(reads).toBe(3); // the level-0 tile read twice, the level-1 tile once
    expect(cache.hits).toBe(1);
    expect(Buffer.from(level0!)).toEqual(Buffer.from(log.readTile(tiles[0]!)));
    expect(Buffer.from(level1!)).toEqual(Buffer.from(log.readTile(tiles[1]!)));
  });
});
