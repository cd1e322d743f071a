import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf } from '../../lib/pagination.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function insertAccess(db: Executor, v: { actor_user_id: number; subject_type: string; subject_id: number; action: string; reason: string | null }) {
  await db.insertInto('access_log').values(v).execute();
}

export async function listAccess(db: Executor, f: { subjectType?: string; subjectId?: number; actorId?: number; page: number; pageSize: number }) {
  let q = db.selectFrom('access_log as a').innerJoin('users as us', 'us.id', 'a.actor_user_id').leftJoin('staff as st', (j) => j.onRef('st.id', '=', 'a.subject_id').on('a.subject_type', '=', 'staff'));
  if (f.subjectType) q = q.where('a.subject_type', '=', f.subjectType);
  if (f.subjectId !== undefined) q = q.where('a.subject_id', '=', f.subjectId);
  if (f.actorId !== undefined) q = q.where('a.actor_user_id', '=', f.actorId);
  const [items, total] = await Promise.all([
    q.select(['a.id', 'a.at', 'a.action', 'a.reason', 'a.subject_type', 'us.username as actor', 'st.code as subject_code']).orderBy('a.id', 'desc').limit(f.pageSize).offset(offsetOf(f)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
