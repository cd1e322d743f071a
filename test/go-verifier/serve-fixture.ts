// A throwaway ledger server for testing go-verifier without the real server: builds a log of random
// entries in memory with src/ledger and serves checkpoint, key, tiles and entry bundles.
//
//   npx tsx test/go-verifier/serve-fixture.ts [--entries 1000] [--port 0] [--old-checkpoint FILE]
//                                             [--fork-checkpoint FILE] [--tamper tile/0/000] [--tamper-entry 7]
// Prints "<url> <verifier key>" on the first line of stdout, then serves until killed.
// --old-checkpoint writes a signed checkpoint taken halfway through building the log;
// --fork-checkpoint writes one of the same size and key but for different entries (a forked log).
// --tamper flips one byte of the served tile (any width) at that path; --tamper-entry alters entry i.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { signCheckpoint } from '../../src/ledger/checkpoint.ts';
import { encodeEntry } from '../../src/ledger/entry.ts';
import { MemoryLog } from '../../src/ledger/memory.ts';
import { keygen, parseSignerKey } from '../../src/ledger/note.ts';
import { encodeEntryBundle, ENTRIES_LEVEL, parseEntryBundle, parseTilePath, tilePath, tileWidth, TILE_WIDTH } from '../../src/ledger/tiles.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000' },
    port: { type: 'string', default: '0' },
    origin: { type: 'string', default: 'probity.local/ledger' },
    'old-checkpoint': { type: 'string' },
    'fork-checkpoint': { type: 'string' },
    tamper: { type: 'string' },
    'tamper-entry': { type: 'string' },
  },
});

const total = Number(args.entries);
const { signerKey, verifierKey } = keygen(args.origin!);
const signer = parseSignerKey(signerKey);
const log = new MemoryLog();
const types = ['unit', 'staff', 'service_item', 'user', 'case.event'];

function randomEntries(from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, k) =>
    encodeEntry({
      type: types[(from + k) % types.length]!,
      id: crypto.randomUUID(),
      version: 1 + crypto.randomInt(5),
      time: new Date(Date.UTC(2024, 0, 1) + (from + k) * 1000),
      digest: crypto.randomBytes(32).toString('hex'),
    }),
  );
}

// Build in uneven batches, like an integrator would; snapshot a checkpoint halfway.
const half = Math.max(1, Math.floor(total / 2));
for (let at = 0; at < total; ) {
  const n = Math.min(total - at, 1 + crypto.randomInt(300), at < half ? half - at : total);
  await log.append(randomEntries(at, n));
  at += n;
  if (at === half && args['old-checkpoint']) {
    fs.writeFileSync(args['old-checkpoint'], signCheckpoint({ origin: args.origin!, size: log.size, root: log.root! }, signer));
  }
}
if (args['fork-checkpoint']) {
  const fork = new MemoryLog();
  await fork.append(randomEntries(0, half));
  fs.writeFileSync(args['fork-checkpoint'], signCheckpoint({ origin: args.origin!, size: fork.size, root: fork.root! }, signer));
}
const checkpoint = signCheckpoint({ origin: args.origin!, size: log.size, root: log.root! }, signer);

function serveTile(path: string): Uint8Array | undefined {
  let tile;
  try {
    tile = parseTilePath(path);
  } catch {
    return undefined;
  }
  if (tile.width > tileWidth(log.size, tile.level, tile.index)) return undefined;
  let data: Buffer = Buffer.from(log.readTile(tile));
  if (args.tamper && tilePath({ ...tile, width: TILE_WIDTH }) === tilePath({ ...parseTilePath(args.tamper), width: TILE_WIDTH })) {
    const mid = data.length >> 1;
    data[mid] = data[mid]! ^ 0x01;
  }
  const te = args['tamper-entry'] === undefined ? -1 : Number(args['tamper-entry']);
  if (tile.level === ENTRIES_LEVEL && Math.floor(te / TILE_WIDTH) === tile.index) {
    const entries = parseEntryBundle(data).map((e) => Buffer.from(e));
    const e = entries[te % TILE_WIDTH];
    if (e) e[e.length - 2] = e[e.length - 2] === 0x30 ? 0x31 : 0x30; // a digest digit
    data = encodeEntryBundle(entries);
  }
  return data;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  if (url.pathname === '/ledger/checkpoint') return send(200, 'text/plain; charset=utf-8', checkpoint);
  if (url.pathname === '/ledger/key') return send(200, 'text/plain; charset=utf-8', verifierKey + '\n');
  if (url.pathname.startsWith('/ledger/tile/')) {
    const data = serveTile(url.pathname.slice('/ledger/'.length));
    if (data) return send(200, 'application/octet-stream', data);
  }
  send(404, 'text/plain; charset=utf-8', 'not found\n');
});
server.listen(Number(args.port), '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') console.log(`http://127.0.0.1:${addr.port} ${verifierKey}`);
});
