// Record sources for ingestion: NDJSON from any byte stream (an HTTP body, a file, gzip or not), and
// evidence files in NDJSON, CSV or XLSX (CSV/XLSX through the imports reader). Records come in
// arrays (one per chunk read) so that a million lines do not cost a million async steps.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pipeline, Transform } from 'node:stream';
// CSV/XLSX readers are imported when needed: NDJSON is read on a worker thread too, where loading
// exceljs would cost 0.5 s of CPU for nothing.
import type { HeaderSpec } from '../imports/reader.ts';

export interface RawRecord {
  /** NDJSON: the physical line number (1-based). CSV/XLSX: the row number a spreadsheet shows. */
  line: number;
  values: Record<string, unknown> | null;
  /** Set when the line could not be read as a record at all (field '$' = the whole line). */
  error?: { field: string; reason: string };
}

export const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

function parseLine(text: string, line: number): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message may quote the line, and a line may hold personal data: report only where it broke.
    const at = /at position (\d+)/.exec((err as Error).message)?.[1];
    return { line, values: null, error: { field: '$', reason: at ? `is not valid JSON (at character ${Number(at) + 1})` : 'is not valid JSON' } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { line, values: null, error: { field: '$', reason: 'must be a JSON object' } };
  }
  return { line, values: value as Record<string, unknown> };
}

const isBlank = (buf: Buffer, start: number, end: number) => {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
};

/**
 * Splits a byte stream into NDJSON records. Blank lines are skipped (but counted, so line numbers
 * stay those of the file); the first `skip` non-blank lines are counted and not parsed (resume).
 * A line longer than maxLine bytes is reported and skipped without being held in memory.
 */
export async function* ndjsonRecords(stream: AsyncIterable<Buffer | string>, opts: { skip?: number; maxLine?: number } = {}): AsyncGenerator<RawRecord[]> {
  const maxLine = opts.maxLine ?? MAX_LINE_BYTES;
  let toSkip = opts.skip ?? 0;
  let line = 0;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let overlong = false;
  let first = true;

  const emit = (buf: Buffer, start: number, end: number, out: RawRecord[]) => {
    line++;
    if (first) {
      first = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3; // BOM
    }
    if (overlong) {
      overlong = false;
      if (toSkip > 0) {
        toSkip--;
        return;
      }
      out.push({ line, values: null, error: { field: '$', reason: `is longer than ${maxLine} bytes` } });
      return;
    }
    if (isBlank(buf, start, end)) return;
    if (toSkip > 0) {
      toSkip--;
      return;
    }
    out.push(parseLine(buf.toString('utf8', start, end), line));
  };

  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    const out: RawRecord[] = [];
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl < 0) break;
      if (carryBytes) {
        // A newline never occurs inside a multi-byte UTF-8 sequence, so joining at lines is safe.
        const joined = Buffer.concat([...carry, chunk.subarray(pos, nl)]);
        carry = [];
        carryBytes = 0;
        emit(joined, 0, joined.length, out);
      } else emit(chunk, pos, nl, out);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      if (overlong || carryBytes + chunk.length - pos > maxLine) {
        overlong = true;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(chunk.subarray(pos));
        carryBytes += chunk.length - pos;
      }
    }
    if (out.length) yield out;
  }
  if (carryBytes || overlong) {
    const out: RawRecord[] = [];
    const joined = Buffer.concat(carry);
    emit(joined, 0, joined.length, out);
    if (out.length) yield out;
  }
}

// ---- files (CLI) -----------------------------------------------------------------------------

export type EvidenceFileFormat = 'ndjson' | 'ndjson.gz' | 'csv' | 'xlsx';

/** Recognised by content: gzip and ZIP (XLSX) by magic bytes, NDJSON by a leading '{'. */
export async function sniffEvidenceFile(file: string): Promise<EvidenceFileFormat> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'ndjson.gz';
    if (bytesRead >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'xlsx';
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('{') ? 'ndjson' : 'csv';
  } finally {
    await handle.close();
  }
}

export interface FileRecords {
  format: EvidenceFileFormat;
  records: AsyncIterable<RawRecord[]>;
  /** How far the reading has got, in the unit of `total` (bytes for NDJSON, rows for CSV/XLSX). */
  progress: () => { done: number; total: number };
}

/** The records of an evidence file after the first `skip` ones (already committed by an earlier run). */
export async function fileRecords(file: string, header: HeaderSpec, skip: number): Promise<FileRecords> {
  const format = await sniffEvidenceFile(file);
  if (format === 'ndjson' || format === 'ndjson.gz') {
    const total = (await fs.promises.stat(file)).size;
    let done = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        cb(null, chunk);
      },
    });
    const file$ = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    // pipeline() destroys every stage on an error, so a bad gzip stream fails the read instead of hanging.
    const bytes = format === 'ndjson.gz' ? pipeline(file$, tap, zlib.createGunzip(), () => {}) : pipeline(file$, tap, () => {});
    return { format, records: ndjsonRecords(bytes, { skip }), progress: () => ({ done, total }) };
  }
  const { countRows, readRows } = await import('../imports/reader.ts');
  const total = await countRows(file, header);
  let done = 0;
  async function* rows(): AsyncGenerator<RawRecord[]> {
    let batch: RawRecord[] = [];
    for await (const r of await readRows(file, header)) {
      done++;
      if (done <= skip) continue;
      batch.push({ line: r.row, values: r.values });
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  return { format, records: rows(), progress: () => ({ done, total }) };
}
