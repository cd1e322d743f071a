// Every write of a rating, a rectification or a rectification event ends here, inside its
// transaction, so that the record version and its ledger entry commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * One record version written by this transaction. `row` is the row exactly as stored (from the
 * statement's RETURNING), so entries can be computed without reading it back.
 * Ledger ids: ratings, rectifications and events by their number; deadline rules by unit category.
 */
export interface RatingsLedgerRecord {
  type: 'rating' | 'rectification' | 'rectification.event' | 'rectification.deadline';
  /** The record's id in the ledger and in URLs. */
  key: string;
  version: number;
  row: Record<string, unknown>;
}

export async function recordLedger(_trx: Executor, _records: RatingsLedgerRecord[]): Promise<void> {
  // TODO(ledger): append entries once src/ledger exposes appendToLedger
  // Canonical records (stored columns; personal fields only in encrypted form):
  //   rating:              id, transaction_id, unit_id, level, channel, origin, comment, tags, real_name,
  //                        rater_name_enc, rater_phone_enc, rater_phone_index, defaulted, excluded, rated_at,
  //                        version, created_at, updated_at
  //   rectification:       every column of rectifications
  //   rectification.event: every column of rectification_events (written once, version 1)
  //   rectification.deadline: every column of rectification_deadlines (id = its unit_category)
  // The public rating path calls this once per group-commit batch (up to 500 ratings plus the
  // rectifications and events of their 差评): keep it to one INSERT per call — it is on the hot path.
}
