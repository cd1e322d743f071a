import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf } from '../../lib/pagination.ts';
import type { RowError } from '../registry/batch.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function findResumable(db: Executor, kind: string, sha256: string) {
  return db.selectFrom('import_jobs').selectAll().where('kind', '=', kind).where('file_sha256', '=', sha256).where('status', 'in', ['running', 'failed']).orderBy('id', 'desc').executeTakeFirst();
}

export async function insertJob(db: Executor, v: { kind: string; file_name: string; file_sha256: string; file_path: string | null; total_rows: number | null; created_by: number | null }) {
  return db.insertInto('import_jobs').values({ ...v, status: 'running' }).returningAll().executeTakeFirstOrThrow();
}

export async function findJob(db: Executor, id: number) {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function runningJobsWithFiles(db: Executor) {
  return db.selectFrom('import_jobs').selectAll().where('status', '=', 'running').where('file_path', 'is not', null).orderBy('id').execute();
}

export async function setTotal(db: Executor, id: number, total: number) {
  await db.updateTable('import_jobs').set({ total_rows: total, status: 'running', failure: null }).where('id', '=', id).execute();
}

/**
 * Commits a batch's bookkeeping in the same transaction as its rows: the resume point can't drift.
 * It moves from `from` (where the batch before left it) to `processed`; if it is anywhere else (the
 * job is being run elsewhere too) the batch fails and rolls back.
 */
export async function recordBatch(db: Executor, id: number, b: { from: number; processed: number; inserted: number; updated: number; unchanged: number; errors: RowError[] }) {
  if (b.errors.length) {
    await db.insertInto('import_errors')
      .values(b.errors.map((e) => ({ job_id: id, row_number: e.row, field: e.field, reason: e.reason })))
      .onConflict((oc) => oc.columns(['job_id', 'row_number', 'field']).doNothing())
      .execute();
  }
  const moved = await db.updateTable('import_jobs')
    .set((eb) => ({
      processed_rows: b.processed,
      inserted: eb('inserted', '+', b.inserted),
      updated: eb('updated', '+', b.updated),
      unchanged: eb('unchanged', '+', b.unchanged),
      error_count: sql`(select count(distinct row_number) from import_errors where job_id = ${id})`,
    }))
    .where('id', '=', id)
    .where('processed_rows', '=', b.from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new Error(`import ${id}: its resume point is no longer at row ${b.from} (is it running elsewhere too?)`);
}

export async function finishJob(db: Executor, id: number, status: 'completed' | 'failed', failure: string | null) {
  return db.updateTable('import_jobs').set({ status, failure, finished_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function listErrors(db: Executor, id: number, page: { page: number; pageSize: number }) {
  const q = db.selectFrom('import_errors').where('job_id', '=', id);
  const [items, total] = await Promise.all([
    q.select(['row_number', 'field', 'reason']).orderBy('row_number').orderBy('field').limit(page.pageSize).offset(offsetOf(page)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
