// Every registry write ends here, inside its transaction, so that the record and its ledger entry
// commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ChangedRecord } from './batch.ts';

export async function commitChanges(_trx: Transaction<DB> | Kysely<DB>, _changed: ChangedRecord[]): Promise<void> {
  // Wired to the ledger (存证) once it lands: one entry per changed record version.
}
