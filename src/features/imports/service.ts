// Bulk import: idempotent by code, each batch one transaction (rows + errors + resume point), a
// row-level report for bad rows while every good row is kept, resumable after a crash.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB, ImportJobsTable } from '../../db/types.ts';
import type { Selectable } from 'kysely';
import { AppError, notFound, validationFailed } from '../../lib/errors.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { inlineSealer, workerSealer, type Sealer } from '../../lib/sealer.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { authorize, type Principal, type Scope } from '../auth/principal.ts';
import type { Numbered, RowError } from '../registry/batch.ts';
import { commitChanges } from '../registry/changes.ts';
import { recordToLedger } from '../registry/ledger-types.ts';
import { isImportKind, KINDS, IMPORT_KINDS, type ImportKind, type KindSpec } from './kinds.ts';
import { countRows, fileSha256, readRows } from './reader.ts';
import * as repo from './repo.ts';

export interface ImportDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
  /**
   * Batches written at once for kinds whose batches are independent (KindSpec.concurrentBatches):
   * 1 on PGlite (one connection), 2 on PostgreSQL (writersFor), so the server works on the next
   * batch while this thread finishes one and it commits. Batches still commit in file order.
   */
  writers?: number;
}

type Job = Selectable<ImportJobsTable>;
export type Progress = (done: number, total: number) => void;

