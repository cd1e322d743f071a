// SQL of cases: the scoped queue, one case with its units, events, messages and media, the writes of
// a transition, and the look-ups intake needs. Deadlines are computed by add_working_days.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf, type SortSpec } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';
import type { CaseChannel, CaseStatus, CasesTable } from './tables.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
type Insertable<T> = import('kysely').Insertable<T>;

const columns = [
  'c.id', 'c.receipt_id', 'c.channel', 'c.status', 'c.text', 'c.category', 'c.category_confidence', 'c.category_source', 'c.category_set_at',
  'c.classifier_category', 'c.subject_unit_id', 'c.subject_staff_id', 'c.unit_id', 'c.transfer_to_unit_id', 'c.transfer_reason', 'c.assignee',
  'c.lat', 'c.long', 'c.address', 'c.real_name', 'c.reporter_name_enc', 'c.reporter_phone_enc', 'c.reporter_email_enc', 'c.reject_reason',
  'c.finding', 'c.measures', 'c.merged_into_id', 'c.submitted_at', 'c.first_response_due', 'c.first_responded_at', 'c.due_at', 'c.deadline',
  'c.resolved_at', 'c.closed_at', 'c.reopen_count', 'c.escalated_at', 'c.version', 'c.updated_at', 'c.open311_token',
  'u.code as unit_code', 'u.name as unit_name', 'u.path as unit_path', 'tu.code as transfer_unit_code', 'tu.name as transfer_unit_name',
  'tu.path as transfer_unit_path', 'su.code as subject_unit_code', 'su.name as subject_unit_name', 'ss.code as subject_staff_code',
  'ss.name as subject_staff_name', 'cat.name_zh as category_name_zh', 'cat.name_en as category_name_en', 'sb.username as category_set_by_name',
] as const;

function joined(db: Executor) {
  return db
    .selectFrom('cases as c')
    .innerJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('units as tu', 'tu.id', 'c.transfer_to_unit_id')
    .leftJoin('units as su', 'su.id', 'c.subject_unit_id')
    .leftJoin('staff as ss', 'ss.id', 'c.subject_staff_id')
    .innerJoin('case_categories as cat', 'cat.code', 'c.category')
    .leftJoin('users as sb', 'sb.id', 'c.category_set_by');
}

/** A case is in scope when its accountable unit is, or the unit a pending transfer waits on. */
function scoped(db: Executor, scope: Scope) {
  return joined(db).where((eb) => eb.or([unitInScope(eb, scope, 'u'), eb.and([eb('tu.id', 'is not', null), unitInScope(eb, scope, 'tu')])]));
}

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

export async function findCase(db: Executor, scope: Scope, id: number) {
  return scoped(db, scope).select(columns).where('c.id', '=', id).executeTakeFirst();
}

export async function findCaseById(db: Executor, id: number) {
  return joined(db).select(columns).where('c.id', '=', id).executeTakeFirst();
}

export async function findByReceiptId(db: Executor, receiptId: string) {
  return db.selectFrom('cases').select(['id', 'receipt_hash']).where('receipt_id', '=', receiptId).executeTakeFirst();
}

