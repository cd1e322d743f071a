// The ingest feature's one door to the ledger (存证): every accepted evidence row, every source and
// every completed ingest job is passed here inside the transaction that wrote it, and gets one entry
// per record version (the rows are read back by id, so each entry commits to exactly what was stored).
import { recordToLedger } from '../../ledger/record-types.ts';
import { EVIDENCE_LEDGER_TYPES } from './ledger-types.ts';
import type { Executor } from './repo.ts';

export type EvidenceRecordType = keyof typeof EVIDENCE_LEDGER_TYPES;

export interface EvidenceLedgerRecord {
  type: EvidenceRecordType;
  /** Database id of the row (evidence rows: bigserial; external ids may hold characters an entry id may not). */
  id: number;
  version: number;
}

/** Called once per batch with every row the batch inserted or updated, in the batch's transaction. */
export async function recordLedger(trx: Executor, records: readonly EvidenceLedgerRecord[]): Promise<void> {
  const byType = new Map<EvidenceRecordType, number[]>();
  for (const r of records) {
    const ids = byType.get(r.type) ?? [];
    if (!ids.length) byType.set(r.type, ids);
    ids.push(r.id);
  }
  for (const [type, ids] of byType) await recordToLedger(trx, EVIDENCE_LEDGER_TYPES[type], ids);
}
