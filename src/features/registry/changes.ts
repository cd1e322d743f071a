// Every registry write ends here, inside its transaction, so that the record and its ledger entry
// commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ChangedRecord } from './batch.ts';
import { recordToLedger } from './ledger-types.ts';

/** One pending ledger entry per changed record version, computed from the row this transaction wrote. */
export async function commitChanges(trx: Transaction<DB> | Kysely<DB>, changed: ChangedRecord[]): Promise<void> {
  const byType = new Map<ChangedRecord['type'], number[]>();
  for (const c of changed) {
    let ids = byType.get(c.type);
    if (!ids) byType.set(c.type, (ids = []));
    ids.push(c.id);
  }
  for (const [type, ids] of byType) await recordToLedger(trx, type, ids);
}
