// What each kind of record commits to the ledger (存证), in one place: its table, the id it has in
// entries and URLs, the columns that form its canonical record, and who may see its proof.
//
// The canonical record is the stored row: the listed columns under their column names, personal
// fields in their stored (encrypted) form, bytes as base64, times as ISO strings (see docs/ledger.md).
// Volatile bookkeeping that changes without a new version (a user's failed_logins and locked_until,
// an import's upload path) is left out, so that "the row differs from its entry" always means an edit.
//
// Ids: registry records by their code (/api/ledger/records/staff/S0000001) since the code is the
// record's identity across imports and databases; users and imports by their number, because a
// username can be a person's name and an entry holds no personal data.
import { sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound, validationFailed } from '../../lib/errors.ts';
import { entryForRecord, type LedgerEntry } from '../../ledger/entry.ts';
import { appendToLedger, type Executor } from '../../ledger/store.ts';
import { authorize, can, requirePrincipal, type Principal } from '../auth/principal.ts';
import * as importRepo from '../imports/repo.ts';
import * as registryRepo from './repo.ts';
import * as staffRepo from './staff-repo.ts';

export const LEDGER_RECORD_TYPES = ['region', 'unit', 'service_item', 'staff', 'user', 'import'] as const;
export type LedgerRecordType = (typeof LEDGER_RECORD_TYPES)[number];

type Row = Record<string, unknown> & { id: number };

export interface LedgerTypeDef {
  table: keyof DB & string;
  /** The column whose value is the record's id in entries and URLs. */
  key: 'code' | 'id';
  /** The columns that form the canonical record. */
  columns: readonly string[];
  /**
   * Of those, the bytea columns. They are read as base64 text, which is exactly their canonical form
   * (see canonical.ts), so the driver never converts bytes (PGlite does that one byte at a time).
   */
  bytes?: readonly string[];
  /** Version of the stored row: the version column, or 1 for records written once. */
  version: (row: Row) => number;
  /** The time of this version. */
  time: (row: Row) => Date;
  /** Rows of the table that are records (e.g. only completed imports). */
  filter?: ReturnType<typeof sql>;
  /** Throws 401/403, or 404 when the record does not exist or is outside the caller's scope. */
  checkVisible: (db: Executor, principal: Principal | null, id: string) => Promise<void>;
}

const STAMPS = ['version', 'created_at', 'updated_at'];
const versionColumn = (row: Row) => Number(row.version);
const updatedAt = (row: Row) => row.updated_at as Date;

function exists<T>(row: T | undefined, what: string): void {
  if (!row) throw notFound(what);
}

export const LEDGER_TYPES: Record<LedgerRecordType, LedgerTypeDef> = {
  region: {
    table: 'regions',
    key: 'code',
    columns: ['id', 'code', 'name', 'level', 'parent_id', 'path', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      authorize(principal, 'registry.read');
      exists(await registryRepo.findRegion(db, code), `Region ${code}`);
    },
  },
  unit: {
    table: 'units',
    key: 'code',
    columns: ['id', 'code', 'name', 'category', 'region_id', 'parent_id', 'path', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'registry.read');
      exists(await registryRepo.findUnit(db, p.scope, code), `Unit ${code}`);
    },
  },
  service_item: {
    table: 'service_items',
    key: 'code',
    columns: ['id', 'code', 'name', 'unit_id', 'promised_days', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'registry.read');
      exists(await registryRepo.findServiceItem(db, p.scope, code), `Service item ${code}`);
    },
  },
  staff: {
    table: 'staff',
    key: 'code',
    columns: [
      'id', 'code', 'name', 'unit_id', 'position', 'level', 'status', 'entered_on', 'departed_on',
      'id_number_enc', 'id_number_index', 'phone_enc', 'phone_index', 'content_hmac', ...STAMPS,
    ],
    bytes: ['id_number_enc', 'id_number_index', 'phone_enc', 'phone_index', 'content_hmac'],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'staff.read');
      // The same visibility as reading the record (staff-service): scope, and a civil servant only
      // their own. Not logged as an access: a proof shows a digest, not the person's data.
      const visibility = { scope: p.scope, onlyStaffId: p.role === 'staff' ? (p.staffId ?? -1) : null };
      exists(await staffRepo.findStaff(db, visibility, code), `Staff ${code}`);
    },
  },
  user: {
    table: 'users',
    key: 'id',
    columns: ['id', 'username', 'display_name', 'password_hash', 'role', 'scope_region_id', 'scope_unit_id', 'staff_id', 'disabled', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, id) => {
      const p = requirePrincipal(principal);
      // Administrators see every account; anyone else only their own (others' existence stays hidden).
      const self = p.kind === 'user' && String(p.id) === id;
      if (!self && !can(p, 'users.manage')) throw notFound(`User ${id}`);
      exists(/^[1-9][0-9]{0,9}$/.test(id) ? await db.selectFrom('users').select('id').where('id', '=', Number(id)).executeTakeFirst() : undefined, `User ${id}`);
    },
  },
  import: {
    table: 'import_jobs',
    key: 'id',
    // file_path is where an upload waited on this server's disk: not part of what was imported.
    columns: ['id', 'kind', 'file_name', 'file_sha256', 'status', 'total_rows', 'processed_rows', 'inserted', 'updated', 'unchanged', 'error_count', 'failure', 'created_by', 'started_at', 'finished_at'],
    // A job is committed once, when it completes, and never changes after that.
    version: () => 1,
    time: (row) => row.finished_at as Date,
    filter: sql`status = 'completed'`,
    checkVisible: async (db, principal, id) => {
      const p = authorize(principal, 'imports.read');
      const job = /^[1-9][0-9]{0,9}$/.test(id) ? await importRepo.findJob(db, Number(id)) : undefined;
      // As the imports service: administrators see every job, others the jobs they started.
      const mine = job && (p.role === 'admin' || job.created_by === (p.kind === 'user' ? p.id : -1));
      if (!job || !mine || job.status !== 'completed') throw notFound(`Import ${id}`);
    },
  },
};

