// The ingest engine shared by the HTTP stream and the CLI: records in, checked line by line, written
// in batches. Each batch's rows, its ledger records, its refused lines and the job's resume point
// commit in one transaction, so a crash loses nothing acknowledged and a retry doubles nothing.
// Reading and checking (batches.ts) is the first stage, on this thread or on a worker thread.
// Idempotent by (source, external id): the same content again is "unchanged", different content a
// row error unless the job declares updates (mode upsert), which rewrite the row and bump its version.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import type { Scope } from '../auth/principal.ts';
import { unitRefInScope } from '../registry/scope.ts';
import { batchesOf, codeDeriver, type Batch, type Resume } from './batches.ts';
import type { EvidenceSpec, RowContext } from './kinds.ts';
import { nextEvidenceBatch, recordEvidenceBatch, recordLedger, recordPreparedBatch } from './ledger.ts';
import type { PreparedBatch } from './prepare.ts';
import type { InsertedEvidence } from './ledger-lines.ts';
import type { RawRecord } from './reader.ts';
import { needsNothing, RefCache } from './refs.ts';
import * as repo from './repo.ts';
import type { IngestJobsTable } from './tables.ts';

export interface IngestDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
  /** Batches written at once: 1 on PGlite (one connection), 2 on PostgreSQL (see writersFor). */
  writers?: number;
  /** Big files are read and checked on a worker thread (PGlite; see readOnWorkerFor and decision 83). */
  readOnWorker?: boolean;
  /** One connection whose statements never interleave (PGlite): ids are drawn ahead in one jump (reserveIds). */
  singleConnection?: boolean;
}

/** Two writers on PostgreSQL keep the server busy while one batch commits (measured ×1.5 on 2 cores). */
export const writersFor = (kind: 'pglite' | 'postgres') => (kind === 'postgres' ? 2 : 1);

/**
 * A reading thread pays where the database runs on this thread (PGlite) and a core would idle; on
 * PostgreSQL the server already uses the second core and the worker's own cost made it slower (decision 83).
 */
export const readOnWorkerFor = (kind: 'pglite' | 'postgres') => kind === 'pglite';

/** The deps of an ingest on this kind of database. */
export const ingestDepsFor = (kind: 'pglite' | 'postgres', db: Kysely<DB>, cipher: FieldCipher): IngestDeps => ({
  db, cipher, writers: writersFor(kind), readOnWorker: readOnWorkerFor(kind), singleConnection: kind === 'pglite',
});

export type Job = Selectable<IngestJobsTable>;
export type RowError = repo.RowError;

export const DEFAULT_BATCH = 5000;

export interface RunOptions {
  scope: Scope;
  source: { id: number; code: string };
  batchSize?: number;
  /** Called after each batch commits, with the number of records committed so far (a throw stops the job). */
  onProgress?: (lines: number) => void;
  /**
   * Kept up to date with whether the next batches are expected to hold only new records: the
   * reading worker prepares the inserts of those (decision 85).
   */
  expectNew?: { value: boolean };
}

interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Lines whose record was already stored (decides whether the next batch looks first). */
  known: number;
  errors: RowError[];
  /** For the batch's ledger entry: rows inserted (with their values) and ids of rows updated. */
  ledger: { inserted: InsertedEvidence[]; updated: number[] };
}

function mergeByField(errors: RowError[]): RowError[] {
  const merged = new Map<string, RowError>();
  for (const e of errors) {
    const key = `${e.line}\0${e.field}`;
    const prior = merged.get(key);
    merged.set(key, prior ? { ...prior, reason: `${prior.reason}; ${e.reason}` } : e);
  }
  return [...merged.values()];
}

const CONFLICT = 'conflicts with the stored record of this source (send it with mode=upsert to update it)';

