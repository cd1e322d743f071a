// SQL for staff (政务人员). Personal fields arrive here already encrypted; this file never sees plaintext.
import { sql } from 'kysely';
import { textBytes } from '../../db/params.ts';
import type { StaffLevel, StaffStatus } from '../../db/types.ts';
import { offsetOf, type SortSpec } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import type { Executor } from './repo.ts';
import { unitInScope } from './scope.ts';

const staffColumns = [
  'st.id', 'st.code', 'st.name', 'st.position', 'st.level', 'st.status', 'st.entered_on', 'st.departed_on',
  'st.id_number_enc', 'st.phone_enc', 'st.version', 'st.updated_at', 'st.unit_id',
  'u.code as unit_code', 'u.name as unit_name',
] as const;

export interface StaffVisibility {
  scope: Scope;
  /** A civil servant sees only their own record. */
  onlyStaffId: number | null;
}

function staffQuery(db: Executor, v: StaffVisibility) {
  let q = db.selectFrom('staff as st').innerJoin('units as u', 'u.id', 'st.unit_id').where((eb) => unitInScope(eb, v.scope));
  if (v.onlyStaffId !== null) q = q.where('st.id', '=', v.onlyStaffId);
  return q;
}

export async function findStaff(db: Executor, v: StaffVisibility, code: string) {
  return staffQuery(db, v).select(staffColumns).where('st.code', '=', code).executeTakeFirst();
}

export interface StaffFilter {
  unitCode?: string;
  status?: StaffStatus;
  level?: StaffLevel;
  q?: string;
  page: number;
  pageSize: number;
}

