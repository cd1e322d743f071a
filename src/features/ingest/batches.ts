// The first stage of an ingest, which needs no database: records in, checked and cut into batches
// (each line parsed, checked field by field, its content hashed and, for a transaction without a
// code of its own, its derived code computed). The second stage (pipeline.ts) resolves codes to ids
// and writes. For big files the first stage runs on a worker thread of its own (batch-worker.ts),
// so that on PGlite, whose database runs on the main thread, reading and writing use both cores.
import crypto from 'node:crypto';
import { dataKeyOf, type FieldCipher } from '../../lib/crypto.ts';
import { startWorker } from '../../lib/workers.ts';
import { derivedTransactionCode } from './codes.ts';
import type { EvidenceKind, EvidenceSpec } from './kinds.ts';
import type { RawRecord } from './reader.ts';
import type { LineDef } from './ledger-lines.ts';
import type { PreparedBatch } from './prepare.ts';
import type { FoundRefs, NeededCodes } from './refs.ts';
import type { RowError } from './repo.ts';

export interface Pending {
  line: number;
  value: { externalId: string };
  hash: string;
  /** The derived unique value (transaction code) of a record that brings none of its own. */
  code?: string;
}

/** Records first..last of the job (a run cut at fixed record numbers): the checked ones and the refused lines. */
export interface Batch {
  first: number;
  last: number;
  items: Pending[];
  errors: RowError[];
  /** Its insert prepared on the reading worker, when the main thread asked for that (decision 85). */
  prepared?: PreparedBatch;
}

export interface Resume {
  /** Records the reader was asked to skip: the committed prefix 1..skipped. */
  skipped: number;
  /** Committed record ranges after that prefix (a job whose batches committed out of order). */
  ranges: { first: number; last: number }[];
}

/**
 * SHA-256 (hex) of the record as checked (codes, not database ids): what "the same content" means.
 * The kind, then each field's value in the order the kind's parser sets them, each after U+001F, null
 * as U+001E (checked values never contain either) — a third of the time of JSON.stringify.
 */
export function contentHash(kind: string, value: object): string {
  let text = kind;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    text += v === null || v === undefined ? '\u001f\u001e' : `\u001f${v as string | number}`;
  }
  return crypto.hash('sha256', text, 'hex');
}

/** The derived transaction code of each record of this source that has none (see codes.ts). */
export const codeDeriver = (cipher: FieldCipher, sourceCode: string) => (externalId: string) => derivedTransactionCode(cipher, sourceCode, externalId);

export interface BatchOptions {
  batchSize: number;
  resume: Resume;
  derive: (externalId: string) => string;
}

/**
 * Cuts the records after resume.skipped into batches of at most batchSize records, at fixed record
 * numbers (multiples of batchSize), never spanning records an earlier run committed.
 */
export async function* batchesOf(spec: EvidenceSpec, records: AsyncIterable<RawRecord[]>, opts: BatchOptions): AsyncGenerator<Batch> {
  const { ranges } = opts.resume;
  let rangeAt = 0;
  const committedBefore = (n: number) => {
    while (rangeAt < ranges.length && ranges[rangeAt]!.last < n) rangeAt++;
    return rangeAt < ranges.length && ranges[rangeAt]!.first <= n;
  };
  const unique = spec.unique?.field;
  let batch: Batch | null = null;
  let index = opts.resume.skipped;
  for await (const chunk of records) {
    for (const rec of chunk) {
      index++;
      if (committedBefore(index)) {
        if (batch) yield batch;
        batch = null;
        continue;
      }
      batch ??= { first: index, last: index, items: [], errors: [] };
      batch.last = index;
      if (rec.error || !rec.values) {
        batch.errors.push({ line: rec.line, field: rec.error?.field ?? '$', reason: rec.error?.reason ?? 'is empty' });
      } else {
        const parsed = spec.parse(rec.values);
        if (parsed.ok) {
          const value = parsed.value as Pending['value'] & Record<string, unknown>;
          const item: Pending = { line: rec.line, value, hash: contentHash(spec.kind, value) };
          if (unique && value[unique] === null) item.code = opts.derive(value.externalId);
          batch.items.push(item);
        } else for (const e of parsed.errors) batch.errors.push({ line: rec.line, field: e.path, reason: e.message });
      }
      if (index % opts.batchSize === 0) {
        yield batch;
        batch = null;
      }
    }
  }
  if (batch) yield batch;
}

// ---- across threads ----------------------------------------------------------------------------

/**
 * A batch as it crosses to the main thread: the checked records as ONE JSON text of arrays
 * [line, hash, code, ...values in `keys` order]. Structured clone of 5,000 record objects cost the
 * receiving thread 17 ms, the same records as one text 6 ms to clone and parse (measured; decision 83).
 */
export interface PackedBatch { first: number; last: number; keys: string[]; rows: string; errors: RowError[] }