/** Writes one batch's checked records inside `trx`: inserts, comparisons, declared updates. */
async function writeRows(trx: Transaction<DB>, spec: EvidenceSpec, job: Job, rows: (repo.EvidenceRow & { line: number })[], lookFirst: boolean, ledgerBatch: number): Promise<BatchOutcome> {
  const out: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, errors: [], ledger: { inserted: [], updated: [] }, known: 0 };
  // Looking first makes a re-sent batch (a daily export overlapping yesterday's) one read and no write;
  // for new records it is a wasted read, so the caller asks for it only after a batch that met known ids.
  const stored = lookFirst
    ? await repo.findExisting(trx, spec, job.source_id, [...new Set(rows.map((r) => r.externalId))])
    : new Map<string, repo.StoredRow>();
  out.known = stored.size;
  const fresh: typeof rows = [];
  const compare: typeof rows = [];
  const firstSeen = new Set<string>();
  const repeated = new Set<string>();
  for (const r of rows) {
    if (stored.has(r.externalId)) compare.push(r);
    else if (firstSeen.has(r.externalId)) {
      repeated.add(r.externalId); // compared with its first line once that is stored
      compare.push(r);
    } else {
      firstSeen.add(r.externalId);
      fresh.push(r);
    }
  }
  // New records in a batch that met none stored go in without ON CONFLICT, unless two of them share a code.
  const u = spec.unique;
  const distinct = !u || new Set(fresh.map((r) => r.values[u.index])).size === fresh.length;
  const attempt = !lookFirst && distinct ? repo.insertExpectedNew(trx, spec, job.source_id, fresh, ledgerBatch) : repo.insertNew(trx, spec, job.source_id, fresh, ledgerBatch);
  const done = await attempt;
  const inserted = new Map(done.rows.map((r) => [r.external_id, r.id]));
  const missed: typeof rows = [];
  for (const r of fresh) {
    const id = inserted.get(r.externalId);
    if (id === undefined) {
      missed.push(r); // stored meanwhile by a concurrent batch, or its transaction code is taken
      continue;
    }
    out.inserted++;
    out.ledger.inserted.push({ id, row: r, at: done.at! });
    if (repeated.has(r.externalId)) stored.set(r.externalId, { id, hash: r.hash, version: 1, unique: spec.unique ? String(r.values[spec.unique.index]) : null });
  }
  if (missed.length) {
    const found = await repo.findExisting(trx, spec, job.source_id, missed.map((r) => r.externalId));
    out.known += found.size;
    for (const [k, v] of found) stored.set(k, v);
    compare.push(...missed);
    compare.sort((a, b) => a.line - b.line);
  }

  const updates = new Map<number, repo.EvidenceRow & { id: number; line: number }>();
  const linesOf = new Map<number, number[]>(); // every line asking to update a record
  for (const r of compare) {
    const s = stored.get(r.externalId);
    if (!s) {
      // Not stored under this source and id, yet not inserted: its unique value belongs to another record.
      out.errors.push({ line: r.line, field: spec.unique?.field ?? 'externalId', reason: spec.unique ? 'is already used by another record' : 'could not be stored; send it again' });
    } else if (s.hash === r.hash) {
      out.unchanged++;
    } else if (job.mode !== 'upsert') {
      out.errors.push({ line: r.line, field: 'externalId', reason: CONFLICT });
    } else {
      updates.set(s.id, { ...r, id: s.id }); // the last line for a record wins
      linesOf.set(s.id, [...(linesOf.get(s.id) ?? []), r.line]);
    }
  }
  if (spec.unique && updates.size) {
    // An update must not take a unique value (transaction code) that another record holds.
    const u = spec.unique;
    const changed = [...updates.values()].filter((r) => r.values[u.index] !== stored.get(r.externalId)?.unique);
    const owners = await repo.uniqueOwners(trx, spec, changed.map((r) => String(r.values[u.index])));
    const claimed = new Set<string>();
    for (const r of changed) {
      const value = String(r.values[u.index]);
      const owner = owners.get(value);
      if ((owner !== undefined && owner !== r.id) || claimed.has(value)) {
        updates.delete(r.id);
        for (const line of linesOf.get(r.id) ?? []) out.errors.push({ line, field: u.field, reason: 'is already used by another record' });
      } else claimed.add(value);
    }
  }
  for (const u of await repo.updateRows(trx, spec, [...updates.values()], ledgerBatch)) {
    out.updated += linesOf.get(u.id)?.length ?? 1;
    out.ledger.updated.push(u.id);
  }
  return out;
}

export type { Resume } from './batches.ts';

/** Where a job stands: the committed prefix (for the reader to skip) and later committed ranges. */
export async function loadResume(db: repo.Executor, jobId: number): Promise<Resume> {
  const ranges = await repo.committedRanges(db, jobId);
  let skipped = 0;
  while (ranges.length && ranges[0]!.first === skipped + 1) skipped = ranges.shift()!.last;
  return { skipped, ranges };
}

const RETRYABLE = new Set(['40P01', '40001', '23505']); // deadlock, serialization failure, unique race

/**
 * Runs (or resumes) a job over a stream of records (those after resume.skipped) to its end and
 * returns the finished job row, reading and checking them on this thread.
 */
export async function runIngest(deps: IngestDeps, spec: EvidenceSpec, job: Job, records: AsyncIterable<RawRecord[]>, opts: RunOptions, resume: Resume = { skipped: 0, ranges: [] }): Promise<Job> {
  const batches = batchesOf(spec, records, { batchSize: opts.batchSize ?? DEFAULT_BATCH, resume, derive: codeDeriver(deps.cipher, opts.source.code) });
  return writeBatches(deps, spec, job, batches, opts, resume);
}

