// Every registry write ends here, inside its transaction, so that the record and its ledger entry
// commit together or not at all.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ChangedRecord } from './batch.ts';
import { entriesForStoredRows } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { recordToLedger, REGISTRY_LEDGER_TYPES } from './ledger-types.ts';

/**
 * One pending ledger entry per changed record version, computed from the row this transaction wrote:
 * the row the writer holds (ChangedRecord.stored), or else the row read back by id.
 */
export async function commitChanges(trx: Transaction<DB> | Kysely<DB>, changed: ChangedRecord[]): Promise<void> {
  const byType = new Map<ChangedRecord['type'], number[]>();
  const inHand = new Map<ChangedRecord['type'], Record<string, unknown>[]>();
  const add = <T>(map: Map<ChangedRecord['type'], T[]>, type: ChangedRecord['type'], value: T) => {
    const list = map.get(type);
    if (list) list.push(value);
    else map.set(type, [value]);
  };
  for (const c of changed) {
    if (c.stored) add(inHand, c.type, c.stored);
    else add(byType, c.type, c.id);
  }
  for (const [type, rows] of inHand) await appendToLedger(trx, entriesForStoredRows(REGISTRY_LEDGER_TYPES[type], rows));
  for (const [type, ids] of byType) await recordToLedger(trx, type, ids);
}
