// SQL of rectifications (差评整改): the scoped queue, one record with its rating and transaction,
// its events, and the writes of a transition. Stage deadlines are computed by add_working_days.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf, type SortSpec } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';
import type { RectificationPatch } from './machine.ts';
import type { RectificationStatus } from './tables.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

const columns = [
  'k.id', 'k.rating_id', 'k.unit_id', 'k.status', 'k.resume_status', 'k.outcome', 'k.finding', 'k.finding_reason', 'k.evidence',
  'k.attachments', 'k.revisit_required', 'k.revisit_outcome', 'k.revisit_note', 'k.revisit_count', 'k.appeal_kind', 'k.appeal_reason',
  'k.appeal_decision', 'k.appeal_decision_reason', 'k.false_rectification', 'k.false_reason', 'k.opened_at', 'k.stage_deadline',
  'k.due_at', 'k.verified_at', 'k.rectified_at', 'k.revisited_at', 'k.closed_at', 'k.version', 'k.updated_at',
  'u.code as unit_code', 'u.name as unit_name', 'u.category as unit_category',
  'r.level', 'r.channel', 'r.comment', 'r.tags', 'r.rated_at', 'r.real_name', 'r.excluded', 'r.rater_name_enc', 'r.rater_phone_enc',
  't.transaction_code', 's.code as service_item_code', 's.name as service_item_name',
] as const;

function base(db: Executor, scope: Scope) {
  return db
    .selectFrom('rectifications as k')
    .innerJoin('units as u', 'u.id', 'k.unit_id')
    .innerJoin('ratings as r', 'r.id', 'k.rating_id')
    .innerJoin('service_transactions as t', 't.id', 'r.transaction_id')
    .leftJoin('service_items as s', 's.id', 't.service_item_id')
    .where((eb) => unitInScope(eb, scope, 'u'));
}

export type RectificationRow = NonNullable<Awaited<ReturnType<typeof findRectification>>>;

export async function findRectification(db: Executor, scope: Scope, id: number) {
  return base(db, scope).select(columns).where('k.id', '=', id).executeTakeFirst();
}

export interface RectificationFilter {
  status?: RectificationStatus;
  overdue?: boolean;
  /** Path of a unit: that unit and its sub-units. */
  unitPath?: string;
  page: number;
  pageSize: number;
}

export async function listRectifications(db: Executor, scope: Scope, f: RectificationFilter, sort: SortSpec<string>, now: Date) {
  let q = base(db, scope);
  if (f.status) q = q.where('k.status', '=', f.status);
  if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
  if (f.overdue === true) q = q.where('k.status', '<>', 'closed').where('k.stage_deadline', '<', now);
  if (f.overdue === false) q = q.where((eb) => eb.or([eb('k.status', '=', 'closed'), eb('k.stage_deadline', '>=', now)]));
  const [items, total] = await Promise.all([
    q.select(columns)
      .orderBy(sql`${sql.ref(sort.column)} ${sql.raw(sort.direction)} nulls last`)
      .orderBy('k.id', sort.direction)
      .limit(f.pageSize).offset(offsetOf(f)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function eventsOf(db: Executor, rectificationId: number) {
  return db
    .selectFrom('rectification_events as e')
    .leftJoin('users as us', 'us.id', 'e.actor_user_id')
    .select(['e.id', 'e.action', 'e.from_status', 'e.to_status', 'e.actor_role', 'e.detail', 'e.at', 'us.username as actor'])
    .where('e.rectification_id', '=', rectificationId)
    .orderBy('e.id')
    .execute();
}

export async function deadlineRules(db: Executor, unitId: number) {
  return db
    .selectFrom('rectification_deadlines as d')
    .innerJoin('units as u', 'u.category', 'd.unit_category')
    .select(['d.verify_days', 'd.rectify_days', 'd.revisit_days', 'd.appeal_days'])
    .where('u.id', '=', unitId)
    .executeTakeFirstOrThrow();
}

export async function unitPathByCode(db: Executor, scope: Scope, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('units as u').select('u.path').where('u.code', '=', code).where((eb) => unitInScope(eb, scope, 'u')).executeTakeFirst();
  return row?.path;
}

/**
 * Writes one transition if the row is still at `version` (optimistic lock); returns the stored row,
 * or undefined when someone else changed it first.
 */
export async function updateRectification(
  trx: Executor,
  id: number,
  version: number,
  change: { patch: RectificationPatch; stageDays: number | null; dueDays: number | null; incrementRevisits: boolean; now: Date },
) {
  const { now } = change;
  return trx
    .updateTable('rectifications')
    .set((eb) => ({
      ...change.patch,
      stage_deadline: change.stageDays === null ? null : sql<Date>`add_working_days(${now}::timestamptz, ${change.stageDays}::int)`,
      ...(change.dueDays === null ? {} : { due_at: sql<Date>`add_working_days(${now}::timestamptz, ${change.dueDays}::int)` }),
      ...(change.incrementRevisits ? { revisit_count: eb('revisit_count', '+', 1) } : {}),
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function insertEvent(
  trx: Executor,
  v: { rectificationId: number; action: string; from: RectificationStatus; to: RectificationStatus; actorUserId: number | null; actorRole: string; detail: Record<string, unknown>; at: Date },
) {
  return trx
    .insertInto('rectification_events')
    .values({ rectification_id: v.rectificationId, action: v.action, from_status: v.from, to_status: v.to, actor_user_id: v.actorUserId, actor_role: v.actorRole, detail: JSON.stringify(v.detail), at: v.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appeal upheld: the rating stays stored but counts in no metric. */
export async function excludeRating(trx: Executor, ratingId: number, now: Date) {
  return trx
    .updateTable('ratings')
    .set((eb) => ({ excluded: true, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', ratingId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---- deadline rules --------------------------------------------------------------------------------

export async function listDeadlineRules(db: Executor, category?: string) {
  let q = db.selectFrom('rectification_deadlines').selectAll().orderBy('unit_category');
  if (category) q = q.where('unit_category', '=', category as never);
  return q.execute();
}

/** Sets a category's rules; a new version only when something changed. */
export async function updateDeadlineRule(
  trx: Executor,
  category: string,
  v: { verify_days: number; rectify_days: number; revisit_days: number; appeal_days: number },
  now: Date,
) {
  return trx
    .updateTable('rectification_deadlines')
    .set((eb) => ({ ...v, version: eb('version', '+', 1), updated_at: now }))
    .where('unit_category', '=', category as never)
    .where((eb) => eb.or([
      eb('verify_days', '<>', v.verify_days), eb('rectify_days', '<>', v.rectify_days),
      eb('revisit_days', '<>', v.revisit_days), eb('appeal_days', '<>', v.appeal_days),
    ]))
    .returningAll()
    .executeTakeFirst();
}
