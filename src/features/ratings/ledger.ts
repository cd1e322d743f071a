// Every write of a rating, a rectification or a rectification event ends here, inside its
// transaction, so that the record version and its ledger entry commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { entriesForStoredRows } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { RATINGS_LEDGER_TYPES } from './ledger-types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * One record version written by this transaction. `row` is the row exactly as stored (from the
 * statement's RETURNING), so entries are computed without reading it back: the public rating path
 * calls this once per group-commit batch (up to 500 ratings and the rectifications of their 差评).
 */
export interface RatingsLedgerRecord {
  type: keyof typeof RATINGS_LEDGER_TYPES;
  /** The record's id in the ledger and in URLs. */
  key: string;
  version: number;
  row: Record<string, unknown>;
}

export async function recordLedger(trx: Executor, records: RatingsLedgerRecord[]): Promise<void> {
  // One INSERT of entries per call, whatever the mix of types.
  await appendToLedger(trx, records.flatMap((r) => entriesForStoredRows(RATINGS_LEDGER_TYPES[r.type], [r.row])));
}
