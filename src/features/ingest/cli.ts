// `probity import <evidence kind> FILE [--source CODE] [--report F]`: NDJSON (gzip allowed), CSV or
// XLSX, with a progress bar. Resumable: a crash (kill -9) leaves the job's committed resume point,
// and importing the same file again (same SHA-256, kind, source and mode) continues from it.
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { AppContext } from '../../context.ts';
import { fileSha256 } from '../imports/reader.ts';
import { workerBatches } from './batches.ts';
import { EVIDENCE_KIND_NAMES } from './kinds.ts';
import { lineDefFor } from './ledger.ts';
import { DEFAULT_BATCH, ingestDepsFor, loadResume, runIngest, writeBatches, type IngestDeps, type Job } from './pipeline.ts';
import { fileRecords, sniffEvidenceFile } from './reader.ts';
import { RATINGS_HEADER, RATINGS_KIND, runRatingsIngest } from './ratings.ts';
import type { NeededCodes } from './refs.ts';
import * as repo from './repo.ts';
import { checkKind, cliSource, summaryOf } from './service.ts';

/** What `probity import` takes besides registry files: the evidence kinds, and ratings from 好差评 systems. */
export const EVIDENCE_KINDS: readonly string[] = [...EVIDENCE_KIND_NAMES, RATINGS_KIND];

export interface EvidenceImportOptions {
  report?: string;
  source?: string;
  mode?: 'insert' | 'upsert';
  /** Called after each committed batch (tests use it to simulate a crash). */
  onBatch?: (lines: number) => void;
  /** Where the progress bar and notes go (default stderr). */
  stderr?: NodeJS.WritableStream;
  /** Read and check on a worker thread (default: deps.readOnWorker and an NDJSON file of WORKER_MIN_BYTES or more). */
  worker?: boolean;
  /** Records per batch (default DEFAULT_BATCH; tests use small batches to have many). */
  batchSize?: number;
}

/**
 * From this size an NDJSON file is read and checked on a worker thread while this thread writes
 * (decision 83); below it, starting the thread costs more than it saves.
 */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** Opens (or resumes) the job for this file and runs it to the end. */
export async function importEvidence(deps: IngestDeps, kind: string, file: string, opts: EvidenceImportOptions = {}, progress?: (job: Job, committed: number, reading: () => { done: number; total: number }) => (lines: number) => void) {
  const spec = kind === RATINGS_KIND ? null : checkKind(kind);
  const jobKind = spec?.kind ?? RATINGS_KIND;
  const mode = spec ? (opts.mode ?? 'insert') : 'insert'; // a rating is never changed
  const source = await cliSource(deps, opts.source);
  const sha256 = await fileSha256(file);
  const found = await repo.findResumable(deps.db, { kind: jobKind, sha256, sourceId: source.id, mode });
  const job = found
    ? await repo.reopenJob(deps.db, found.id)
    : await repo.insertJob(deps.db, { kind: jobKind, source_id: source.id, mode, via: 'cli', file_name: path.basename(file), file_sha256: sha256, created_by: null, token_id: null });
  const resume = await loadResume(deps.db, job.id);
  const committed = resume.skipped + resume.ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
  const format = await sniffEvidenceFile(file);
  const ndjson = format === 'ndjson' || format === 'ndjson.gz';
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const threaded = spec !== null && ndjson && (opts.worker ?? (deps.readOnWorker === true && (await fs.promises.stat(file)).size >= WORKER_MIN_BYTES));
  let done: Job;
  if (threaded) {
    // The worker also prepares inserts (decision 85) once batches show new records, for kinds whose
    // ledger lines it can compute: it is given ids for those and asks here for the codes it meets.
    const def = lineDefFor(spec);
    const expectNew = { value: false };
    const hooks = def ? {
      ids: async () => (expectNew.value ? repo.reserveIds(deps.db, spec.table, batchSize, deps.singleConnection === true) : null),
      refs: (needed: NeededCodes) => repo.findRefs(deps.db, needed),
    } : undefined;
    const feed = workerBatches(deps.cipher, {
      file, kind: spec.kind, resume, batchSize, sourceCode: source.code, ...(def ? { prepare: { sourceId: source.id, def } } : {}),
    }, hooks);
    const onProgress = progressTo(progress?.(job, committed, feed.progress), opts.onBatch);
    done = await writeBatches(deps, spec, job, feed.batches, { scope: { kind: 'all' }, source, onProgress, expectNew }, resume);
  } else {
    const input = await fileRecords(file, spec?.header ?? RATINGS_HEADER, resume.skipped);
    const onProgress = progressTo(progress?.(job, committed, input.progress), opts.onBatch);
    done = spec
      ? await runIngest(deps, spec, job, input.records, { scope: { kind: 'all' }, source, onProgress, batchSize }, resume)
      : await runRatingsIngest(deps.db, job, input.records, { cipher: deps.cipher, skipped: resume.skipped, onProgress });
  }
  return { job: done, resumedFrom: found ? committed : null, format };
}

