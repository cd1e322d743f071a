// Preparing a batch's insert on the reading worker thread (decision 85): codes resolved to ids, rows
// built, columns packed, and each row's ledger line computed, with ids the main thread drew from the
// table's sequence and a creation time chosen here. On PGlite the main thread, where the database
// runs, then only executes the insert. No database code here (this runs on the worker).
import { textBytes } from '../../db/params.ts';
import type { Batch } from './batches.ts';
import type { EvidenceSpec, RowContext } from './kinds.ts';
import { insertedLine, packedInHand, type LineDef } from './ledger-lines.ts';
import { pack } from './packing.ts';
import type { PreparedRows, RowError } from './repo.ts';

/** A prepared batch: its insert, the rows' ledger lines, and the lines refused while building rows. */
export interface PreparedBatch extends PreparedRows {
  /** The ledger line of each row ("id:1:sha256"), in id order. */
  lines: string[];
  errors: RowError[];
}

export interface PrepareContext {
  spec: EvidenceSpec;
  def: LineDef;
  sourceId: number;
  /** Row context for the batch's records; `code` gives each record's derived transaction code. */
  ctx: (code: () => string | undefined) => RowContext;
}

/**
 * The insert of a batch whose records are all expected new, or null where the general path must
 * decide: an external id or transaction code repeated within the batch (compared with the first),
 * more rows than ids, or a value whose ledger line needs the general form.
 */
export function prepareBatch(p: PrepareContext, b: Batch, ids: readonly number[], at: number): PreparedBatch | null {
  const { spec } = p;
  const unique = spec.unique;
  let code: string | undefined;
  const ctx = p.ctx(() => code);
  const seen = new Set<string>();
  const codes = new Set<string>();
  const rows: { externalId: string; hash: string; values: unknown[] }[] = [];
  const errors: RowError[] = [];
  for (const item of b.items) {
    const externalId = item.value.externalId;
    if (seen.has(externalId)) return null;
    seen.add(externalId);
    code = item.code;
    const r = spec.toRow(item.value, ctx);
    if (!r.ok) {
      for (const e of r.errors) errors.push({ line: item.line, field: e.path, reason: e.message });
      continue;
    }
    if (unique) {
      const value = String(r.row[unique.index]);
      if (codes.has(value)) return null;
      codes.add(value);
    }
    rows.push({ externalId, hash: item.hash, values: r.row });
  }
  if (rows.length > ids.length) return null;
  const when = new Date(at);
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const packed = packedInHand(spec, p.def, p.sourceId, { id: ids[i]!, row: rows[i]!, at: when });
    if (packed === undefined) return null;
    lines[i] = insertedLine(ids[i]!, packed);
  }
  const columns = [
    pack(ids.slice(0, rows.length)),
    pack(rows.map((r) => r.externalId)),
    pack(rows.map((r) => r.hash)),
    ...spec.columns.map((_, j) => pack(rows.map((r) => r.values[j]))),
  ].map(textBytes);
  return { at, count: rows.length, columns, lines, errors };
}
