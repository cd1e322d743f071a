// How a kind of stored record is committed to the ledger (存证): its table, the id it has in entries
// and URLs, the columns that form its canonical record, and who may see its proof. Each feature
// declares its kinds in its own `ledger-types.ts`; `catalog.ts` gathers them for the proof endpoint
// and `probity ledger verify --database`.
//
// The canonical record is the stored row: the listed columns under their column names, personal
// fields in their stored (encrypted) form, bytes as base64, times as ISO strings (see docs/ledger.md).
// Volatile bookkeeping that changes without a new version is left out, so that "the row differs from
// its entry" always means an edit.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Principal } from '../features/auth/principal.ts';
import { entryForRecord, type LedgerEntry } from './entry.ts';
import { appendToLedger, type Executor } from './store.ts';

export type LedgerRow = Record<string, unknown> & { id: number };

export interface LedgerTypeDef {
  /** The record type in entries and URLs, e.g. "unit", "rectification.event". */
  type: string;
  table: keyof DB & string;
  /** The column whose value is the record's id in entries and URLs (e.g. code, id, day). */
  key: string;
  /** The columns that form the canonical record. */
  columns: readonly string[];
  /**
   * Of those, the bytea columns. They are read as base64 text, which is exactly their canonical form
   * (see canonical.ts), so the driver never converts bytes (PGlite does that one byte at a time).
   */
  bytes?: readonly string[];
  /** Version of the stored row: the version column, or 1 for records written once. */
  version: (row: LedgerRow) => number;
  /** The time of this version. */
  time: (row: LedgerRow) => Date;
  /** The unique column audits page through the table by (default id). */
  order?: string;
  /** Rows of the table that are records (e.g. only completed imports). */
  filter?: ReturnType<typeof sql>;
  /**
   * Records committed in batches (evidence): the column naming the batch record (of ledger type
   * `type`) whose entry lists this row version's "id:version:sha256". A row whose column is null has
   * an entry of its own.
   */
  batch?: { column: string; type: string };
  /**
   * Columns outside the canonical record that copy another record's data (kept by the database):
   * lists up to `limit` problems where a copy differs from its source, for `verify --database`.
   */
  copiesDiffer?: (db: Executor, limit: number) => Promise<string[]>;
  /** Throws 401/403, or 404 when the record does not exist or is outside the caller's scope. */
  checkVisible: (db: Executor, principal: Principal | null, id: string) => Promise<void>;
}

export const STAMPS = ['version', 'created_at', 'updated_at'] as const;
export const versionColumn = (row: LedgerRow) => Number(row.version);
export const updatedAt = (row: LedgerRow) => row.updated_at as Date;
/** A numeric ledger id as it appears in a URL: a positive integer without leading zeros. */
export const isNumericId = (id: string) => /^[1-9][0-9]{0,15}$/.test(id);

const numericKey = (def: LedgerTypeDef) => def.key === 'id';

/** The canonical record of a stored row: exactly the type's columns. */
export function canonicalRecord(def: LedgerTypeDef, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of def.columns) out[c] = row[c] ?? null;
  return out;
}

export function entryForRow(def: LedgerTypeDef, row: LedgerRow): LedgerEntry {
  // A row version committed in a batch (evidence) is digested in its packed form where it has one.
  const packed = def.batch && row[def.batch.column] != null ? packedRowText(def, row) : undefined;
  if (packed !== undefined) return { type: def.type, id: String(row[def.key]), version: def.version(row), time: def.time(row), digest: crypto.hash('sha256', packed, 'hex') };
  const flat = flatCanonicalJson(def, row);
  if (flat === undefined) return entryForRecord(def.type, String(row[def.key]), def.version(row), def.time(row), canonicalRecord(def, row));
  return { type: def.type, id: String(row[def.key]), version: def.version(row), time: def.time(row), digest: crypto.hash('sha256', flat, 'hex') };
}

const sortedKeys = new WeakMap<LedgerTypeDef, { name: string; json: string }[]>();
// Rows of one batch share their times (created_at = updated_at = the transaction's): the last time
// written is kept, so a repeated one costs no toISOString.
let lastTime = Number.NaN;
let lastTimeJson = '';
// isWellFormed (ES2024, Node 20) is missing from the ES2022 lib this project compiles against.
const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * canonicalJson(canonicalRecord(def, row)) for a row of plain values (null, string, finite number,
 * boolean, Date, bytes), written directly: the general writer builds a path per value and sorts the
 * keys per call, which was most of the ledger's cost on bulk ingest (measured). Undefined for a row
 * with any other value (arrays, objects, lone surrogates, …), which takes the general path.
 */
