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
  try {
    const total = await countRows(file, spec.header);
    await repo.setTotal(deps.db, job.id, total);
    sealer = spec.prepareBatch && total - job.processed_rows > WORKER_MIN_ROWS ? workerSealer(deps.cipher) : inlineSealer(deps.cipher);
    const seen = new Map<string, Map<string, number>>(['code', ...spec.uniqueFields].map((f) => [f, new Map()]));
    let index = 0;
    let batch: Numbered<unknown>[] = [];
    let errors: RowError[] = [];
    // Three stages at once: this thread reads and checks a batch while the one before it is sealed
    // (on the sealer's thread) and the one before that is written. Batches still commit in order,
    // so the resume point always covers exactly the rows committed before it.
    let inFlight: Promise<void> = Promise.resolve();
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
      await inFlight;
      inFlight = prepared.then((ready) => writeBatch(deps, job.id, spec, scope, ready, bad, processed)).then(() => onProgress?.(processed, total));
      inFlight.catch(() => {});
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
    await inFlight;
    // The completed job (what was imported, from which file, with what result) is itself a record.
    return await deps.db.transaction().execute(async (trx) => {
      const done = await repo.finishJob(trx, job.id, 'completed', null);
      await recordToLedger(trx, 'import', [done.id]);
      return done;
    });
  } catch (err) {
    const message = err instanceof AppError ? err.message : `stopped by an internal error: ${(err as Error).message}`;
    await repo.finishJob(deps.db, job.id, 'failed', message).catch(() => {});
    throw err;
  } finally {
    await sealer?.close();
  }
}

async function writeBatch(deps: ImportDeps, jobId: number, spec: KindSpec, scope: Scope, items: Numbered<unknown>[], bad: RowError[], processed: number) {
  await deps.db.transaction().execute(async (trx) => {
    const result = items.length ? await spec.apply(trx, { cipher: deps.cipher, scope }, items) : { changed: [], unchanged: 0, errors: [] };
    await commitChanges(trx, result.changed);
    const inserted = result.changed.filter((c) => c.inserted).length;
    await repo.recordBatch(trx, jobId, {
      processed, inserted, updated: result.changed.length - inserted, unchanged: result.unchanged, errors: mergeByField([...bad, ...result.errors]),
    });
  });
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
