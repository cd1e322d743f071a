// Every calendar write ends here, inside its transaction, so that a day's new version and its ledger
// entry commit together or not at all.
import { recordToLedger } from '../../ledger/record-types.ts';
import { CALENDAR_LEDGER_TYPES } from './ledger-types.ts';
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

export async function recordLedger(trx: Executor, records: CalendarLedgerRecord[]): Promise<void> {
  await recordToLedger(trx, CALENDAR_LEDGER_TYPES.calendar_day, records.map((r) => r.id));
}