/**
 * Writes a job's batches (from batchesOf, on this thread or a worker's) to the end and returns the
 * finished job row. Up to `writers` batches are written at once (PostgreSQL: one connection each).
 */
export async function writeBatches(deps: IngestDeps, spec: EvidenceSpec, job: Job, batches: AsyncIterable<Batch>, opts: RunOptions, resume: Resume): Promise<Job> {
  const writers = Math.max(1, deps.writers ?? 1);
  const refs = new RefCache();
  const codeOf = codeDeriver(deps.cipher, opts.source.code);
  let derived: string | undefined; // the code the first stage derived for the record being built
  const ctx: RowContext = { inScope: (ref) => unitRefInScope(ref, opts.scope), refs, transactionCode: (externalId) => derived ?? codeOf(externalId) };
  let committed = resume.skipped + resume.ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
  let lookFirst = true; // until a batch shows the records are new

  /** A batch's bookkeeping in its transaction: its counts and its refused lines, one error per line and field. */
  const recordOutcome = (trx: Transaction<DB>, b: Batch, counts: { inserted: number; updated: number; unchanged: number }, errors: RowError[]) => {
    const all = mergeByField(errors).sort((x, y) => x.line - y.line);
    return repo.recordBatch(trx, job.id, {
      first: b.first, last: b.last, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, rejected: new Set(all.map((e) => e.line)).size, errors: all,
    });
  };

  /** A batch whose insert the worker prepared: false, with nothing written, when a record was not new after all. */
  const writePrepared = (b: Batch, p: PreparedBatch) =>
    deps.db.transaction().execute(async (trx) => {
      const ledgerBatch = p.count ? await nextEvidenceBatch(trx) : 0;
      if (p.count && !(await repo.insertPrepared(trx, spec, job.source_id, p, ledgerBatch))) return false;
      await recordPreparedBatch(trx, spec, { id: ledgerBatch, jobId: job.id }, p.lines);
      await recordOutcome(trx, b, { inserted: p.count, updated: 0, unchanged: 0 }, [...b.errors, ...p.errors]);
      return true;
    });

  const write = async (b: Batch) => {
    if (b.prepared && !lookFirst) {
      try {
        if (await writePrepared(b, b.prepared)) return;
      } catch (err) {
        if (!RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
    const needed = refs.missing(spec, b.items.map((p) => p.value));
    if (!needsNothing(needed)) refs.fill(needed, await repo.findRefs(deps.db, needed));
    const rows: (repo.EvidenceRow & { line: number })[] = [];
    const bad = [...b.errors];
    for (const p of b.items) {
      derived = p.code;
      const r = spec.toRow(p.value, ctx);
      if (r.ok) rows.push({ line: p.line, externalId: p.value.externalId, hash: p.hash, values: r.row });
      else for (const e of r.errors) bad.push({ line: p.line, field: e.path, reason: e.message });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.db.transaction().execute(async (trx) => {
          // The batch's ledger record is drawn first: the rows it writes carry its id.
          const ledgerBatch = rows.length ? await nextEvidenceBatch(trx) : 0;
          const o = await writeRows(trx, spec, job, rows, lookFirst, ledgerBatch);
          lookFirst = o.known > 0;
          if (opts.expectNew) opts.expectNew.value = !lookFirst;
          await recordEvidenceBatch(trx, spec, { id: ledgerBatch, jobId: job.id, sourceId: job.source_id }, o.ledger.inserted, o.ledger.updated);
          await recordOutcome(trx, b, o, [...bad, ...o.errors]);
        });
        return;
      } catch (err) {
        // Concurrent batches can meet on the same record (a file that repeats an id): run it again.
        if (attempt >= 3 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  };

  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  const flush = async (b: Batch) => {
    while (running.size >= writers) await Promise.race(running);
    if (failure) throw failure.error;
    const p: Promise<void> = write(b)
      .then(() => {
        committed += b.last - b.first + 1;
        opts.onProgress?.(committed);
      })
      .catch((error) => {
        failure ??= { error };
      })
      .finally(() => running.delete(p));
    running.add(p);
  };

  try {
    for await (const b of batches) await flush(b);
    await Promise.all(running);
    if (failure) throw (failure as { error: unknown }).error;
    // The completed job (which source sent what, with what result) is itself a record.
    return await deps.db.transaction().execute(async (trx) => {
      const done = await repo.finishJob(trx, job.id, 'completed', null);
      await recordLedger(trx, [{ type: 'ingest_job', id: done.id, version: 1 }]);
      return done;
    });
  } catch (err) {
    await Promise.allSettled(running);
    await repo.finishJob(deps.db, job.id, 'failed', `stopped: ${(err as Error).message}`.slice(0, 500)).catch(() => {});
    throw err;
  }
}