export function flatCanonicalJson(def: LedgerTypeDef, row: Record<string, unknown>): string | undefined {
  let keys = sortedKeys.get(def);
  if (!keys) {
    // Default sort compares UTF-16 code units, the order RFC 8785 requires (as canonical.ts).
    keys = [...def.columns].sort().map((name) => ({ name, json: JSON.stringify(name) }));
    sortedKeys.set(def, keys);
  }
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = row[k.name] ?? null;
    let s: string;
    if (v === null) s = 'null';
    else if (typeof v === 'string') {
      if (!wellFormed(v)) return undefined; // a lone surrogate: the general writer decides
      s = JSON.stringify(v);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return undefined;
      s = '' + v; // the same digits as JSON.stringify for every finite number (both print -0 as 0)
    } else if (typeof v === 'boolean') s = v ? 'true' : 'false';
    else if (v instanceof Date) {
      const t = v.getTime();
      if (Number.isNaN(t)) return undefined;
      if (t !== lastTime) {
        lastTimeJson = `"${v.toISOString()}"`;
        lastTime = t;
      }
      s = lastTimeJson;
    } else if (v instanceof Uint8Array) s = `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
    else return undefined;
    out += (i ? ',' : '') + k.json + ':' + s;
  }
  return out + '}';
}

const FIELD = '\u001f';
const NULL = '\u001e';
const hasSeparator = (s: string) => s.indexOf(FIELD) >= 0 || s.indexOf(NULL) >= 0;

/**
 * The packed form of a row version committed in a batch (evidence rows, whose batch line holds its
 * SHA-256; docs/ledger.md, decision 74): the record type, then each of the type's columns
 * in declared order, each after U+001F — null as U+001E, a string as it is, a number in its shortest
 * decimal form (JavaScript String), a boolean as true/false, a time as epoch milliseconds, bytes as
 * base64 (a bytes column read as base64 text is taken as it is). A third of the cost of canonical
 * JSON on bulk ingest: no quoting, escaping, key sorting or ISO dates. Undefined (the row takes the
 * canonical JSON form) if a string holds U+001E or U+001F or is not well-formed Unicode, or a value
 * is of any other kind, so that a packed text always reads back as exactly one row.
 */
export function packedRowText(def: LedgerTypeDef, row: Record<string, unknown>): string | undefined {
  let out = def.type;
  const cols = def.columns;
  for (let i = 0; i < cols.length; i++) {
    const v = row[cols[i]!] ?? null;
    if (v === null) out += FIELD + NULL;
    else if (typeof v === 'string') {
      if (hasSeparator(v) || !wellFormed(v)) return undefined;
      out += FIELD + v;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return undefined;
      out += FIELD + v;
    } else if (typeof v === 'boolean') out += FIELD + (v ? 'true' : 'false');
    else if (v instanceof Date) {
      const t = v.getTime();
      if (Number.isNaN(t)) return undefined;
      out += FIELD + t;
    } else if (v instanceof Uint8Array) out += FIELD + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    else return undefined;
  }
  return out;
}

const columnList = (def: LedgerTypeDef) =>
  sql.join([...def.columns, ...(def.batch ? [def.batch.column] : [])]
    .map((c) => (def.bytes?.includes(c) ? sql`translate(encode(${sql.ref(c)}, 'base64'), chr(10), '') as ${sql.ref(c)}` : sql.ref(c))));

/** The line a batch record lists for a row version: "id:version:sha256". */
export const batchLine = (e: LedgerEntry) => `${e.id}:${e.version}:${e.digest}`;
const filterOf = (def: LedgerTypeDef) => (def.filter ? sql`and ${def.filter}` : sql``);

/** Stored rows by database id (filtered to records), in id order. */
export async function loadRows(db: Executor, def: LedgerTypeDef, ids: readonly number[]): Promise<LedgerRow[]> {
  if (!ids.length) return [];
  const result = await sql<LedgerRow>`
    select ${columnList(def)} from ${sql.table(def.table)} where id = any(${[...ids]}::bigint[]) ${filterOf(def)} order by id
  `.execute(db);
  return result.rows;
}

/**
 * A page of stored records after the one whose order column is `after` (null: from the start), for
 * audits that walk a whole table; pass the last row's `pageCursor` to get the next page.
 */
export async function loadPage(db: Executor, def: LedgerTypeDef, after: unknown, limit: number): Promise<LedgerRow[]> {
  const order = sql.ref(def.order ?? 'id');
  const result = await sql<LedgerRow>`
    select ${columnList(def)} from ${sql.table(def.table)}
    where ${after === null ? sql`true` : sql`${order} > ${after}`} ${filterOf(def)} order by ${order} limit ${limit}
  `.execute(db);
  return result.rows;
}

export const pageCursor = (def: LedgerTypeDef, row: LedgerRow): unknown => row[def.order ?? 'id'];

/** The stored row of a record by its ledger id, or undefined. */
export async function loadByKey(db: Executor, def: LedgerTypeDef, key: string): Promise<LedgerRow | undefined> {
  if (numericKey(def) && !isNumericId(key)) return undefined;
  const result = await sql<LedgerRow>`
    select ${columnList(def)} from ${sql.table(def.table)}
    where ${sql.ref(def.key)} = ${numericKey(def) ? Number(key) : key} ${filterOf(def)}
  `.execute(db);
  return result.rows[0];
}

/**
 * Appends one pending entry per record to the ledger inside the caller's transaction, each computed
 * from the row as stored now (so it commits to exactly what this transaction wrote).
 */
export async function recordToLedger(trx: Executor, def: LedgerTypeDef, ids: readonly number[]): Promise<void> {
  const rows = await loadRows(trx, def, [...new Set(ids)]);
  await appendToLedger(trx, rows.map((row) => entryForRow(def, row)));
}

/**
 * The entries of rows this transaction has just written and holds (a statement's RETURNING), for hot
 * paths that should not read them back. The rows must carry the type's columns as the driver returns
 * them (bytes as Uint8Array or base64, times as Date): their canonical form is the same either way.
 */
export function entriesForStoredRows(def: LedgerTypeDef, rows: readonly Record<string, unknown>[]): LedgerEntry[] {
  return rows.map((row) => {
    // A column the statement did not return would be committed as null: a wrong digest, found only by an audit.
    const missing = def.columns.find((c) => !(c in row));
    if (missing) throw new Error(`ledger: a ${def.type} row without its column ${missing}`);
    return entryForRow(def, row as LedgerRow);
  });
}
