// Group commit for ratings (批量落库). Concurrent public ratings are written together: while a write
// is in flight, new ratings queue, and the queue is written as one short transaction when a slot
// frees up (one multi-row INSERT, one set-based rectification insert for the 差评 among them, one
// ledger append, one COMMIT). A lone rating is written at once, so there is no added wait at low
// load; under load the cost of a statement and a commit (WAL flush) is shared by the batch.
// Every caller is answered only after its batch has committed: an acknowledged rating is durable.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { recordLedger, type RatingsLedgerRecord } from './ledger.ts';
import * as repo from './repo.ts';
import type { RatingOrigin } from './tables.ts';

export type WriteResult =
  | { kind: 'inserted'; row: repo.Row }
  | { kind: 'unknown' }
  | { kind: 'rated'; existing: repo.ExistingRating };

const ledgerRecords = (type: RatingsLedgerRecord['type'], rows: repo.Row[]): RatingsLedgerRecord[] =>
  rows.map((row) => ({ type, key: String(row.id), version: Number(row.version), row }));

export const isBadLevel = (level: number) => level <= 2;

/**
 * Writes ratings whose transaction codes are distinct, inside the caller's transaction: inserts
 * them, opens a rectification for each 差评 (not defaulted), appends the ledger entries, and says
 * for each input row whether it was inserted, its code is unknown, or its transaction was rated.
 */
export async function writeRatings(trx: Transaction<DB>, rows: readonly repo.BulkRating[], origin: RatingOrigin, now: Date, actorRole: string): Promise<{ results: WriteResult[]; rectificationsOpened: number }> {
  const inserted = await repo.insertRatings(trx, rows, origin, now);
  const byCode = new Map(inserted.map((r) => [r.transaction_code, r]));
  const missing = rows.filter((r) => !byCode.has(r.code)).map((r) => r.code);
  const existing = missing.length ? await repo.ratingsByCode(trx, missing) : new Map<string, repo.ExistingRating>();
  const results = rows.map((r): WriteResult => {
    const row = byCode.get(r.code);
    if (row) return { kind: 'inserted', row };
    const e = existing.get(r.code);
    return e && e.id !== null ? { kind: 'rated', existing: e } : { kind: 'unknown' };
  });
  const stored = inserted.map(({ transaction_code: _code, ...row }) => row as repo.Row);
  const opened = await repo.openRectifications(trx, stored.filter((r) => isBadLevel(Number(r.level)) && !r.defaulted).map((r) => Number(r.id)), now, actorRole);
  await recordLedger(trx, [
    ...ledgerRecords('rating', stored),
    ...ledgerRecords('rectification', opened.rectifications),
    ...ledgerRecords('rectification.event', opened.events),
  ]);
  return { results, rectificationsOpened: opened.rectifications.length };
}

interface Pending {
  rating: repo.BulkRating;
  resolve: (r: WriteResult) => void;
  reject: (err: unknown) => void;
}

export interface RatingWriterOptions {
  /** Most ratings in one transaction (default 500). */
  maxBatch?: number;
  /** Batches written at the same time, each on its own connection (default 2). */
  maxInFlight?: number;
}

/** The group-commit queue of public ratings. One per server process. */
export class RatingWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(private readonly db: Kysely<DB>, opts: RatingWriterOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  /** Resolves once the rating's batch has committed (or with why it was not inserted). */
  submit(rating: repo.BulkRating): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rating, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      // One rating per transaction code in a batch; a second one waits for the next batch, where it
      // finds the first and is answered "rated already".
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const codes = new Set<string>();
      for (const p of this.queue) {
        if (batch.length < this.maxBatch && !codes.has(p.rating.code)) {
          codes.add(p.rating.code);
          batch.push(p);
        } else {
          rest.push(p);
        }
      }
      this.queue = rest;
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const now = new Date();
      const { results } = await this.db.transaction().execute((trx) => writeRatings(trx, batch.map((p) => p.rating), 'public', now, 'public'));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Whatever failed the batch fails only its own rating: write them one by one.
      for (const p of batch) await this.write([p]);
    }
  }
}
