// Group commit for ratings (批量落库, src/lib/group-commit.ts). Concurrent public ratings are written
// together: one multi-row INSERT, one set-based rectification insert for the 差评 among them, one
// ledger append, one COMMIT. One rating per transaction code in a batch; a second one waits for the
// next batch, where it finds the first and is answered "rated already".
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { GroupCommit } from '../../lib/group-commit.ts';
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

export interface RatingWriterOptions {
  /** Most ratings in one transaction (default 500). */
  maxBatch?: number;
  /** Batches written at the same time, each on its own connection (default 2). */
  maxInFlight?: number;
}

/** The group-commit queue of public ratings (src/lib/group-commit.ts). One per server process. */
export class RatingWriter {
  private readonly queue: GroupCommit<repo.BulkRating, WriteResult>;

  constructor(db: Kysely<DB>, opts: RatingWriterOptions = {}) {
    this.queue = new GroupCommit(async (ratings) => {
      const now = new Date();
      return (await db.transaction().execute((trx) => writeRatings(trx, ratings, 'public', now, 'public'))).results;
    }, { ...opts, keyOf: (r) => r.code });
  }

  /** Resolves once the rating's batch has committed (or with why it was not inserted). */
  submit(rating: repo.BulkRating): Promise<WriteResult> {
    return this.queue.submit(rating);
  }
}