const progressTo = (bar: ((lines: number) => void) | undefined, onBatch: ((lines: number) => void) | undefined) => (lines: number) => {
  bar?.(lines);
  onBatch?.(lines);
};

export async function importEvidenceFile(ctx: AppContext, kind: string, file: string, opts: EvidenceImportOptions): Promise<void> {
  const deps = ingestDepsFor(ctx.database.kind, ctx.db, ctx.cipher);
  const err = opts.stderr ?? process.stderr;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    { format: `${kind} [{bar}] {percentage}% | {lines} lines | {rate} lines/s | {eta}s left`, stream: err, noTTYOutput: true, notTTYSchedule: 1000, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let startedBar = false;
  const { job, resumedFrom } = await importEvidence(deps, kind, file, opts, (j, committed, reading) => {
    if (committed > 0) err.write(`resuming ingest job #${j.id} after ${committed} lines\n`);
    return (lines) => {
      const { done, total } = reading();
      const payload = { lines, rate: Math.round((lines - committed) / Math.max(0.001, (Date.now() - started) / 1000)) };
      if (!startedBar) {
        bar.start(Math.max(total, 1), Math.min(done, total), payload);
        startedBar = true;
      } else bar.update(Math.min(done, total), payload);
    };
  }).finally(() => {
    if (startedBar) {
      bar.update(bar.getTotal());
      bar.stop();
    }
  });
  const s = await summaryOf(deps, job);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `ingest job #${s.jobId} (${kind}, ${resumedFrom !== null ? `resumed after ${resumedFrom} lines, ` : ''}${seconds.toFixed(1)} s): ` +
    `${s.lines} lines read, ${s.inserted} inserted, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} refused\n`,
  );
  await writeReport(deps, job.id, s.rejected, opts.report);
}

const csvCell = (v: string | number) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** Every refused line to a CSV file, or the first 20 to stdout. */
async function writeReport(deps: IngestDeps, jobId: number, rejected: number, reportFile?: string) {
  if (!rejected && !reportFile) return;
  if (reportFile) {
    const out = fs.createWriteStream(reportFile);
    out.write('line,field,reason\n');
    let written = 0;
    for (let page = 1; ; page++) {
      const { items } = await repo.listErrors(deps.db, jobId, { page, pageSize: 5000 });
      for (const e of items) out.write(`${e.line},${csvCell(e.field)},${csvCell(e.reason)}\n`);
      written += items.length;
      if (items.length < 5000) break;
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    process.stdout.write(`${written} refusal(s) written to ${reportFile}\n`);
    return;
  }
  const first = await repo.listErrors(deps.db, jobId, { page: 1, pageSize: 20 });
  process.stdout.write(['line,field,reason', ...first.items.map((e) => `${e.line},${csvCell(e.field)},${csvCell(e.reason)}`)].join('\n') + '\n');
  if (first.total > 20) process.stdout.write(`... ${first.total - 20} more; use --report FILE for all of them\n`);
}
