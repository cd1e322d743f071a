// Every write of a case, a case event or a message ends here, inside its transaction, so the record
// version and its ledger entry commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { entriesForStoredRows } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { CASES_LEDGER_TYPES } from './ledger-types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface CasesLedgerRecord {
  type: keyof typeof CASES_LEDGER_TYPES;
  /** The row exactly as stored (from RETURNING). */
  row: Record<string, unknown>;
}

export async function recordLedger(trx: Executor, records: CasesLedgerRecord[]): Promise<void> {
  await appendToLedger(trx, records.flatMap((r) => entriesForStoredRows(CASES_LEDGER_TYPES[r.type], [r.row])));
}
