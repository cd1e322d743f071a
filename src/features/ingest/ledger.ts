// The ingest feature's one door to the ledger (存证). Sources and completed ingest jobs get one entry
// per record. Evidence rows, tens of thousands a minute, get one entry per ingest batch instead
// (decision 55): the batch, stored in evidence_batches, lists "id:version:sha256" for every row
// version it wrote — the digest a per-row entry would hold — and each row names its batch in
// `ledger_batch`. Written inside the batch's transaction, so rows and entry commit together.
import { sql } from 'kysely';
import { textBytes } from '../../db/params.ts';
import { batchLine, entriesForStoredRows, entryForRow, loadRows, recordToLedger, type LedgerRow, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import type { EvidenceSpec } from './kinds.ts';
import { EVIDENCE_BATCH_TYPE, EVIDENCE_LEDGER_TYPES } from './ledger-types.ts';
import { insertedLine, packedInHand, type InsertedEvidence, type LineDef } from './ledger-lines.ts';
import type { EvidenceRow, Executor } from './repo.ts';

export type EvidenceRecordType = keyof typeof EVIDENCE_LEDGER_TYPES;

export interface EvidenceLedgerRecord {
  type: EvidenceRecordType;
  /** Database id of the row (evidence rows: bigserial; external ids may hold characters an entry id may not). */
  id: number;
  version: number;
}

/** Sources and completed jobs: one entry per record, read back by id. */
export async function recordLedger(trx: Executor, records: readonly EvidenceLedgerRecord[]): Promise<void> {
  const byType = new Map<EvidenceRecordType, number[]>();
  for (const r of records) {
    const ids = byType.get(r.type) ?? [];
    if (!ids.length) byType.set(r.type, ids);
    ids.push(r.id);
  }
  for (const [type, ids] of byType) await recordToLedger(trx, EVIDENCE_LEDGER_TYPES[type], ids);
}

/** A new evidence batch id, drawn before its rows are written (they carry it). */
export async function nextEvidenceBatch(trx: Executor): Promise<number> {
  const r = await sql<{ id: string | number }>`select nextval(pg_get_serial_sequence('evidence_batches', 'id')) as id`.execute(trx);
  return Number(r.rows[0]!.id);
}

const IN_HAND = new Set(['int', 'smallint', 'text', 'epoch_ms']);

/**
 * The stored form of an inserted row computed from the values it was written from, exactly as
 * loadRows would read it back (numbers, texts, Dates; the content hash as bytes): reading 5,000 rows
 * back cost as much as writing them (measured, decision 55). Only for kinds whose columns all
 * have a value form that is certain on both drivers; the others are read back.
 */
export function storedForm(spec: EvidenceSpec, def: LedgerTypeDef, sourceId: number, batchId: number, r: InsertedEvidence): LedgerRow {
  const row: LedgerRow = {
    id: r.id, source_id: sourceId, external_id: r.row.externalId, content_hash: Buffer.from(r.row.hash, 'hex'),
    version: 1, created_at: r.at, updated_at: r.at, [def.batch!.column]: batchId,
  };
  spec.columns.forEach(([c, type], i) => {
    const v = r.row.values[i];
    row[c] = v === null || v === undefined ? null : type === 'epoch_ms' ? new Date(Number(v)) : type === 'text' ? String(v) : Number(v);
  });
  return row;
}

/** The ledger type of a kind whose lines can be computed from the values in hand (the reading worker's), else null. */
export function lineDefFor(spec: EvidenceSpec): LineDef | null {
  if (!spec.columns.every(([, type]) => IN_HAND.has(type))) return null;
  const def = EVIDENCE_LEDGER_TYPES[spec.recordType as EvidenceRecordType];
  return { type: def.type, columns: def.columns };
}

/** The batch line of each inserted row, from the values in hand. */
export function insertedLines(spec: EvidenceSpec, def: LedgerTypeDef, batch: { id: number; sourceId: number }, inserted: readonly InsertedEvidence[]): { id: number; line: string }[] {
  return inserted.map((r) => {
    const packed = packedInHand(spec, def, batch.sourceId, r);
    return { id: r.id, line: packed !== undefined ? insertedLine(r.id, packed) : `${r.id}:1:${entryForRow(def, storedForm(spec, def, batch.sourceId, batch.id, r)).digest}` };
  });
}

/**
 * The one ledger entry of a batch's evidence rows: the inserted rows (digests computed in hand where
 * the kind allows) and the updated ones (read back), listed in evidence_batches under `batchId`.
 */
export async function recordEvidenceBatch(
  trx: Executor, spec: EvidenceSpec, batch: { id: number; jobId: number; sourceId: number },
  inserted: readonly InsertedEvidence[], updatedIds: readonly number[],
): Promise<void> {
  if (!inserted.length && !updatedIds.length) return;
  const def = EVIDENCE_LEDGER_TYPES[spec.recordType as EvidenceRecordType];
  const inHand = spec.columns.every(([, type]) => IN_HAND.has(type));
  const readBack = [...updatedIds, ...(inHand ? [] : inserted.map((r) => r.id))];
  const rows = await loadRows(trx, def, readBack);
  const lines = [...(inHand ? insertedLines(spec, def, batch, inserted) : []), ...rows.map((row) => ({ id: row.id, line: batchLine(entryForRow(def, row)) }))]
    .sort((a, b) => a.id - b.id).map((x) => x.line);
  await writeBatchEntry(trx, def, batch, lines);
}

/** The ledger entry of a batch whose lines (of inserted rows, in id order) were computed in advance (decision 85). */
export async function recordPreparedBatch(trx: Executor, spec: EvidenceSpec, batch: { id: number; jobId: number }, lines: string[]): Promise<void> {
  if (lines.length) await writeBatchEntry(trx, EVIDENCE_LEDGER_TYPES[spec.recordType as EvidenceRecordType], batch, lines);
}

async function writeBatchEntry(trx: Executor, def: LedgerTypeDef, batch: { id: number; jobId: number }, lines: string[]): Promise<void> {
  // One text parameter split in SQL: array parameters are slow to encode on PGlite (decision 28).
  // Only the time comes back: the record is in hand (parsing the returned list cost more than
  // writing it, measured; decision 75).
  const stored = await sql<{ created_at: Date }>`
    insert into evidence_batches (id, record_type, job_id, rows)
    values (${batch.id}, ${def.type}, ${batch.jobId}, string_to_array(${textBytes(lines.join('\n'))}::text, chr(10)))
    returning created_at`.execute(trx);
  const record = { id: batch.id, record_type: def.type, job_id: batch.jobId, rows: lines, created_at: stored.rows[0]!.created_at };
  await appendToLedger(trx, entriesForStoredRows(EVIDENCE_BATCH_TYPE, [record]));
}
