// `probity ledger verify --url`: checks a Probity ledger over HTTP as any outsider can, trusting
// nothing but the verifier key: the checkpoint's signature, the tree hash rebuilt from the tiles, the
// inclusion of sampled (or all) entries, and consistency with the checkpoint kept in a witness file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openCheckpoint, type Checkpoint } from './checkpoint.ts';
import { parseEntry } from './entry.ts';
import { hashEqual, leafHash, toBase64 } from './hash.ts';
import { parseVerifierKey, type Verifier } from './note.ts';
import { ENTRIES_LEVEL, parseEntryBundle, type Tile, tilePath, TILE_WIDTH, tileWidth } from './tiles.ts';
import { appendEntries, proveConsistency, proveInclusion, type TileReader, tileHashReader, treeHash, verifyConsistency, verifyInclusion } from './tlog.ts';

export class LedgerVerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerVerifyError';
  }
}

export interface RemoteVerifyOptions {
  url: string;
  /** The verifier key, from a trusted channel (not from the server being checked). */
  key: string;
  /** File holding the last checkpoint seen; checked for consistency, then replaced. */
  witness?: string;
  /** Check this many random entries (default 100). */
  sample?: number;
  /** Check every entry: rebuild the whole tree from the entry bundles. */
  all?: boolean;
  fetch?: typeof fetch;
}

const CONCURRENCY = 8;

/** Tiles over HTTP at exactly the requested width, each fetched once. */
class HttpTiles implements TileReader {
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  fetched = 0;
  constructor(private readonly base: string, private readonly doFetch: typeof fetch) {}

  get(t: Tile): Promise<Uint8Array> {
    const p = tilePath(t);
    let hit = this.cache.get(p);
    if (!hit) {
      hit = this.download(p);
      this.cache.set(p, hit);
    }
    return hit;
  }

  private async download(p: string): Promise<Uint8Array> {
    const res = await this.doFetch(`${this.base}/ledger/${p}`);
    if (res.status !== 200) throw new LedgerVerifyError(`GET /ledger/${p}: HTTP ${res.status}`);
    this.fetched++;
    return new Uint8Array(await res.arrayBuffer());
  }

  forget(t: Tile): void {
    this.cache.delete(tilePath(t));
  }

  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]> {
    return Promise.all(tiles.map((t) => this.get(t)));
  }
}