export function packBatch(b: Batch): PackedBatch {
  const keys = b.items.length ? Object.keys(b.items[0]!.value) : [];
  const rows = b.items.map((p) => {
    const value = p.value as Record<string, unknown>;
    const row: unknown[] = [p.line, p.hash, p.code ?? null];
    for (const k of keys) row.push(value[k]);
    return row;
  });
  return { first: b.first, last: b.last, keys, rows: JSON.stringify(rows), errors: b.errors };
}

/** The batch of a packed one; its records are unpacked when first asked for (a prepared batch may never need them). */
export function unpackBatch(p: PackedBatch, prepared?: PreparedBatch): Batch {
  let items: Pending[] | undefined;
  return {
    first: p.first, last: p.last, errors: p.errors, ...(prepared ? { prepared } : {}),
    get items() {
      items ??= unpackItems(p);
      return items;
    },
  };
}

function unpackItems(p: PackedBatch): Pending[] {
  const keys = p.keys;
  return (JSON.parse(p.rows) as unknown[][]).map((row): Pending => {
    const value: Record<string, unknown> = {};
    for (let j = 0; j < keys.length; j++) value[keys[j]!] = row[3 + j];
    const item: Pending = { line: row[0] as number, value: value as Pending['value'], hash: row[1] as string };
    if (row[2] !== null) item.code = row[2] as string;
    return item;
  });
}

/** What the worker thread is started with (its workerData). */
export interface BatchWorkerData {
  file: string;
  kind: EvidenceKind;
  resume: Resume;
  batchSize: number;
  sourceCode: string;
  dataKey: Uint8Array;
  /** Batches the worker may have sent that the main thread has not yet taken (the bounded queue). */
  ahead: number;
  /** Set when the worker prepares inserts (decision 85): the job's source and the kind's ledger type. */
  prepare?: { sourceId: number; def: LineDef };
}

/** From the main thread: a credit for one more batch (with ids when it should be prepared), or code look-ups. */
export type BatchWorkerRequest = { take: true; ids: number[] | null } | { refs: FoundRefs };

export type BatchWorkerMessage =
  | { batch: PackedBatch; prepared?: PreparedBatch; read: { done: number; total: number } }
  | { need: NeededCodes }
  | { end: true }
  | { error: string; code?: string };

export interface BatchFeed {
  batches: AsyncIterable<Batch>;
  /** How far the worker has read the file, in bytes, as of the last batch taken. */
  progress: () => { done: number; total: number };
}

/** What the main thread does for a worker that prepares inserts (decision 85). */
export interface PrepareHooks {
  /** Ids for the next batch the worker builds, or null when it should not prepare it (records may be known). */
  ids: () => Promise<number[] | null>;
  /** The registry records of codes the worker has not seen yet. */
  refs: (needed: NeededCodes) => Promise<FoundRefs>;
}

/**
 * The batches of an evidence file, read and checked on a worker thread. At most `ahead` batches wait
 * for the main thread (the worker stops reading until one is taken). A failure in the worker ends
 * the iteration with its error; leaving the iteration early stops the worker. With `hooks` (and
 * job.prepare) the worker also prepares the inserts of batches it is given ids for.
 */
export function workerBatches(cipher: FieldCipher, job: Omit<BatchWorkerData, 'dataKey' | 'ahead'> & { ahead?: number }, hooks?: PrepareHooks): BatchFeed {
  let read = { done: 0, total: 0 };
  async function* feed(): AsyncGenerator<Batch> {
    const data: BatchWorkerData = { ...job, ahead: job.ahead ?? 2, dataKey: dataKeyOf(cipher) };
    const worker = startWorker(new URL('./batch-worker.ts', import.meta.url), data as unknown as Record<string, unknown>);
    const queue: Exclude<BatchWorkerMessage, { need: NeededCodes }>[] = [];
    let wake: (() => void) | null = null;
    const push = (m: (typeof queue)[number]) => {
      queue.push(m);
      wake?.();
      wake = null;
    };
    const ask = (request: BatchWorkerRequest) => worker.postMessage(request);
    const fail = (err: unknown) => push({ error: (err as Error).message });
    worker.on('message', (m: BatchWorkerMessage) => {
      // Look-ups are answered at once, beside the batches (the worker waits for them to go on).
      if ('need' in m) hooks!.refs(m.need).then((refs) => ask({ refs }), fail);
      else push(m);
    });
    worker.on('error', (err) => push({ error: err.message }));
    worker.on('exit', (code) => push({ error: `the reading worker stopped (exit code ${code})` }));
    // A credit is sent once its ids are drawn, without holding up the batch just taken.
    const grant = () => (hooks ? hooks.ids().then((ids) => ask({ take: true, ids }), fail) : ask({ take: true, ids: null }));
    try {
      for (;;) {
        while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
        const m = queue.shift()!;
        if ('end' in m) return;
        if ('error' in m) throw Object.assign(new Error(m.error), m.code ? { code: m.code } : {});
        void grant();
        read = m.read;
        yield unpackBatch(m.batch, m.prepared);
      }
    } finally {
      await worker.terminate();
    }
  }
  return { batches: feed(), progress: () => read };
}
