// The ledger's SQL that only the database audit (`ledger verify --database`, verify-db.ts) needs:
// the latest entry of records, records gone from their tables, and the rows of evidence batches.
import { sql } from 'kysely';
import { bytesOfEntry, entryText, type Executor } from './store.ts';

/** The latest entry of each of these records (integrated or pending), by record id: what audits compare rows with. */
export async function latestEntries(db: Executor, type: string, ids: readonly string[]): Promise<Map<string, { entry: Uint8Array; version: number }>> {
  const out = new Map<string, { entry: Uint8Array; version: number }>();
  if (!ids.length) return out;
  const rows = await sql<{ record_id: string; record_version: number; entry: string }>`
    select distinct on (record_id) record_id, record_version, ${entryText} as entry from ledger_entries
    where record_type = ${type} and record_id = any(${ids}::text[])
    order by record_id, record_version desc, seq desc
  `.execute(db);
  for (const r of rows.rows) out.set(r.record_id, { entry: bytesOfEntry(r.entry), version: r.record_version });
  return out;
}

/** Record ids that have entries of this type but no row in `table` any more (a deleted record). */
export async function idsMissingFrom(db: Executor, type: string, table: string, keyColumn: string, where?: ReturnType<typeof sql>): Promise<string[]> {
  const rows = await sql<{ record_id: string }>`
    select distinct e.record_id from ledger_entries e where e.record_type = ${type} and not exists (
      select 1 from ${sql.table(table)} t where t.${sql.ref(keyColumn)}::text = e.record_id ${where ? sql`and ${where}` : sql``}
    ) order by e.record_id limit 1000
  `.execute(db);
  return rows.rows.map((r) => r.record_id);
}

// ---- batched records (evidence) ----------------------------------------------------------------

/**
 * The "id:version:sha256" lines of batch records (evidence_batches) by id. Only evidence batches
 * exist so far; `type` names the batch record type for when there are more.
 */
export async function batchRecordLines(db: Executor, type: string, ids: readonly number[]): Promise<Map<number, Set<string>>> {
  if (!ids.length || type !== 'evidence_batch') return new Map();
  const rows = await db.selectFrom('evidence_batches').select(['id', 'rows']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [Number(r.id), new Set(r.rows)]));
}

/** Ids a batch of this record type lists that are not in the table. */
export async function batchedIdsMissingFrom(db: Executor, type: string, table: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    select distinct split_part(l, ':', 1) as id from evidence_batches b, unnest(b.rows) as l
    where b.record_type = ${type}
      and not exists (select 1 from ${sql.table(table)} t where t.id = split_part(l, ':', 1)::bigint)
    order by 1 limit 1000`.execute(db);
  return result.rows.map((r) => r.id);
}