export interface CaseFilter {
  status?: CaseStatus;
  open?: boolean;
  overdue?: boolean;
  category?: string;
  channel?: CaseChannel;
  unitPath?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** Ids of the units a scope covers (optionally only under `unitPath`); null means every unit. */
async function scopeUnitIds(db: Executor, scope: Scope, unitPath?: string): Promise<number[] | null> {
  if (scope.kind === 'all' && !unitPath) return null;
  let q = db.selectFrom('units as u').select('u.id').where((eb) => unitInScope(eb, scope, 'u'));
  if (unitPath) q = q.where('u.path', 'like', `${unitPath}%`);
  const [ids, all] = await Promise.all([q.execute(), db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()]);
  // A scope that covers every unit (a provincial inspector) needs no filter: the deadline index alone serves it.
  if (!unitPath && ids.length === Number(all.n)) return null;
  return ids.map((r) => r.id);
}

/**
 * The queue in two steps, so that 10^6 stored cases cost little: the page's ids and the total from
 * `cases` alone (scope resolved to unit ids first, so the (unit_id, deadline) index serves both), then
 * the joined rows of just that page.
 */
export async function listCases(db: Executor, scope: Scope, f: CaseFilter, sort: SortSpec<string>, now: Date) {
  const unitIds = await scopeUnitIds(db, scope, f.unitPath);
  if (unitIds && unitIds.length === 0) return { items: [], total: 0 };
  let q = db.selectFrom('cases as c');
  if (unitIds) {
    const ids = sql.val(unitIds);
    // A pending transfer also shows the case to the receiving unit; a unit filter means the accountable unit.
    q = q.where(f.unitPath ? sql<boolean>`c.unit_id = any(${ids}::int[])` : sql<boolean>`(c.unit_id = any(${ids}::int[]) or c.transfer_to_unit_id = any(${ids}::int[]))`);
  }
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.open === true) q = q.where('c.deadline', 'is not', null);
  if (f.open === false) q = q.where('c.deadline', 'is', null);
  if (f.overdue === true) q = q.where('c.deadline', '<', now);
  if (f.overdue === false) q = q.where((eb) => eb.or([eb('c.deadline', 'is', null), eb('c.deadline', '>=', now)]));
  if (f.category) q = q.where('c.category', '=', f.category);
  if (f.channel) q = q.where('c.channel', '=', f.channel);
  if (f.q) q = q.where('c.text', 'like', `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  const [page, total] = await Promise.all([
    q.select('c.id')
      .orderBy(sql`${sql.ref(sort.column)} ${sql.raw(sort.direction)} nulls last`)
      .orderBy('c.id', sort.direction)
      .limit(f.pageSize).offset(offsetOf(f)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const ids = page.map((r) => Number(r.id));
  const rows = ids.length ? await joined(db).select(columns).where('c.id', 'in', ids).execute() : [];
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return { items: ids.map((id) => byId.get(id)!).filter(Boolean), total: Number(total.n) };
}

/** Open cases past their deadline, counted per accountable unit in scope. */
export async function overdueByUnit(db: Executor, scope: Scope, now: Date) {
  return db.selectFrom('cases as c').innerJoin('units as u', 'u.id', 'c.unit_id')
    .select(['u.code', 'u.name', (eb) => eb.fn.countAll<number>().as('overdue'), (eb) => eb.fn.min('c.deadline').as('oldest_deadline')])
    .where('c.deadline', '<', now).where((eb) => unitInScope(eb, scope, 'u'))
    .groupBy(['u.code', 'u.name']).orderBy('overdue', 'desc').orderBy('u.code').execute();
}

export async function eventsOf(db: Executor, caseId: number) {
  return db.selectFrom('case_events as e').leftJoin('units as u', 'u.id', 'e.unit_id').leftJoin('users as us', 'us.id', 'e.actor_user_id')
    .select(['e.id', 'e.action', 'e.from_status', 'e.to_status', 'e.actor_role', 'e.detail', 'e.at', 'u.name as unit_name', 'u.code as unit_code', 'us.username as actor'])
    .where('e.case_id', '=', caseId).orderBy('e.id').execute();
}

export async function messagesOf(db: Executor, caseId: number) {
  return db.selectFrom('case_messages as m').leftJoin('units as u', 'u.id', 'm.unit_id')
    .select(['m.id', 'm.author', 'm.body', 'm.at', 'u.name as unit_name']).where('m.case_id', '=', caseId).orderBy('m.id').execute();
}

export async function mediaOf(db: Executor, caseId: number) {
  return db.selectFrom('case_media').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export async function mediaById(db: Executor, caseId: number, mediaId: number) {
  return db.selectFrom('case_media').selectAll().where('case_id', '=', caseId).where('id', '=', mediaId).executeTakeFirst();
}

export async function unitByCode(db: Executor, code: string) {
  return db.selectFrom('units').select(['id', 'code', 'name', 'path']).where('code', '=', code).executeTakeFirst();
}

export async function staffByCode(db: Executor, code: string) {
  return db.selectFrom('staff').select(['id', 'unit_id']).where('code', '=', code).executeTakeFirst();
}

/** Units whose name or code contains `q` (public: names and codes of offices are public), by code. */
export async function searchUnits(db: Executor, q: string | undefined, page: { page: number; pageSize: number }) {
  let base = db.selectFrom('units');
  const text = q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    base = base.where((eb) => eb.or([eb('name', 'like', like), eb('code', 'like', like)]));
  }
  const [items, total] = await Promise.all([
    base.select(['code', 'name']).orderBy('code').limit(page.pageSize).offset(offsetOf(page)).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Where a case without a named subject goes: the configured intake unit, else the first top-level unit. */
export async function intakeUnit(db: Executor, code: string | undefined) {
  if (code) {
    const u = await unitByCode(db, code);
    if (u) return u.id;
  }
  const row = await db.selectFrom('units').select('id').where('parent_id', 'is', null).orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}

export async function categories(db: Executor) {
  return db.selectFrom('case_categories').selectAll().orderBy('code').execute();
}

/**
 * Inserts cases in one statement; rows come back in input order. Ids are drawn from the sequence row
 * by row as the VALUES list is inserted, so ordering the returned rows by id restores the input order
 * whatever order RETURNING uses.
 */
export async function insertCases(trx: Executor, values: readonly Insertable<CasesTable>[], firstResponseHours: number) {
  const rows = await trx.insertInto('cases')
    .values(values.map((v) => ({
      ...v,
      first_response_due: sql<Date>`${v.submitted_at}::timestamptz + make_interval(hours => ${firstResponseHours}::int)`,
      deadline: sql<Date>`${v.submitted_at}::timestamptz + make_interval(hours => ${firstResponseHours}::int)`,
    })))
    .returningAll().execute();
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

export type StoredCase = Awaited<ReturnType<typeof insertCases>>[number];

export type ClockWrite =
  | { kind: 'start-resolve'; category: string }
  | { kind: 'set-due'; at: Date }
  | { kind: 'restart-first-response'; hours: number }
  | { kind: 'stop' }
  | { kind: 'keep' };

/** Writes one transition if the case is still at `version`; undefined when someone changed it first. */
export async function updateCase(trx: Executor, id: number, version: number, change: { patch: Record<string, unknown>; clock: ClockWrite; responded: boolean; now: Date }) {
  const { now, clock } = change;
  const due = clock.kind === 'start-resolve'
    ? sql<Date>`add_working_days(${now}::timestamptz, (select resolve_days from case_categories where code = cases.category))`
    : null;
  const clockCols: Record<string, unknown> =
    clock.kind === 'start-resolve' ? { due_at: due, deadline: due }
      : clock.kind === 'set-due' ? { due_at: clock.at, deadline: clock.at }
        : clock.kind === 'restart-first-response'
          ? { first_response_due: sql`${now}::timestamptz + make_interval(hours => ${clock.hours}::int)`, deadline: sql`${now}::timestamptz + make_interval(hours => ${clock.hours}::int)`, first_responded_at: null, due_at: null }
          : clock.kind === 'stop' ? { deadline: null } : {};
  return trx.updateTable('cases')
    .set((eb) => ({
      ...change.patch,
      ...clockCols,
      ...(change.responded ? { first_responded_at: sql<Date>`coalesce(first_responded_at, ${now}::timestamptz)` } : {}),
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id).where('version', '=', version)
    .returningAll().executeTakeFirst();
}

export async function insertEvent(
  trx: Executor,
  v: { caseId: number; action: string; from: CaseStatus | null; to: CaseStatus; unitId: number | null; actorUserId: number | null; actorRole: string; detail: Record<string, unknown>; at: Date },
) {
  return trx.insertInto('case_events')
    .values({ case_id: v.caseId, action: v.action, from_status: v.from, to_status: v.to, unit_id: v.unitId, actor_user_id: v.actorUserId, actor_role: v.actorRole, detail: JSON.stringify(v.detail), at: v.at })
    .returningAll().executeTakeFirstOrThrow();
}

/** First events of new cases, one statement; rows in input order (see insertCases). */
export async function insertEvents(trx: Executor, events: readonly Parameters<typeof insertEvent>[1][]) {
  const rows = await trx.insertInto('case_events')
    .values(events.map((v) => ({ case_id: v.caseId, action: v.action, from_status: v.from, to_status: v.to, unit_id: v.unitId, actor_user_id: v.actorUserId, actor_role: v.actorRole, detail: JSON.stringify(v.detail), at: v.at })))
    .returningAll().execute();
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

export async function insertMessage(trx: Executor, v: { caseId: number; author: 'reporter' | 'handler'; unitId: number | null; actorUserId: number | null; body: string; at: Date }) {
  return trx.insertInto('case_messages')
    .values({ case_id: v.caseId, author: v.author, unit_id: v.unitId, actor_user_id: v.actorUserId, body: v.body, at: v.at })
    .returningAll().executeTakeFirstOrThrow();
}

export async function insertMedia(trx: Executor, rows: Insertable<DB['case_media']>[]) {
  if (rows.length) await trx.insertInto('case_media').values(rows).execute();
}

/** Open cases about the same subject within the window, for duplicate detection. */
export async function sameSubjectCases(db: Executor, c: { id: number; subject_unit_id: number | null; subject_staff_id: number | null; unit_id: number; submitted_at: Date }, windowDays: number) {
  const from = new Date(c.submitted_at.getTime() - windowDays * 86_400_000);
  const to = new Date(c.submitted_at.getTime() + windowDays * 86_400_000);
  let q = db.selectFrom('cases').select(['id', 'text', 'status', 'submitted_at', 'unit_id']).where('id', '<>', c.id).where('status', '<>', 'merged')
    .where('submitted_at', '>=', from).where('submitted_at', '<=', to);
  if (c.subject_staff_id) q = q.where('subject_staff_id', '=', c.subject_staff_id);
  else if (c.subject_unit_id) q = q.where('subject_unit_id', '=', c.subject_unit_id);
  else q = q.where('subject_unit_id', 'is', null).where('subject_staff_id', 'is', null).where('unit_id', '=', c.unit_id);
  return q.orderBy('submitted_at').limit(500).execute();
}