export interface JobView {
  id: number;
  kind: string;
  fileName: string;
  status: string;
  totalRows: number | null;
  processedRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errorRows: number;
  failure: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export const jobView = (j: Job): JobView => ({
  id: j.id, kind: j.kind, fileName: j.file_name, status: j.status, totalRows: j.total_rows, processedRows: j.processed_rows,
  inserted: j.inserted, updated: j.updated, unchanged: j.unchanged, errorRows: j.error_count, failure: j.failure,
  startedAt: j.started_at.toISOString(), finishedAt: j.finished_at?.toISOString() ?? null,
});

export function checkKind(kind: string): ImportKind {
  if (!isImportKind(kind)) throw validationFailed([{ path: '/params/kind', message: `must be one of ${IMPORT_KINDS.join(', ')}` }]);
  return kind;
}

/** Finds the unfinished job for this same file (same kind and SHA-256) or starts a new one. */
export async function openJob(deps: ImportDeps, o: { kind: ImportKind; file: string; fileName: string; keepFile: boolean; createdBy: number | null }) {
  const sha = await fileSha256(o.file);
  const resumable = await repo.findResumable(deps.db, o.kind, sha);
  if (resumable) return { job: resumable, resumed: true };
  const job = await repo.insertJob(deps.db, { kind: o.kind, file_name: o.fileName, file_sha256: sha, file_path: o.keepFile ? o.file : null, total_rows: null, created_by: o.createdBy });
  return { job, resumed: false };
}

/**
 * Files with more rows than this seal on a worker thread; smaller ones on this thread, which saves
 * starting one (about a quarter of a second).
 */
export const WORKER_MIN_ROWS = 5000;

/** Runs (or resumes) a job to the end of its file. */
export async function executeJob(deps: ImportDeps, job: Job, file: string, scope: Scope, onProgress?: Progress): Promise<Job> {
  const spec = KINDS[job.kind as ImportKind];
  let sealer: Sealer | null = null;
  const running = new Set<Promise<void>>();
  let failure = null as { error: unknown } | null;
  try {
    const total = await countRows(file, spec.header);
    await repo.setTotal(deps.db, job.id, total);
    sealer = spec.prepareBatch && total - job.processed_rows > WORKER_MIN_ROWS ? workerSealer(deps.cipher) : inlineSealer(deps.cipher);
    const seen = new Map<string, Map<string, number>>(['code', ...spec.uniqueFields].map((f) => [f, new Map()]));
    let index = 0;
    let batch: Numbered<unknown>[] = [];
    let errors: RowError[] = [];
    const writers = spec.concurrentBatches ? Math.max(1, deps.writers ?? 1) : 1;
    // Stages at once: this thread reads and checks a batch while the one before it is sealed (on the
    // sealer's thread) and up to `writers` before that are written. Batches commit in file order
    // (each waits for the one before it to commit, see writeBatch), so the resume point always
    // covers exactly the rows committed before it; after a failure no later batch commits.
    let previous: Turn = doneTurn();
    let expected = job.processed_rows;
    const flush = async () => {
      const items = batch;
      const bad = errors;
      const processed = index;
      batch = [];
      errors = [];
      const prepared = spec.prepareBatch && items.length
        ? spec.prepareBatch(items.map((i) => i.input), sealer!).then((inputs) => items.map((i, k) => ({ row: i.row, input: inputs[k] })))
        : Promise.resolve(items);
      prepared.catch(() => {}); // observed here, rethrown where it is awaited
      while (running.size >= writers) await Promise.race(running);
      if (failure) throw failure.error;
      const after = previous;
      const turn = (previous = newTurn());
      const from = expected;
      expected = processed;
      const run: Promise<void> = prepared
        .then((ready) => writeBatch(deps, job.id, spec, scope, { items: ready, bad, from, processed }, after, () => failure !== null))
        .then(() => onProgress?.(processed, total))
        .then(turn.resolve, (error) => {
          failure ??= { error };
          turn.reject(error);
        })
        .finally(() => running.delete(run));
      running.add(run);
    };
    onProgress?.(job.processed_rows, total);
    for await (const src of await readRows(file, spec.header)) {
      index++;
      const parsed = spec.parse(src.values);
      const duplicate = parsed.ok ? claimUnique(seen, parsed.value as Record<string, unknown>, src.row) : null;
      if (index <= job.processed_rows) continue; // committed before a crash: only rebuild `seen`
      if (!parsed.ok) errors.push(...parsed.errors.map((e) => ({ row: src.row, field: e.path, reason: e.message })));
      else if (duplicate) errors.push(duplicate);
      else batch.push({ row: src.row, input: parsed.value });
      if (batch.length + errors.length >= spec.batchSize) await flush();
    }
    await flush();
    await Promise.all(running);
    if (failure) throw failure.error;
    // The completed job (what was imported, from which file, with what result) is itself a record.
    return await deps.db.transaction().execute(async (trx) => {
      const done = await repo.finishJob(trx, job.id, 'completed', null);
      await recordToLedger(trx, 'import', [done.id]);
      return done;
    });
  } catch (err) {
    await Promise.allSettled(running); // batches in flight commit (in order) or roll back first
    const message = err instanceof AppError ? err.message : `stopped by an internal error: ${(err as Error).message}`;
    await repo.finishJob(deps.db, job.id, 'failed', message).catch(() => {});
    throw err;
  } finally {
    await sealer?.close();
  }
}

/** One batch's place in the commit order: settled once it has committed (or failed). */
interface Turn { done: boolean; settled: Promise<void>; resolve: () => void; reject: (err: unknown) => void }

function newTurn(): Turn {
  const turn = { done: false } as Turn;
  turn.settled = new Promise<void>((resolve, reject) => {
    turn.resolve = () => { turn.done = true; resolve(); };
    turn.reject = (err) => { turn.done = true; reject(err); };
  });
  turn.settled.catch(() => {}); // the batch that failed reports it
  return turn;
}

function doneTurn(): Turn {
  const turn = newTurn();
  turn.resolve();
  return turn;
}

/** Thrown to roll a batch back and write it again once the batch before it has committed. */
class WriteAgain extends Error {}

interface ReadyBatch { items: Numbered<unknown>[]; bad: RowError[]; from: number; processed: number }

/**
 * Writes one batch in one transaction: its rows, their ledger entries, its row errors and the resume
 * point. With several writers the batch before may still be uncommitted while this one reads the
 * database: it can only free a unique value (an ID number) this batch claims, never take one (the
 * file's values are unique, claimUnique), so a batch refused such a value is written again after it.
 * The resume point is written last, once the batch before has committed, and only if it still is
 * where that batch left it: commits stay in file order, and a job run twice at once fails.
 */
async function writeBatch(deps: ImportDeps, jobId: number, spec: KindSpec, scope: Scope, b: ReadyBatch, after: Turn, failed: () => boolean) {
  let alone = after.done;
  for (;;) {
    try {
      await deps.db.transaction().execute(async (trx) => {
        const result = b.items.length ? await spec.apply(trx, { cipher: deps.cipher, scope }, b.items) : { changed: [], unchanged: 0, errors: [] };
        if (!alone && result.errors.some((e) => spec.uniqueFields.includes(e.field))) throw new WriteAgain();
        await commitChanges(trx, result.changed);
        await after.settled;
        if (failed()) throw new Error('an earlier batch failed');
        const inserted = result.changed.filter((c) => c.inserted).length;
        await repo.recordBatch(trx, jobId, {
          from: b.from, processed: b.processed, inserted, updated: result.changed.length - inserted, unchanged: result.unchanged, errors: mergeByField([...b.bad, ...result.errors]),
        });
      });
      return;
    } catch (err) {
      if (!(err instanceof WriteAgain)) throw err;
      await after.settled;
      alone = true;
    }
  }
}

/** Records the row's unique values; returns an error when one was already seen in this file. */
function claimUnique(seen: Map<string, Map<string, number>>, value: Record<string, unknown>, row: number): RowError | null {
  for (const [field, rows] of seen) {
    const key = value[field];
    if (key === null || key === undefined || key === '') continue;
    const first = rows.get(String(key));
    if (first !== undefined) return { row, field, reason: `duplicates row ${first} of this file` };
  }
  for (const [field, rows] of seen) {
    const key = value[field];
    if (key !== null && key !== undefined && key !== '') rows.set(String(key), row);
  }
  return null;
}

function mergeByField(errors: RowError[]): RowError[] {
  const merged = new Map<string, RowError>();
  for (const e of errors) {
    const key = `${e.row}\0${e.field}`;
    const prior = merged.get(key);
    merged.set(key, prior ? { ...prior, reason: `${prior.reason}; ${e.reason}` } : e);
  }
  return [...merged.values()];
}

// ---- over HTTP -------------------------------------------------------------------------------

const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Tracks background jobs so shutdown can wait for the batch in flight. */
export class ImportRunner {
  private readonly running = new Set<Promise<unknown>>();
  constructor(private readonly deps: ImportDeps, private readonly uploadDir: string, private readonly onError: (err: unknown) => void) {}

