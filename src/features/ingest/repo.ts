// SQL of the ingest feature: sources, ingest jobs and their errors, code look-ups, and the generic
// batch write of evidence rows (one array parameter per column with unnest, as upsertStaff does).
import { sql, type Kysely, type Transaction } from 'kysely';
import { textBytes } from '../../db/params.ts';
import type { DB } from '../../db/types.ts';
import { offsetOf, type SortSpec } from '../../lib/pagination.ts';
import type { EvidenceSpec, ItemRef, ScopedRef } from './kinds.ts';
import { pack, SEP } from './packing.ts';
import type { FoundRefs, NeededCodes } from './refs.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

// ---- sources ------------------------------------------------------------------------------

export async function findSourceByCode(db: Executor, code: string) {
  return db.selectFrom('sources').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findSourceByToken(db: Executor, tokenId: number) {
  return db.selectFrom('sources').selectAll().where('token_id', '=', tokenId).executeTakeFirst();
}

export async function insertSource(db: Executor, v: { code: string; name: string; token_id: number | null }) {
  return db.insertInto('sources').values(v).returningAll().executeTakeFirstOrThrow();
}

/** Creates the source unless it exists (safe under concurrent callers): its id when this call created it. */
export async function insertSourceIfMissing(db: Executor, code: string, name: string): Promise<number | undefined> {
  const row = await db.insertInto('sources').values({ code, name, token_id: null }).onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst();
  return row?.id;
}

export async function listSources(db: Executor, q: { q?: string; page: number; pageSize: number }, sort: SortSpec<string>) {
  let query = db.selectFrom('sources as s').leftJoin('api_tokens as t', 't.id', 's.token_id');
  if (q.q) query = query.where((eb) => eb.or([eb('s.code', 'like', `${q.q}%`), eb('s.name', 'like', `%${q.q}%`)]));
  const [items, total] = await Promise.all([
    query.select(['s.id', 's.code', 's.name', 's.token_id', 's.created_at', 't.last_used_at', 't.revoked_at'])
      .orderBy(sql.ref(sort.column), sort.direction).orderBy('s.id').limit(q.pageSize).offset(offsetOf(q)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

// ---- jobs ---------------------------------------------------------------------------------

export async function insertJob(db: Executor, v: {
  kind: string; source_id: number; mode: 'insert' | 'upsert'; via: 'http' | 'cli'; file_name: string | null; file_sha256: string | null;
  created_by: number | null; token_id: number | null;
}) {
  return db.insertInto('ingest_jobs').values({ ...v, status: 'running' }).returningAll().executeTakeFirstOrThrow();
}

/** The unfinished CLI job for this same file, kind, source and mode, if any. */
export async function findResumable(db: Executor, v: { kind: string; sha256: string; sourceId: number; mode: 'insert' | 'upsert' }) {
  return db.selectFrom('ingest_jobs').selectAll().where('kind', '=', v.kind).where('file_sha256', '=', v.sha256)
    .where('source_id', '=', v.sourceId).where('mode', '=', v.mode).where('status', 'in', ['running', 'failed'])
    .orderBy('id', 'desc').executeTakeFirst();
}

export async function reopenJob(db: Executor, id: number) {
  return db.updateTable('ingest_jobs').set({ status: 'running', failure: null, finished_at: null }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export interface RowError { line: number; field: string; reason: string }

export interface BatchCounts { inserted: number; updated: number; unchanged: number; rejected: number }

/** A batch's bookkeeping, in the same transaction as its rows: what is committed is exactly what is recorded. */
export async function recordBatch(db: Executor, id: number, b: BatchCounts & { first: number; last: number; errors: RowError[] }) {
  if (b.errors.length) {
    await sql`
      insert into ingest_errors (job_id, line, field, reason)
      select ${id}::int, * from unnest(${b.errors.map((e) => e.line)}::int[], ${b.errors.map((e) => e.field)}::text[], ${b.errors.map((e) => e.reason)}::text[])
      on conflict do nothing`.execute(db);
  }
  await db.insertInto('ingest_batches').values({
    job_id: id, first_record: b.first, last_record: b.last, inserted: b.inserted, updated: b.updated, unchanged: b.unchanged, rejected: b.rejected,
  }).execute();
}

/** The record ranges a job has committed, in order. */
export async function committedRanges(db: Executor, id: number) {
  const rows = await db.selectFrom('ingest_batches').select(['first_record', 'last_record']).where('job_id', '=', id).orderBy('first_record').execute();
  return rows.map((r) => ({ first: r.first_record, last: r.last_record }));
}

const totals = (id: number) => sql<{ lines: number; inserted: number; updated: number; unchanged: number; rejected: number }>`
  select coalesce(sum(last_record - first_record + 1), 0)::int as lines, coalesce(sum(inserted), 0)::int as inserted,
         coalesce(sum(updated), 0)::int as updated, coalesce(sum(unchanged), 0)::int as unchanged, coalesce(sum(rejected), 0)::int as rejected
  from ingest_batches where job_id = ${id}`;

/** Ends a job with the totals of its committed batches. */
export async function finishJob(db: Executor, id: number, status: 'completed' | 'failed', failure: string | null) {
  const t = (await totals(id).execute(db)).rows[0]!;
  return db.updateTable('ingest_jobs').set({ ...t, status, failure, finished_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** A job with its source code; the counts of a running job are summed from its committed batches. */
export async function findJob(db: Executor, id: number) {
  const job = await db.selectFrom('ingest_jobs as j').innerJoin('sources as s', 's.id', 'j.source_id').selectAll('j').select('s.code as source_code')
    .where('j.id', '=', id).executeTakeFirst();
  if (!job || job.status === 'completed') return job;
  return { ...job, ...(await totals(id).execute(db)).rows[0]! };
}

export async function listErrors(db: Executor, id: number, page: { page: number; pageSize: number }) {
  const q = db.selectFrom('ingest_errors').where('job_id', '=', id);
  const [items, total] = await Promise.all([
    q.select(['line', 'field', 'reason']).orderBy('line').orderBy('field').limit(page.pageSize).offset(offsetOf(page)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

// ---- code look-ups ------------------------------------------------------------------------

export async function unitsByCode(db: Executor, codes: string[]): Promise<Map<string, ScopedRef>> {
  if (!codes.length) return new Map();
  const r = await sql<{ code: string; id: number; path: string; region_path: string }>`
    select u.code, u.id, u.path, r.path as region_path from units u join regions r on r.id = u.region_id
    where u.code = any(${codes}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, { id: x.id, path: x.path, regionPath: x.region_path }]));
}

export async function serviceItemsByCode(db: Executor, codes: string[]): Promise<Map<string, ItemRef>> {
  if (!codes.length) return new Map();
  const r = await sql<{ code: string; id: number; unit_id: number; promised_days: number; path: string; region_path: string }>`
    select si.code, si.id, si.unit_id, si.promised_days, u.path, r.path as region_path
    from service_items si join units u on u.id = si.unit_id join regions r on r.id = u.region_id
    where si.code = any(${codes}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, { id: x.id, unitId: x.unit_id, promisedDays: x.promised_days, path: x.path, regionPath: x.region_path }]));
}

export async function staffByCode(db: Executor, codes: string[]): Promise<Map<string, ScopedRef>> {
  if (!codes.length) return new Map();
  const r = await sql<{ code: string; id: number; path: string; region_path: string }>`
    select st.code, st.id, u.path, r.path as region_path
    from staff st join units u on u.id = st.unit_id join regions r on r.id = u.region_id
    where st.code = any(${codes}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.code, { id: x.id, path: x.path, regionPath: x.region_path }]));
}

/** The registry records of these codes (a FoundRefs for the job's RefCache). */
export async function findRefs(db: Executor, needed: NeededCodes): Promise<FoundRefs> {
  const [units, items, staff] = [await unitsByCode(db, needed.units), await serviceItemsByCode(db, needed.items), await staffByCode(db, needed.staff)];
  return { units: [...units], items: [...items], staff: [...staff] };
}

// ---- evidence rows ------------------------------------------------------------------------
//
// A batch travels as one text parameter per column (packing.ts), split again in SQL (string_to_array).
// Measured on 5,000-row batches: a third of the client time of array parameters on node-postgres and
// far less on PGlite, whose array encoder is slow.

/** The SQL array of a packed column: its text (pack), as bytes (textBytes) or still a string. */
function packedText(text: string | Uint8Array, type: string) {
  const base = type === 'epoch_ms' ? 'float8' : type;
  // The leading separator keeps a single empty string an element; [2:] drops the empty first.
  return sql`(string_to_array(${typeof text === 'string' ? textBytes(text) : text}::text, chr(31), chr(30)))[2:]::${sql.raw(base)}[]`;
}

const packed = (values: readonly unknown[], type: string) => packedText(pack(values), type);

/** A column of the unnest alias v, converted to its stored type. */
const stored = (name: string, type: string) => (type === 'epoch_ms' ? sql`to_timestamp(v.${sql.ref(name)} / 1000)` : sql`v.${sql.ref(name)}`);

export interface EvidenceRow {
  externalId: string;
  /** SHA-256 of the checked record, hex. */
  hash: string;
  /** Values in the order of spec.columns. */
  values: unknown[];
}

const column = (rows: EvidenceRow[], i: number) => rows.map((r) => r.values[i]);

/**
 * Inserts the rows that are new; rows whose (source, external id) exists — or, for transactions,
 * whose transaction code is taken — are left alone and not returned. Duplicates within the batch
 * insert once.
 */
export async function insertNew(db: Executor, spec: EvidenceSpec, sourceId: number, rows: EvidenceRow[], ledgerBatch: number | null) {
  return insertRows(db, spec, sourceId, rows, true, ledgerBatch);
}

/** Inserted rows' ids by external id, and the transaction's time (their created_at and updated_at). */
export interface Inserted { rows: { id: number; external_id: string }[]; at: Date | null }

/**
 * Inserts rows expected to be all new (distinct ids and codes, none stored) without ON CONFLICT, which
 * costs the server about a quarter more per row (measured); if one is not new after all (another
 * batch stored it meanwhile), the attempt is rolled back to a savepoint and insertNew takes over.
 */
export async function insertExpectedNew(db: Transaction<DB>, spec: EvidenceSpec, sourceId: number, rows: EvidenceRow[], ledgerBatch: number | null): Promise<Inserted> {
  if (!rows.length) return { rows: [], at: null };
  return (await unlessTaken(db, () => insertRows(db, spec, sourceId, rows, false, ledgerBatch))) ?? insertNew(db, spec, sourceId, rows, ledgerBatch);
}

/** Runs `write` inside a savepoint: its result, or undefined with nothing written when it met a unique violation. */
async function unlessTaken<T>(db: Transaction<DB>, write: () => Promise<T>): Promise<T | undefined> {
  await sql`savepoint ingest_insert`.execute(db);
  try {
    const result = await write();
    await sql`release savepoint ingest_insert`.execute(db);
    return result;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await sql`rollback to savepoint ingest_insert`.execute(db);
    return undefined;
  }
}

async function insertRows(db: Executor, spec: EvidenceSpec, sourceId: number, rows: EvidenceRow[], skipConflicts: boolean, ledgerBatch: number | null): Promise<Inserted> {
  if (!rows.length) return { rows: [], at: null };
  const cols = spec.columns.map(([c]) => c);
  const names = sql.join(['source_id', 'external_id', 'content_hash', 'ledger_batch', ...cols].map((c) => sql.ref(c)));
  const arrays = sql.join([
    packed(rows.map((r) => r.externalId), 'text'),
    packed(rows.map((r) => r.hash), 'text'),
    ...spec.columns.map(([, type], i) => packed(column(rows, i), type)),
  ]);
  // The ids come back as two packed strings in one row, not as one row per record.
  const result = await sql<{ ids: string | null; ext: string | null; at: Date }>`
    with ins as (
      insert into ${sql.table(spec.table)} (${names})
      select ${sourceId}::int, v.external_id, decode(v.hash, 'hex'), ${ledgerBatch}::bigint, ${sql.join(spec.columns.map(([c, type]) => stored(c, type)))}
      from unnest(${arrays}) as v(external_id, hash, ${sql.join(cols.map((c) => sql.ref(c)))})
      ${skipConflicts ? sql`on conflict do nothing` : sql``}
      returning id, external_id
    )
    select string_agg(id::text, ',') as ids, string_agg(external_id, chr(31)) as ext, now() as at from ins`.execute(db);
  const { ids, ext, at } = result.rows[0] ?? { ids: null, ext: null, at: null };
  if (!ids || ext === null) return { rows: [], at };
  const externalIds = ext.split(SEP);
  return { rows: ids.split(',').map((id, i) => ({ id: Number(id), external_id: externalIds[i]! })), at };
}

/** A batch's insert prepared on the reading worker (decision 85): ids and times given, columns packed. */
export interface PreparedRows {
  /** created_at and updated_at of every row, epoch milliseconds. */
  at: number;
  count: number;
  /** Packed texts as bytes: id, external_id, content hash (hex), then the kind's columns. */
  columns: Uint8Array[];
}

/**
 * Inserts a prepared batch, all rows new (no ON CONFLICT). False, with nothing written, when one is
 * not new after all (stored meanwhile, or its transaction code is taken): the caller writes the
 * batch the general way.
 */
export async function insertPrepared(db: Transaction<DB>, spec: EvidenceSpec, sourceId: number, p: PreparedRows, ledgerBatch: number): Promise<boolean> {
  const cols = spec.columns.map(([c]) => c);
  const names = sql.join(['id', 'source_id', 'external_id', 'content_hash', 'ledger_batch', 'created_at', 'updated_at', ...cols].map((c) => sql.ref(c)));
  const types = ['bigint', 'text', 'text', ...spec.columns.map(([, type]) => type)];
  const arrays = sql.join(p.columns.map((bytes, i) => packedText(bytes, types[i]!)));
  const at = sql`to_timestamp(${p.at}::float8 / 1000)`;
  const written = await unlessTaken(db, async () => {
    const result = await sql<{ n: number }>`
      with ins as (
        insert into ${sql.table(spec.table)} (${names})
        select v.id, ${sourceId}::int, v.external_id, decode(v.hash, 'hex'), ${ledgerBatch}::bigint, ${at}, ${at}, ${sql.join(spec.columns.map(([c, type]) => stored(c, type)))}
        from unnest(${arrays}) as v(id, external_id, hash, ${sql.join(cols.map((c) => sql.ref(c)))})
        returning 1
      )
      select count(*)::int as n from ins`.execute(db);
    if (result.rows[0]?.n !== p.count) throw new Error(`prepared insert wrote ${result.rows[0]?.n} rows, not ${p.count}`);
    return true;
  });
  return written ?? false;
}

/**
 * n ids drawn from the table's id sequence, ascending. Beside other writers (PostgreSQL) one nextval
 * each; `alone` (PGlite: one connection, one statement at a time) one jump of the sequence instead,
 * which no other statement can interleave with (5,000 nextval calls cost PGlite's thread 5.7 ms, the
 * jump 0.4 ms: 1.1 s per million rows, measured on 2 cores).
 */
export async function reserveIds(db: Executor, table: string, n: number, alone: boolean): Promise<number[]> {
  if (alone) {
    const r = await sql<{ last: string }>`select setval(pg_get_serial_sequence(${table}, 'id'), nextval(pg_get_serial_sequence(${table}, 'id')) + ${n - 1}::int) as last`.execute(db);
    const last = Number(r.rows[0]!.last);
    return Array.from({ length: n }, (_, i) => last - n + 1 + i);
  }
  const result = await sql<{ ids: string }>`
    with s as (select pg_get_serial_sequence(${table}, 'id')::regclass as seq)
    select string_agg(id::text, ',' order by id) as ids
    from (select nextval((select seq from s)) as id from generate_series(1, ${n}::int)) x`.execute(db);
  return result.rows[0]!.ids.split(',').map(Number);
}

export interface StoredRow { id: number; hash: string; version: number; unique: string | null }

/**
 * The stored rows of these external ids of a source: id, content hash, version (and the unique column).
 * One index look-up per id (a lateral join with LIMIT), so the plan does not depend on statistics: right
 * after a large ingest, before autovacuum has analysed the table, "source_id = ? and external_id = any(…)"
 * was planned as a scan of the whole source (measured: the second run of a 1M-line file took 8× longer).
 */
export async function findExisting(db: Executor, spec: EvidenceSpec, sourceId: number, externalIds: string[]): Promise<Map<string, StoredRow>> {
  if (!externalIds.length) return new Map();
  const unique = spec.unique ? sql`t.${sql.ref(spec.unique.column)}` : sql`null`;
  const result = await sql<{ id: number; external_id: string; content_hash: string; version: number; unique_value: string | null }>`
    select t.id, t.external_id, encode(t.content_hash, 'hex') as content_hash, t.version, ${unique} as unique_value
    from unnest(${packed(externalIds, 'text')}) as x(external_id)
    cross join lateral (
      select * from ${sql.table(spec.table)} s where s.source_id = ${sourceId} and s.external_id = x.external_id limit 1
    ) t`.execute(db);
  return new Map(result.rows.map((r) => [r.external_id, { id: Number(r.id), hash: r.content_hash, version: r.version, unique: r.unique_value }]));
}

/** Which of these values of the kind's unique column are taken, and by which row id (one index look-up each). */
export async function uniqueOwners(db: Executor, spec: EvidenceSpec, values: string[]) {
  if (!spec.unique || !values.length) return new Map<string, number>();
  const col = sql.ref(spec.unique.column);
  const result = await sql<{ id: number; value: string }>`
    select t.id, x.value from unnest(${packed(values, 'text')}) as x(value)
    cross join lateral (select s.id from ${sql.table(spec.table)} s where s.${col} = x.value limit 1) t`.execute(db);
  return new Map(result.rows.map((r) => [r.value, Number(r.id)]));
}

/** Declared updates: new content for existing rows, version + 1. */
export async function updateRows(db: Executor, spec: EvidenceSpec, rows: (EvidenceRow & { id: number })[], ledgerBatch: number | null) {
  if (!rows.length) return [];
  const cols = spec.columns.map(([c]) => c);
  const arrays = sql.join([
    packed(rows.map((r) => r.id), 'bigint'),
    packed(rows.map((r) => r.hash), 'text'),
    ...spec.columns.map(([, type], i) => packed(column(rows, i), type)),
  ]);
  const sets = sql.join(spec.columns.map(([c, type]) => sql`${sql.ref(c)} = ${stored(c, type)}`));
  const result = await sql<{ id: number; version: number }>`
    update ${sql.table(spec.table)} as t set content_hash = decode(v.hash, 'hex'), ${sets}, version = t.version + 1, updated_at = now(), ledger_batch = ${ledgerBatch}::bigint
    from unnest(${arrays}) as v(id, hash, ${sql.join(cols.map((c) => sql.ref(c)))})
    where t.id = v.id
    returning t.id, t.version`.execute(db);
  return result.rows.map((r) => ({ id: Number(r.id), version: r.version }));
}
