// The ingest feature's one door to the ledger (存证). Sources and completed ingest jobs get one entry
// per record. Evidence rows, tens of thousands a minute, get one entry per ingest batch instead
// (decision 55): the batch, stored in evidence_batches, lists "id:version:sha256" for every row
// version it wrote — the digest a per-row entry would hold — and each row names its batch in
// `ledger_batch`. Written inside the batch's transaction, so rows and entry commit together.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { textBytes } from '../../db/params.ts';
import { batchLine, entriesForStoredRows, entryForRow, loadRows, recordToLedger, type LedgerRow, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import type { EvidenceSpec } from './kinds.ts';
import { EVIDENCE_BATCH_TYPE, EVIDENCE_LEDGER_TYPES } from './ledger-types.ts';
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

/** A row this batch inserted, with the values it was written from and the transaction's time. */
export interface InsertedEvidence { id: number; row: EvidenceRow; at: Date }

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

type Part = 'id' | 'source_id' | 'external_id' | 'content_hash' | 'version' | 'created_at' | 'updated_at' | { index: number; type: string };
const FIXED = new Set<string>(['id', 'source_id', 'external_id', 'content_hash', 'version', 'created_at', 'updated_at']);
const plans = new WeakMap<EvidenceSpec, Part[]>();

/** Where each column of the kind's ledger type comes from in an inserted row, in declared order. */
function planOf(spec: EvidenceSpec, def: LedgerTypeDef): Part[] {
  let plan = plans.get(spec);
  if (!plan) {
    plan = def.columns.map((c): Part => {
      if (FIXED.has(c)) return c as Part;
      const index = spec.columns.findIndex(([name]) => name === c);
      if (index < 0) throw new Error(`ledger: ${def.type} column ${c} is not written by ingest`);
      return { index, type: spec.columns[index]![1] };
    });
    plans.set(spec, plan);
  }
  return plan;
}

const hasSeparator = (s: string) => s.indexOf('\u001f') >= 0 || s.indexOf('\u001e') >= 0 || !(s as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * packedRowText(def, storedForm(…)) written straight from the values in hand, without the row object
 * (17 computed keys a row, then read back by name: a third of the ledger's client time). Undefined
 * where a value needs the general path (a separator in a text, a time that is not whole milliseconds).
 */
export function packedInHand(spec: EvidenceSpec, def: LedgerTypeDef, sourceId: number, r: InsertedEvidence): string | undefined {
  let out = def.type;
  for (const part of planOf(spec, def)) {
    let s: string;
    if (typeof part === 'object') {
      const v = r.row.values[part.index];
      if (v === null || v === undefined) s = '\u001e';
      else if (part.type === 'text') {
        s = String(v);
        if (hasSeparator(s)) return undefined;
      } else {
        const n = Number(v);
        if (!Number.isFinite(n) || (part.type === 'epoch_ms' && !Number.isInteger(n))) return undefined;
        s = '' + n;
      }
    } else if (part === 'id') s = '' + r.id;
    else if (part === 'source_id') s = '' + sourceId;
    else if (part === 'external_id') {
      s = r.row.externalId;
      if (hasSeparator(s)) return undefined;
    } else if (part === 'content_hash') s = Buffer.from(r.row.hash, 'hex').toString('base64');
    else if (part === 'version') s = '1';
    else s = '' + r.at.getTime();
    out += '\u001f' + s;
  }
  return out;
}

/** The batch line of each inserted row, from the values in hand. */
export function insertedLines(spec: EvidenceSpec, def: LedgerTypeDef, batch: { id: number; sourceId: number }, inserted: readonly InsertedEvidence[]): { id: number; line: string }[] {
  return inserted.map((r) => {
    const packed = packedInHand(spec, def, batch.sourceId, r);
    const digest = packed !== undefined ? crypto.hash('sha256', packed, 'hex') : entryForRow(def, storedForm(spec, def, batch.sourceId, batch.id, r)).digest;
    return { id: r.id, line: `${r.id}:1:${digest}` };
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