async function getText(doFetch: typeof fetch, url: string): Promise<string> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (err) {
    throw new LedgerVerifyError(`GET ${url}: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw new LedgerVerifyError(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** Runs `fn` over items with at most `n` in flight. */
async function eachLimited<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function bundle(tiles: HttpTiles, size: number, b: number): Promise<Uint8Array[]> {
  const t = { level: ENTRIES_LEVEL, index: b, width: tileWidth(size, ENTRIES_LEVEL, b) };
  const entries = parseEntryBundle(await tiles.get(t));
  if (entries.length !== t.width) throw new LedgerVerifyError(`${tilePath(t)}: ${entries.length} entries, expected ${t.width}`);
  return entries;
}

function checkEntry(idx: number, entry: Uint8Array): void {
  try {
    parseEntry(entry);
  } catch (err) {
    throw new LedgerVerifyError(`entry ${idx} is not a valid entry: ${(err as Error).message}`);
  }
}

/** Inclusion proofs for `indices`, each against the signed root. */
async function checkSample(tiles: HttpTiles, cp: Checkpoint, indices: number[]): Promise<void> {
  const reader = tileHashReader(tiles, { size: cp.size });
  await eachLimited(indices, CONCURRENCY, async (idx) => {
    const entry = (await bundle(tiles, cp.size, Math.floor(idx / TILE_WIDTH)))[idx % TILE_WIDTH]!;
    checkEntry(idx, entry);
    const proof = await proveInclusion(idx, cp.size, reader);
    if (!verifyInclusion(leafHash(entry), idx, cp.size, proof, cp.root)) throw new LedgerVerifyError(`entry ${idx} is not included in the signed tree`);
  });
}

/**
 * Every entry: the tree is rebuilt from all entry bundles (keeping only the right edge in memory)
 * and its root must be the signed one, which proves every entry is in the log at its index.
 */
async function checkAll(tiles: HttpTiles, cp: Checkpoint): Promise<void> {
  const edge = new Map<string, Uint8Array>();
  const local: TileReader = {
    readTiles: async (ts) => ts.map((t) => {
      const d = edge.get(`${t.level}/${t.index}`);
      if (!d) throw new Error(`bad math: no edge tile ${t.level}/${t.index}`);
      return d;
    }),
  };
  let size = 0;
  const bundles = Math.ceil(cp.size / TILE_WIDTH);
  const STEP = 64;
  for (let b0 = 0; b0 < bundles; b0 += STEP) {
    const ids = Array.from({ length: Math.min(STEP, bundles - b0) }, (_, k) => b0 + k);
    const got = new Map<number, Uint8Array[]>();
    await eachLimited(ids, CONCURRENCY, async (b) => {
      got.set(b, await bundle(tiles, cp.size, b));
    });
    const entries = ids.flatMap((b) => got.get(b)!);
    entries.forEach((e, k) => checkEntry(size + k, e));
    const result = await appendEntries(local, size, entries);
    for (const t of result.tiles) {
      const key = `${t.tile.level}/${t.tile.index}`;
      // Only partial tiles are read again (as the edge); full ones can go.
      if (t.tile.width < TILE_WIDTH) edge.set(key, t.data);
      else edge.delete(key);
    }
    for (const b of ids) tiles.forget({ level: ENTRIES_LEVEL, index: b, width: tileWidth(cp.size, ENTRIES_LEVEL, b) });
    size = result.size;
    if (size === cp.size && !hashEqual(result.root, cp.root)) {
      throw new LedgerVerifyError(`the ${size} entries hash to ${toBase64(result.root)}, not the signed root ${toBase64(cp.root)}`);
    }
  }
}

function sampleIndices(size: number, n: number): number[] {
  if (n >= size) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set<number>([size - 1]); // always the newest entry
  while (picked.size < n) picked.add(crypto.randomInt(size));
  return [...picked].sort((a, b) => a - b);
}

function openOrFail(text: string, verifier: Verifier, what: string): Checkpoint {
  try {
    return openCheckpoint(text, verifier);
  } catch (err) {
    throw new LedgerVerifyError(`${what}: ${(err as Error).message}`);
  }
}

export async function verifyRemote(options: RemoteVerifyOptions): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  let verifier: Verifier;
  try {
    verifier = parseVerifierKey(options.key);
  } catch (err) {
    throw new LedgerVerifyError(`--key: ${(err as Error).message}`);
  }
  const checkpointText = await getText(doFetch, `${base}/ledger/checkpoint`);
  const cp = openOrFail(checkpointText, verifier, 'checkpoint');
  const tiles = new HttpTiles(base, doFetch);
  const parts = ['signature'];

  try {
    const root = await treeHash(cp.size, tileHashReader(tiles, { size: cp.size }));
    if (!hashEqual(root, cp.root)) throw new LedgerVerifyError(`the tiles hash to ${toBase64(root)}, not the signed root ${toBase64(cp.root)}`);
    parts.push('tree hash from tiles');

    if (options.all) {
      await checkAll(tiles, cp);
      parts.push(`all ${cp.size} entries included`);
    } else {
      const indices = sampleIndices(cp.size, options.sample ?? 100);
      await checkSample(tiles, cp, indices);
      parts.push(`${indices.length} sampled entries included`);
    }

    if (options.witness) parts.push(await witness(options.witness, verifier, cp, checkpointText, tiles));
  } catch (err) {
    if (err instanceof LedgerVerifyError) throw err;
    throw new LedgerVerifyError((err as Error).message);
  }
  return `OK ${cp.origin} size ${cp.size} root ${toBase64(cp.root)}: ${parts.join(', ')} (${tiles.fetched} tiles fetched)`;
}

/** Consistency with the witnessed checkpoint, then the witness file is advanced. */
async function witness(file: string, verifier: Verifier, cp: Checkpoint, checkpointText: string, tiles: HttpTiles): Promise<string> {
  let note = '';
  if (fs.existsSync(file)) {
    const old = openOrFail(fs.readFileSync(file, 'utf8'), verifier, `witness ${file}`);
    if (old.size > cp.size) throw new LedgerVerifyError(`the log shrank: the witness has size ${old.size}, the server now ${cp.size}`);
    if (old.size === cp.size) {
      if (!hashEqual(old.root, cp.root)) throw new LedgerVerifyError(`fork: the witness and the server sign different roots for size ${cp.size}`);
    } else {
      const proof = await proveConsistency(old.size, cp.size, tileHashReader(tiles, { size: cp.size }));
      if (!verifyConsistency(old.size, cp.size, proof, old.root, cp.root)) {
        throw new LedgerVerifyError(`the witnessed checkpoint (size ${old.size}) is not a prefix of the current log: history was rewritten`);
      }
    }
    note = `consistent with witnessed size ${old.size}`;
  } else {
    note = 'no witness yet';
  }
  // Replace atomically, so an interrupted run never leaves a half-written witness.
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, checkpointText);
  fs.renameSync(tmp, file);
  return `${note}; witness now at size ${cp.size}`;
}
