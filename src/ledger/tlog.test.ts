import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Hash, leafHash, nodeHash, rootOfLeafHashes, toHex } from './hash.ts';
import { MemoryLog } from './memory.ts';
import { ENTRIES_LEVEL, innerHashes, parseEntryBundle, tilesForSize, TILE_WIDTH, withInner } from './tiles.ts';
import { HashCache } from './hash-cache.ts';
import { appendEntries, proveConsistency, proveInclusion, type TileReader, tileHashReader, treeHash, verifyConsistency, verifyInclusion } from './tlog.ts';

// --- the reference: RFC 6962 §2.1 written as literally as possible --------------------------
function k(n: number): number {
  let x = 1;
  while (x * 2 < n) x *= 2;
  return x;
}
function MTH(D: Uint8Array[]): Hash {
  const n = D.length;
  if (n === 1) return leafHash(D[0]!);
  return nodeHash(MTH(D.slice(0, k(n))), MTH(D.slice(k(n))));
}
function PATH(m: number, D: Uint8Array[]): Hash[] {
  const n = D.length;
  if (n === 1) return [];
  return m < k(n) ? [...PATH(m, D.slice(0, k(n))), MTH(D.slice(k(n)))] : [...PATH(m - k(n), D.slice(k(n))), MTH(D.slice(0, k(n)))];
}
function PROOF(m: number, D: Uint8Array[]): Hash[] {
  return SUBPROOF(m, D, true);
}
function SUBPROOF(m: number, D: Uint8Array[], b: boolean): Hash[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  return m <= k(n)
    ? [...SUBPROOF(m, D.slice(0, k(n)), b), MTH(D.slice(k(n)))]
    : [...SUBPROOF(m - k(n), D.slice(k(n)), false), MTH(D.slice(0, k(n)))];
}

