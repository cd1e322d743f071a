// The ingest feature's one door to the ledger (存证): every accepted evidence row, every source and
// every completed ingest job is passed here inside the transaction that wrote it.
import type { Executor } from './repo.ts';

export type EvidenceRecordType =
  | 'service_transaction' | 'hotline_ticket' | 'petition' | 'training_record' | 'audit_finding' | 'proposal'
  | 'source' | 'ingest_job';

export interface EvidenceLedgerRecord {
  type: EvidenceRecordType;
  /** Database id of the row (evidence rows: bigserial; external ids may hold characters an entry id may not). */
  id: number;
  version: number;
}

/**
 * Called once per batch with every row the batch inserted or updated (version 1 = inserted), in the
 * batch's transaction. A batch holds up to 5,000 rows, so batched entries (one entry committing to
 * the batch's rows) are the cheap way to wire this; per-row entries work too.
 */
export async function recordLedger(_trx: Executor, _records: readonly EvidenceLedgerRecord[]): Promise<void> {
  // TODO(ledger): append entries once src/ledger exposes appendToLedger
}
