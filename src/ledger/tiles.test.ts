import { describe, expect, it } from 'vitest';
import {
  encodeEntryBundle,
  encodeTileIndex,
  ENTRIES_LEVEL,
  locateHash,
  newTiles,
  parseEntryBundle,
  parseTilePath,
  tilePath,
  tilesForSize,
  tileWidth,
  truncateTile,
} from './tiles.ts';

describe('tile paths', () => {
  it('encodes N in 3-digit x-groups', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 3, index: 1234067, width: 7 })).toBe('tile/3/x001/x234/067.p/7');
    expect(tilePath({ level: ENTRIES_LEVEL, index: 5, width: 256 })).toBe('tile/entries/005');
    expect(tilePath({ level: ENTRIES_LEVEL, index: 5, width: 1 })).toBe('tile/entries/005.p/1');
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow();
    expect(() => tilePath({ level: 0, index: 0, width: 257 })).toThrow();
  });

  it('parses what it encodes', () => {
    for (const t of [
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 1000, width: 1 },
      { level: 2, index: 123456789, width: 255 },
      { level: ENTRIES_LEVEL, index: 1234067, width: 256 },
      { level: ENTRIES_LEVEL, index: 7, width: 100 },
      { level: 63, index: 2 ** 40, width: 9 },
    ]) {
      expect(parseTilePath(tilePath(t))).toEqual(t);
    }
  });

  it('rejects malformed and non-canonical paths', () => {
    for (const bad of [
      'tile/0', 'tile/0/', 'tiles/0/000', 'tile/00/000', 'tile/01/000', 'tile/-1/000', 'tile/64/000', 'tile/data/000',
      'tile/0/0', 'tile/0/0000', 'tile/0/x000/001', 'tile/0/x001', 'tile/0/001/002', 'tile/0/x1/000', 'tile/0/X001/000',
      'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/007', 'tile/0/000.p/', 'tile/0/000.p', 'tile/0/000.p/1/2',
      'tile/0/x001.p/3/000', 'tile/0/000/', 'tile//000', 'tile/entries/000.p/-1', 'tile/0/+12', 'tile/0/1e2', 'tile/0/ 12',
    ]) {
      expect(() => parseTilePath(bad), bad).toThrow();
    }
  });
});

describe('tile geometry', () => {
  it('widths and the tiles of a tree', () => {
    expect(tileWidth(300, 0, 0)).toBe(256);
    expect(tileWidth(300, 0, 1)).toBe(44);
    expect(tileWidth(300, 0, 2)).toBe(0);
    expect(tileWidth(300, 1, 0)).toBe(1);
    expect(tileWidth(255, 1, 0)).toBe(0);
    expect(tilesForSize(300).map(tilePath)).toEqual([
      'tile/entries/000', 'tile/entries/001.p/44', 'tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1',
    ]);
    expect(newTiles(300, 300)).toEqual([]);
    expect(newTiles(300, 513).map(tilePath)).toEqual([
      'tile/entries/001', 'tile/entries/002.p/1', 'tile/0/001', 'tile/0/002.p/1', 'tile/1/000.p/2',
    ]);
  });

  it('locates stored hashes', () => {
    expect(locateHash(0, 1234)).toEqual({ tile: { level: 0, index: 4, width: 211 }, start: 210, count: 1 });
    expect(locateHash(3, 33)).toEqual({ tile: { level: 0, index: 1, width: 16 }, start: 8, count: 8 });
    expect(locateHash(8, 5)).toEqual({ tile: { level: 1, index: 0, width: 6 }, start: 5, count: 1 });
    expect(locateHash(15, 1)).toEqual({ tile: { level: 1, index: 0, width: 256 }, start: 128, count: 128 });
    expect(locateHash(16, 0)).toEqual({ tile: { level: 2, index: 0, width: 1 }, start: 0, count: 1 });
  });
});

describe('entry bundles', () => {
  it('round-trip, truncate and reject damage', () => {
    const entries = ['a', '', 'ccc'].map((s) => Buffer.from(s));
    const b = encodeEntryBundle(entries);
    expect(b.toString('hex')).toBe('0001610000' + '0003636363');
    expect(parseEntryBundle(b).map((e) => Buffer.from(e).toString())).toEqual(['a', '', 'ccc']);
    expect(parseEntryBundle(truncateTile({ level: ENTRIES_LEVEL, index: 0, width: 3 }, b, 2)).length).toBe(2);
    expect(() => parseEntryBundle(b.subarray(0, b.length - 1))).toThrow();
    expect(() => parseEntryBundle(b.subarray(0, 1))).toThrow();
    expect(() => encodeEntryBundle([Buffer.alloc(65536)])).toThrow();
  });
});