  async upload(principal: Principal | null, kind: string, body: Readable, fileName: string): Promise<JobView> {
    const p = authorize(principal, 'imports.run');
    const k = checkKind(kind);
    fs.mkdirSync(this.uploadDir, { recursive: true });
    const file = path.join(this.uploadDir, `${Date.now()}-${Math.random().toString(36).slice(2)}.upload`);
    await saveCapped(body, file, MAX_UPLOAD_BYTES);
    const { job, resumed } = await openJob(this.deps, { kind: k, file, fileName, keepFile: true, createdBy: p.kind === 'user' ? p.id : null });
    if (resumed) fs.rmSync(file, { force: true });
    this.start(job, job.file_path ?? file, p.scope);
    return jobView(job);
  }

  /** Picks up jobs that were running when the process died. */
  async resumeInterrupted(): Promise<number> {
    const jobs = await repo.runningJobsWithFiles(this.deps.db);
    for (const job of jobs) if (job.file_path && fs.existsSync(job.file_path)) this.start(job, job.file_path, await this.scopeOf(job));
    return jobs.length;
  }

  private async scopeOf(job: Job): Promise<Scope> {
    // A resumed job keeps the scope of whoever started it.
    if (!job.created_by) return { kind: 'all' };
    const u = await this.deps.db.selectFrom('users as u').leftJoin('regions as r', 'r.id', 'u.scope_region_id').leftJoin('units as un', 'un.id', 'u.scope_unit_id')
      .select(['u.scope_region_id', 'u.scope_unit_id', 'r.path as rp', 'un.path as up']).where('u.id', '=', job.created_by).executeTakeFirst();
    if (u?.scope_unit_id && u.up) return { kind: 'unit', unitId: u.scope_unit_id, path: u.up };
    if (u?.scope_region_id && u.rp) return { kind: 'region', regionId: u.scope_region_id, path: u.rp };
    return { kind: 'all' };
  }

  private start(job: Job, file: string, scope: Scope) {
    const run = executeJob(this.deps, job, file, scope)
      .then(() => fs.rmSync(file, { force: true }))
      .catch(this.onError)
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}

async function saveCapped(body: Readable, file: string, limit: number) {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) done(new AppError(413, `The file is larger than ${limit / 1024 / 1024} MB`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, cap, fs.createWriteStream(file));
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  if (size === 0) {
    fs.rmSync(file, { force: true });
    throw validationFailed([{ path: '/body', message: 'the file is empty' }]);
  }
}

async function visibleJob(deps: ImportDeps, p: Principal, id: number): Promise<Job> {
  const job = await repo.findJob(deps.db, id);
  if (!job || (p.role !== 'admin' && job.created_by !== (p.kind === 'user' ? p.id : -1))) throw notFound(`Import ${id}`);
  return job;
}

export async function getJob(deps: ImportDeps, principal: Principal | null, id: number): Promise<JobView> {
  return jobView(await visibleJob(deps, authorize(principal, 'imports.read'), id));
}

export async function listJobErrors(deps: ImportDeps, principal: Principal | null, id: number, page: PageQuery): Promise<Page<{ row: number; field: string; reason: string }>> {
  await visibleJob(deps, authorize(principal, 'imports.read'), id);
  const { items, total } = await repo.listErrors(deps.db, id, page);
  return { items: items.map((e) => ({ row: e.row_number, field: e.field, reason: e.reason })), page: page.page, pageSize: page.pageSize, total };
}
