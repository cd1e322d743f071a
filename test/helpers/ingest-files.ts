// NDJSON evidence files for the ingest tests and benchmark: service transactions (办件) of the demo
// province, with bad lines at known positions. Lines are generated one at a time and streamed to
// disk, so a file of millions of lines never sits in memory.
import fs from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { generateDemoProvince } from '../../src/features/demo/generator.ts';

/** A small deterministic generator (mulberry32), so files are identical run to run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS = ['window', 'online', 'mobile', 'self_service', '窗口', '网办'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The ways a line can be bad, each breaking one field; cycled through in order. */
const BREAKERS: { field: string; apply: (r: Record<string, unknown>) => string }[] = [
  { field: '$', apply: (r) => JSON.stringify(r).slice(0, -5) },
  { field: 'serviceItemCode', apply: (r) => JSON.stringify({ ...r, serviceItemCode: 'NO_SUCH_ITEM' }) },
  { field: 'acceptedAt', apply: (r) => JSON.stringify({ ...r, acceptedAt: '2025-02-30T09:00:00+08:00' }) },
  { field: 'completedAt', apply: (r) => JSON.stringify({ ...r, completedAt: '2024-01-01T00:00:00+08:00' }) },
  { field: 'channel', apply: (r) => JSON.stringify({ ...r, channel: 'pigeon' }) },
  { field: 'externalId', apply: (r) => JSON.stringify({ ...r, externalId: undefined }) },
];

export interface TransactionFileOptions {
  /** Every badEvery-th line is broken in one field (0 = none). */
  badEvery?: number;
  /** Prefix of the external ids and codes, so that two files do not share records. */
  prefix?: string;
  seed?: number;
  /** Staff codes to name as handlers (every other line), e.g. the demo staff. */
  handlers?: string[];
  gzip?: boolean;
}

export interface EvidenceFile {
  path: string;
  lines: number;
  good: number;
  bad: { line: number; field: string }[];
}

let items: { code: string; unitCode: string; promisedDays: number }[] | undefined;
/** The demo province's service items — what generated transactions refer to. */
export function demoServiceItems() {
  return (items ??= generateDemoProvince({ staff: 0 }).serviceItems);
}

/** One transaction record (as an object) for line `i` (1-based); half of them carry their own code. */
export function transactionRecord(i: number, next: () => number, opts: TransactionFileOptions = {}): Record<string, unknown> {
  const list = demoServiceItems();
  const item = list[Math.floor(next() * list.length)]!;
  const day = 1 + Math.floor(next() * 365);
  const accepted = new Date(Date.UTC(2025, 0, day, 1 + Math.floor(next() * 8), Math.floor(next() * 60)));
  const a = `${accepted.getUTCFullYear()}-${pad(accepted.getUTCMonth() + 1)}-${pad(accepted.getUTCDate())}T${pad(accepted.getUTCHours())}:${pad(accepted.getUTCMinutes())}:00Z`;
  const done = next() < 0.9;
  const completed = new Date(accepted.getTime() + Math.floor(next() * 20 * 86400_000));
  const prefix = opts.prefix ?? 'T';
  const r: Record<string, unknown> = { externalId: `${prefix}${i}`, serviceItemCode: item.code, channel: CHANNELS[i % CHANNELS.length], acceptedAt: a };
  if (i % 2 === 0) r.transactionCode = `${prefix}C${String(i).padStart(10, '0')}`;
  if (done) {
    r.status = 'completed';
    r.completedAt = completed.toISOString();
  }
  if (opts.handlers?.length && i % 2 === 1) r.handlerCode = opts.handlers[i % opts.handlers.length];
  return r;
}

/** The lines of a transactions file, one at a time, with the field each bad line breaks. */
export function* transactionLines(count: number, opts: TransactionFileOptions = {}): Generator<{ text: string; bad?: string }> {
  const next = rng(opts.seed ?? 42);
  let broken = 0;
  for (let i = 1; i <= count; i++) {
    const r = transactionRecord(i, next, opts);
    if (opts.badEvery && i % opts.badEvery === 0) {
      const breaker = BREAKERS[broken++ % BREAKERS.length]!;
      yield { text: breaker.apply(r), bad: breaker.field };
    } else yield { text: JSON.stringify(r) };
  }
}

/** Writes `count` transaction lines to `path` (gzip optional), streaming with backpressure. */
export async function writeTransactionsNdjson(path: string, count: number, opts: TransactionFileOptions = {}): Promise<EvidenceFile> {
  const bad: { line: number; field: string }[] = [];
  const file = fs.createWriteStream(path);
  const gz = opts.gzip ? zlib.createGzip({ level: 1 }) : null;
  if (gz) gz.pipe(file);
  const out = gz ?? file;
  let buffer = '';
  let line = 0;
  for (const l of transactionLines(count, opts)) {
    line++;
    if (l.bad) bad.push({ line, field: l.bad });
    buffer += l.text + '\n';
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(file, 'finish');
  return { path, lines: count, good: count - bad.length, bad };
}

/** Records (objects or raw text lines) as an NDJSON body. */
export function ndjson(records: unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}