const hex = (hs: Hash[]) => hs.map(toHex);
const entriesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}\n`));

function alterations(proof: Hash[], extra: Hash): Hash[][] {
  const out: Hash[][] = [];
  proof.forEach((_, i) => {
    const flipped = proof.map((p) => Buffer.from(p));
    const target = flipped[i]!;
    target[i % 32] = target[i % 32]! ^ 1;
    out.push(flipped);
    out.push(proof.filter((__, j) => j !== i)); // drop one
  });
  out.push([...proof, extra], [extra, ...proof]);
  if (proof.length > 1) out.push([...proof.slice(1), proof[0]!]); // reordered
  return out;
}

describe('RFC 6962 vectors', () => {
  it('reproduces the root of the 8 transparency-dev leaves', async () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const want = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
    expect(toHex(MTH(leaves))).toBe(want);
    const log = new MemoryLog();
    await log.append(leaves);
    expect(toHex(log.root!)).toBe(want);
    expect(toHex(await treeHash(8, log.hashReader()))).toBe(want);
    expect(toHex(rootOfLeafHashes(leaves.map(leafHash)))).toBe(want);
  });
});

describe('proofs for every tree size 1..64', () => {
  const N = 64;
  const D = entriesOf(N);
  const extra = crypto.createHash('sha256').update('extra').digest();

  it('match the recursive reference, verify, and reject alterations', async () => {
    // Grow the log in uneven batches so appends across partial tiles are exercised too.
    const log = new MemoryLog();
    const roots: Hash[] = [];
    for (let n = 1; n <= N; n++) {
      await log.append([D[n - 1]!]);
      roots[n] = MTH(D.slice(0, n));
      expect(toHex(log.root!)).toBe(toHex(roots[n]!));
    }
    const reader = log.hashReader();
    let checked = 0;
    for (let n = 1; n <= N; n++) {
      const Dn = D.slice(0, n);
      expect(toHex(await treeHash(n, reader))).toBe(toHex(roots[n]!));
      for (let i = 0; i < n; i++) {
        const proof = await proveInclusion(i, n, reader);
        expect(hex(proof)).toEqual(hex(PATH(i, Dn)));
        const leaf = leafHash(D[i]!);
        expect(verifyInclusion(leaf, i, n, proof, roots[n]!)).toBe(true);
        for (const bad of alterations(proof, extra)) expect(verifyInclusion(leaf, i, n, bad, roots[n]!)).toBe(false);
        expect(verifyInclusion(leafHash(Buffer.from('other')), i, n, proof, roots[n]!)).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof, extra)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaf, (i + 1) % n, n, proof, roots[n]!)).toBe(false);
        // Against the genuine root of another size. (With the root of size n, a wrong size can still
        // pass when the path has the same shape — that is why a checkpoint signs size and root together.)
        for (const m of [n - 1, n + 1, 2 * n]) if (m > i && m <= N) expect(verifyInclusion(leaf, i, m, proof, roots[m]!)).toBe(false);
        expect(verifyInclusion(leaf, n, n, proof, roots[n]!)).toBe(false);
        expect(verifyInclusion(leaf, -1, n, proof, roots[n]!)).toBe(false);
        checked++;
      }
      for (let m = 1; m <= n; m++) {
        const proof = await proveConsistency(m, n, reader);
        expect(hex(proof)).toEqual(hex(PROOF(m, Dn)));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        for (const bad of alterations(proof, extra)) expect(verifyConsistency(m, n, bad, roots[m]!, roots[n]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, extra, roots[n]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, roots[m]!, extra)).toBe(false);
        if (m < n) expect(verifyConsistency(m, n, proof, roots[m + 1]!, roots[n]!)).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, proof, roots[m - 1]!, roots[n]!)).toBe(false);
        if (n < N) expect(verifyConsistency(m, n + 1, proof, roots[m]!, roots[n + 1]!)).toBe(false);
        expect(verifyConsistency(0, n, proof, roots[m]!, roots[n]!)).toBe(false);
        expect(verifyConsistency(n + 1, n, proof, roots[m]!, roots[n]!)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(N * (N + 1)); // 2080 inclusion + 2080 consistency proofs
  });

  it('refuses to prove what is not in the tree', async () => {
    const log = new MemoryLog();
    await log.append(D.slice(0, 10));
    const r = log.hashReader();
    await expect(proveInclusion(10, 10, r)).rejects.toThrow();
    await expect(proveInclusion(0, 11, r)).rejects.toThrow();
    await expect(proveConsistency(0, 10, r)).rejects.toThrow();
    await expect(proveConsistency(5, 11, r)).rejects.toThrow();
    await expect(proveConsistency(6, 5, r)).rejects.toThrow();
    expect(await proveConsistency(10, 10, r)).toEqual([]);
  });
});

describe('larger trees (several tile levels)', () => {
  const N = 70_000; // > 256² so level-2 tiles exist
  const D = entriesOf(N);

  it('gives the same tiles however the entries are batched, and proofs match the reference', async () => {
    const once = new MemoryLog();
    await once.append(D);
    const batched = new MemoryLog();
    const sizes = [1, 255, 1, 256, 3000, 65_000, 487];
    let at = 0;
    for (const s of [...sizes, N - sizes.reduce((a, b) => a + b, 0)]) {
      await batched.append(D.slice(at, at + s));
      at += s;
    }
    expect(toHex(batched.root!)).toBe(toHex(once.root!));
    const norm = (l: MemoryLog) => l.allTiles().map((t) => `${t.tile.level}/${t.tile.index}/${t.tile.width}/${toHex(crypto.createHash('sha256').update(t.data).digest())}`).sort();
    expect(norm(batched)).toEqual(norm(once));
    expect(norm(once).length).toBe(tilesForSize(N).length);
    expect(tilesForSize(N).filter((t) => t.level === 2)).toEqual([{ level: 2, index: 0, width: 1 }]);

    // The root from the stored hashes equals MTH; spot-check proofs against the reference.
    const reader = once.hashReader();
    expect(toHex(await treeHash(N, reader))).toBe(toHex(rootOfLeafHashes(D.map(leafHash))));
    for (const [i, n] of [[0, N], [65_535, N], [65_536, N], [N - 1, N], [12_345, 65_537], [300, 513]] as const) {
      const proof = await proveInclusion(i, n, reader);
      expect(hex(proof)).toEqual(hex(PATH(i, D.slice(0, n))));
    }
    for (const [m, n] of [[1, N], [256, N], [65_536, N], [65_537, N], [40_000, 69_999], [257, 70_000]] as const) {
      const proof = await proveConsistency(m, n, reader);
      expect(hex(proof)).toEqual(hex(PROOF(m, D.slice(0, n))));
    }
    // A cached reader gives the same answers, and the second time from the cache.
    const cache = new HashCache(1000);
    const cached = once.hashReader(cache);
    for (let round = 0; round < 2; round++) {
      for (const i of [0, 4242, N - 1]) expect(hex(await proveInclusion(i, N, cached))).toEqual(hex(await proveInclusion(i, N, reader)));
    }
    expect(cache.get(15, 1)).toBeDefined(); // a sibling on leaf 4242's path
    // Entry bundles round-trip.
    expect(Buffer.from(once.entry(65_537)).toString()).toBe('entry 65537\n');
    const bundle = once.readTile({ level: ENTRIES_LEVEL, index: 0, width: TILE_WIDTH });
    expect(parseEntryBundle(bundle).length).toBe(256);
  });

  it('without bundles: the same hash tiles and root, and no entry bundle read or written', async () => {
    const full = new MemoryLog();
    await full.append(D.slice(0, 3000));
    const tiles = new Map<string, Uint8Array>();
    const reader: TileReader = {
      readTiles: async (ts) => ts.map((t) => {
        expect(t.level).toBeGreaterThanOrEqual(0);
        return tiles.get(`${t.level}/${t.index}`)!;
      }),
    };
    let size = 0;
    let root: Uint8Array | undefined;
    for (const n of [1, 300, 1000, 1699]) {
      const r = await appendEntries(reader, size, D.slice(size, size + n), { bundles: false });
      expect(r.tiles.every((t) => t.tile.level >= 0)).toBe(true);
      for (const t of r.tiles) tiles.set(`${t.tile.level}/${t.tile.index}`, t.data);
      size = r.size;
      root = r.root;
    }
    expect(toHex(root!)).toBe(toHex(full.root!));
    for (const t of full.allTiles().filter((x) => x.tile.level >= 0)) expect(toHex(tiles.get(`${t.tile.level}/${t.tile.index}`)!)).toBe(toHex(t.data));
  });

  it('gives every full hash tile its inner hashes, however batched, and proofs that use them match the reference', async () => {
    const log = new MemoryLog();
    let at = 0;
    for (const n of [1, 7, 255, 17, 4000, 60_000, 3, N - 64_283]) {
      await log.append(D.slice(at, at + n));
      at += n;
    }
    const full = log.allTiles().filter((t) => t.tile.level >= 0 && t.tile.width === TILE_WIDTH);
    expect(full.length).toBe(Math.floor(N / 256) + 1); // 273 level-0 tiles and one level-1 tile
    for (const t of full) expect(toHex(t.inner!)).toBe(toHex(innerHashes(t.data)));
    for (const t of log.allTiles().filter((x) => x.tile.width < TILE_WIDTH)) expect(t.inner).toBeUndefined();

    const byKey = new Map(log.allTiles().map((t) => [`${t.tile.level}/${t.tile.index}`, t]));
    const withInners = (alter?: (inner: Buffer) => void): TileReader => ({
      readTiles: async (ts) => ts.map((t) => {
        const stored = byKey.get(`${t.level}/${t.index}`)!;
        if (t.width < TILE_WIDTH || !stored.inner) return log.readTile(t);
        const inner = Buffer.from(stored.inner);
        alter?.(inner);
        return withInner(Buffer.from(stored.data), inner);
      }),
    });
    const reader = tileHashReader(withInners(), { size: N });
    for (const i of [0, 15, 16, 255, 4242, 65_535, N - 1]) expect(hex(await proveInclusion(i, N, reader))).toEqual(hex(PATH(i, D)));
    // The inner hashes are what the proof reads: an altered one changes the proof.
    const altered = tileHashReader(withInners((inner) => { inner[40]! ^= 1; }), { size: N });
    expect(hex(await proveInclusion(0, N, altered))).not.toEqual(hex(PATH(0, D)));
  });

  it('appends to an empty tree and rejects an empty tree hash', async () => {
    const log = new MemoryLog();
    await expect(appendEntries(log, 0, [])).rejects.toThrow();
    const r = await appendEntries(log, 0, [Buffer.from('a')]);
    expect(toHex(r.root)).toBe(toHex(leafHash(Buffer.from('a'))));
    expect(r.tiles.map((t) => t.tile)).toEqual([
      { level: -1, index: 0, width: 1 },
      { level: 0, index: 0, width: 1 },
    ]);
  });
});