export async function listStaff(db: Executor, v: StaffVisibility, f: StaffFilter, sort: SortSpec<string>) {
  let query = staffQuery(db, v);
  if (f.unitCode) {
    // A unit filter includes its sub-units (科室 under a 局).
    query = query.where('u.path', 'like', db.selectFrom('units').select(sql<string>`path || '%'`.as('p')).where('code', '=', f.unitCode));
  }
  if (f.status) query = query.where('st.status', '=', f.status);
  if (f.level) query = query.where('st.level', '=', f.level);
  if (f.q) query = query.where((eb) => eb.or([eb('st.name', 'like', `%${f.q}%`), eb('st.code', 'like', `${f.q}%`)]));
  const [items, total] = await Promise.all([
    query.select(staffColumns).orderBy(sql.ref(sort.column), sort.direction).orderBy('st.id').limit(f.pageSize).offset(offsetOf(f)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/**
 * A staff row to write. The bytea columns are base64 text: the form they travel in (see packedBytes)
 * and the form the ledger's canonical record holds, so each is encoded once, when sealed.
 */
export interface StaffRow {
  code: string;
  name: string;
  unit_id: number;
  position: string;
  level: StaffLevel;
  status: StaffStatus;
  entered_on: string | null;
  departed_on: string | null;
  id_number_enc: string | null;
  id_number_index: string | null;
  phone_enc: string | null;
  phone_index: string | null;
  content_hmac: string;
}

const STAFF_COLUMNS = [
  ['code', 'text'], ['name', 'text'], ['unit_id', 'int'], ['position', 'text'], ['level', 'text'], ['status', 'text'],
  ['entered_on', 'date'], ['departed_on', 'date'], ['id_number_enc', 'bytea'], ['id_number_index', 'bytea'],
  ['phone_enc', 'bytea'], ['phone_index', 'bytea'], ['content_hmac', 'bytea'],
] as const satisfies readonly (readonly [keyof StaffRow, string])[];

/** A staff row as upsertStaff wrote it: what it was given plus the database's id, version and times. */
export interface WrittenStaff { id: number; code: string; version: number; inserted: boolean; created_at: Date; updated_at: Date }

/**
 * A bytea column as one text parameter: the values in base64 (which never holds a comma) joined by
 * commas, an empty element for null, decoded in SQL. node-postgres sends a bytea[] parameter as hex
 * text escaped element by element, which was a tenth of the client's time on a bulk import (measured).
 */
function packedBytes(values: readonly (string | null)[]) {
  const parts: string[] = new Array(values.length + 1);
  parts[0] = '';
  for (let i = 0; i < values.length; i++) parts[i + 1] = values[i] ?? '';
  // The leading comma keeps a one-row batch of null an element; it is sliced off again. Joined, so
  // the driver gets a flat string, not a rope of 8,000 pieces to flatten before measuring it.
  return sql`(string_to_array(${textBytes(parts.join(','))}::text, ',', ''))[2:]`;
}

/**
 * Any other column as one JSON text parameter (an array, null for null), read into a typed array in
 * SQL: node-postgres escapes a text[] parameter element by element with two regular expressions each,
 * which JSON.stringify does natively (measured: a few percent of the client's time on a bulk import).
 */
function jsonColumn(values: readonly unknown[], type: string) {
  return sql`array(select x from json_array_elements_text(${JSON.stringify(values)}::json) with ordinality as t(x, i) order by i)::${sql.raw(type)}[]`;
}

/**
 * Batch upsert by code. A row is only rewritten when its keyed content digest differs, so loading
 * the same file twice changes nothing. Returns the rows that were inserted or updated, with what the
 * database added (id, version, times), so their ledger entries need not read them back.
 * One array parameter per column (unnest) instead of a VALUES list of 13 × N parameters: measured
 * about 20% faster on PostgreSQL for 4,000-row batches, and no bind-parameter limit.
 *
 * What was written comes back as one row (a text of "id version inserted code" lines and the
 * transaction's time), not one row per record: parsing 4,000 result rows, two timestamps each, was
 * about a twentieth of the client's time on a bulk import (measured). Both times of an inserted row,
 * and updated_at of an updated one, are the transaction's now(); only an updated row's created_at is
 * its own, read back for those rows alone (a re-import that changes some records).
 */
export async function upsertStaff(db: Executor, rows: StaffRow[]): Promise<WrittenStaff[]> {
  if (!rows.length) return [];
  const names = sql.join(STAFF_COLUMNS.map(([c]) => sql.ref(c)));
  const arrays = sql.join(STAFF_COLUMNS.map(([c, type]) => (type === 'bytea' ? packedBytes(rows.map((r) => r[c] as string | null)) : jsonColumn(rows.map((r) => r[c]), type))));
  const values = sql.join(STAFF_COLUMNS.map(([c, type]) => (type === 'bytea' ? sql`decode(v.${sql.ref(c)}, 'base64')` : sql`v.${sql.ref(c)}`)));
  const updates = sql.join(STAFF_COLUMNS.filter(([c]) => c !== 'code').map(([c]) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
  const result = await sql<{ at: Date; n: number; written: string | null }>`
    with w as (
      insert into staff (${names}) select ${values} from unnest(${arrays}) as v(${names})
      on conflict (code) do update set ${updates}, version = staff.version + 1, updated_at = now()
      where staff.content_hmac <> excluded.content_hmac
      returning id, version, (xmax = 0) as inserted, code
    )
    select now() as at, (select count(*) from w)::int as n,
      (select string_agg(concat_ws(' ', id, version, inserted::int, code), chr(10)) from w) as written`.execute(db);
  const { at, n, written } = result.rows[0]!;
  const out: WrittenStaff[] = [];
  const updated = new Map<number, WrittenStaff>();
  // A code is 1–40 of [A-Za-z0-9_.-] (rules.ts), so it holds neither the space nor the newline.
  for (const line of written ? written.split('\n') : []) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const c = line.indexOf(' ', b + 1);
    const w: WrittenStaff = { id: Number(line.slice(0, a)), version: Number(line.slice(a + 1, b)), inserted: line.slice(b + 1, c) === '1', code: line.slice(c + 1), created_at: at, updated_at: at };
    out.push(w);
    if (!w.inserted) updated.set(w.id, w);
  }
  if (out.length !== Number(n)) throw new Error(`staff upsert: ${n} rows written but ${out.length} read back`);
  if (updated.size) {
    const created = await db.selectFrom('staff').select(['id', 'created_at']).where('id', 'in', [...updated.keys()]).execute();
    for (const r of created) updated.get(r.id)!.created_at = r.created_at;
  }
  return out;
}

/** Which of these ID-number indexes (base64) already belong to someone, and to which staff code. Sent as one comma-joined text (see packedBytes). */
export async function ownersOfIdNumbers(db: Executor, indexes: string[]) {
  if (!indexes.length) return new Map<string, string>();
  const rows = await sql<{ code: string; idx: string }>`
    select code, encode(id_number_index, 'base64') as idx from staff
    where id_number_index = any(array(select decode(x, 'base64') from unnest(string_to_array(${indexes.join(',')}::text, ',')) as x))`.execute(db);
  return new Map(rows.rows.map((r) => [r.idx, r.code]));
}
