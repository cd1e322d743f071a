// Every calendar write ends here, inside its transaction, so that a day's new version and its ledger
// entry commit together or not at all.
import type { Executor } from './repo.ts';

/** A calendar record version written by this transaction: the ledger id is its date. */
export interface CalendarLedgerRecord {
  type: 'calendar_day';
  /** Database id of the calendar_days row. */
  id: number;
  /** The record's id in the ledger and in URLs: its date, 'YYYY-MM-DD'. */
  key: string;
  version: number;
}

export async function recordLedger(_trx: Executor, _records: CalendarLedgerRecord[]): Promise<void> {
  // TODO(ledger): append entries once src/ledger exposes appendToLedger
  // Canonical record: columns id, day, kind, name, deleted, version, updated_by, created_at, updated_at;
  // a deletion is a new version with deleted = true.
}
