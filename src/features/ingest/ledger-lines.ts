// The batch ledger line of an inserted evidence row ("id:1:sha256", decision 55), computed from the
// values in hand. No database code here: the reading worker thread computes lines too (decision 85).
import crypto from 'node:crypto';
import type { EvidenceSpec } from './kinds.ts';

/** What the lines need of a ledger type (LedgerTypeDef): plain data that can cross to a worker. */
export interface LineDef { type: string; columns: readonly string[] }

/** An inserted row: its id, the values it was written from and its created_at (= updated_at). */
export interface InsertedEvidence {
  id: number;
  row: { externalId: string; hash: string; values: unknown[] };
  at: Date;
}

type Part = 'id' | 'source_id' | 'external_id' | 'content_hash' | 'version' | 'created_at' | 'updated_at' | { index: number; type: string };
const FIXED = new Set<string>(['id', 'source_id', 'external_id', 'content_hash', 'version', 'created_at', 'updated_at']);
const plans = new WeakMap<EvidenceSpec, Part[]>();

/** Where each column of the kind's ledger type comes from in an inserted row, in declared order. */
function planOf(spec: EvidenceSpec, def: LineDef): Part[] {
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
export function packedInHand(spec: EvidenceSpec, def: LineDef, sourceId: number, r: InsertedEvidence): string | undefined {
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

/** The batch line of an inserted row whose packed form is `packed` (version 1). */
export const insertedLine = (id: number, packed: string) => `${id}:1:${crypto.hash('sha256', packed, 'hex')}`;