export function ledgerType(type: string): LedgerTypeDef {
  if (!(LEDGER_RECORD_TYPES as readonly string[]).includes(type)) {
    throw validationFailed([{ path: '/params/type', message: `must be one of ${LEDGER_RECORD_TYPES.join(', ')}` }]);
  }
  return LEDGER_TYPES[type as LedgerRecordType];
}

/** The canonical record of a stored row: exactly the type's columns. */
export function canonicalRecord(def: LedgerTypeDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of def.columns) out[c] = row[c] ?? null;
  return out;
}

export function entryForRow(type: LedgerRecordType, row: Row): LedgerEntry {
  const def = LEDGER_TYPES[type];
  return entryForRecord(type, String(row[def.key]), def.version(row), def.time(row), canonicalRecord(def, row));
}

const columnList = (def: LedgerTypeDef) =>
  sql.join(def.columns.map((c) => (def.bytes?.includes(c) ? sql`translate(encode(${sql.ref(c)}, 'base64'), chr(10), '') as ${sql.ref(c)}` : sql.ref(c))));

/** Stored rows by database id (filtered to records), in id order. */
export async function loadRows(db: Executor, type: LedgerRecordType, ids: readonly number[]): Promise<Row[]> {
  if (!ids.length) return [];
  const def = LEDGER_TYPES[type];
  const result = await sql<Row>`
    select ${columnList(def)} from ${sql.table(def.table)}
    where id = any(${[...ids]}::int[]) ${def.filter ? sql`and ${def.filter}` : sql``} order by id
  `.execute(db);
  return result.rows;
}

/** A page of stored records with id > after, for audits that walk a whole table. */
export async function loadPage(db: Executor, type: LedgerRecordType, after: number, limit: number): Promise<Row[]> {
  const def = LEDGER_TYPES[type];
  const result = await sql<Row>`
    select ${columnList(def)} from ${sql.table(def.table)}
    where id > ${after} ${def.filter ? sql`and ${def.filter}` : sql``} order by id limit ${limit}
  `.execute(db);
  return result.rows;
}

/** The stored row of a record by its ledger id (code or number), or undefined. */
export async function loadByKey(db: Executor, type: LedgerRecordType, key: string): Promise<Row | undefined> {
  const def = LEDGER_TYPES[type];
  if (def.key === 'id' && !/^[1-9][0-9]{0,9}$/.test(key)) return undefined;
  const result = await sql<Row>`
    select ${columnList(def)} from ${sql.table(def.table)}
    where ${sql.ref(def.key)} = ${def.key === 'id' ? Number(key) : key} ${def.filter ? sql`and ${def.filter}` : sql``}
  `.execute(db);
  return result.rows[0];
}

/**
 * Appends one pending entry per record to the ledger inside the caller's transaction, each computed
 * from the row as stored now (so it commits to exactly what this transaction wrote).
 */
export async function recordToLedger(trx: Executor, type: LedgerRecordType, ids: readonly number[]): Promise<void> {
  const unique = [...new Set(ids)];
  const rows = await loadRows(trx, type, unique);
  await appendToLedger(trx, rows.map((row) => entryForRow(type, row)));
}
