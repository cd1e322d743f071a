// SQL of frameworks and scoring: framework versions, assessments, exemptions, runs and results.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, UnitCategory } from '../../db/types.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';
import type { SubjectKindColumn } from './tables.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

// ---- frameworks ------------------------------------------------------------------------------

export const findFramework = (db: Executor, id: number) => db.selectFrom('score_frameworks').selectAll().where('id', '=', id).executeTakeFirst();

export async function latestPublishedFramework(db: Executor) {
  return db.selectFrom('score_frameworks').selectAll().where('status', '=', 'published').orderBy('published_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function nextVersionNo(db: Executor, code: string): Promise<number> {
  const row = await db.selectFrom('score_frameworks').select((eb) => eb.fn.max('version_no').as('max')).where('code', '=', code).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

export async function listFrameworks(db: Executor, f: { code?: string; status?: 'draft' | 'published'; page: number; pageSize: number }) {
  let q = db.selectFrom('score_frameworks');
  if (f.code) q = q.where('code', '=', f.code);
  if (f.status) q = q.where('status', '=', f.status);
  const [items, count] = await Promise.all([
    q.select(['id', 'code', 'version_no', 'status', 'name_zh', 'name_en', 'digest', 'published_at', 'created_at', 'updated_at']).orderBy('code').orderBy('version_no', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

// ---- subjects ------------------------------------------------------------------------------

export interface SubjectRow { id: number; code: string; category: UnitCategory; level: 'leader' | 'base' | null; unit_id: number }

/** Staff in office at some time in the period [fromDay, lastDay], with their unit's category. */
export async function staffSubjects(db: Executor, fromDay: string, lastDay: string): Promise<SubjectRow[]> {
  return db.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id')
    .select(['s.id', 's.code', 'u.category', 's.level', 's.unit_id'])
    .where('s.status', '!=', 'candidate')
    .where((eb) => eb.or([eb('s.entered_on', 'is', null), eb('s.entered_on', '<=', lastDay)]))
    .where((eb) => eb.or([eb('s.departed_on', 'is', null), eb('s.departed_on', '>=', fromDay)]))
    .orderBy('s.code').execute() as Promise<SubjectRow[]>;
}

export async function unitSubjects(db: Executor): Promise<SubjectRow[]> {
  return db.selectFrom('units').select(['id', 'code', 'category', sql<null>`null`.as('level'), 'id as unit_id']).orderBy('code').execute();
}

/** A subject by code, with its unit, when the unit is in scope. */
export async function findSubject(db: Executor, scope: Scope, kind: SubjectKindColumn, code: string) {
  if (kind === 'unit') {
    return db.selectFrom('units as u').select(['u.id', 'u.code', 'u.category', 'u.id as unit_id']).where('u.code', '=', code).where((eb) => unitInScope(eb, scope, 'u')).executeTakeFirst();
  }
  return db.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id')
    .select(['s.id', 's.code', 'u.category', 's.unit_id']).where('s.code', '=', code).where((eb) => unitInScope(eb, scope, 'u')).executeTakeFirst();
}

// ---- assessments and exemptions ------------------------------------------------------------

export async function assessmentsFor(db: Executor, frameworkId: number, period: string) {
  return db.selectFrom('score_assessments').select(['id', 'subject_kind', 'subject_id', 'indicator', 'assessor_user_id', 'level'])
    .where('framework_id', '=', frameworkId).where('period', '=', period).orderBy('id').execute();
}

export async function exemptionsFor(db: Executor, period: string) {
  return db.selectFrom('score_exemptions').select(['id', 'subject_kind', 'subject_id', 'ref_type', 'ref_id', 'indicator', 'reason', 'approver_name'])
    .where('period', '=', period).orderBy('id').execute();
}

export async function listExemptions(db: Executor, scope: Scope, f: { period?: string; page: number; pageSize: number }) {
  let q = db.selectFrom('score_exemptions as e')
    .leftJoin('staff as s', (j) => j.onRef('s.id', '=', 'e.subject_id').on('e.subject_kind', '=', 'staff'))
    .innerJoin('units as u', (j) => j.on(sql`u.id`, '=', sql`case when e.subject_kind = 'unit' then e.subject_id else s.unit_id end`))
    .where((eb) => unitInScope(eb, scope, 'u'));
  if (f.period) q = q.where('e.period', '=', f.period);
  const [items, count] = await Promise.all([
    q.select(['e.id', 'e.subject_kind', sql<string>`coalesce(s.code, u.code)`.as('subject_code'), 'e.period', 'e.ref_type', 'e.ref_id', 'e.indicator', 'e.reason', 'e.approver_name', 'e.created_at'])
      .orderBy('e.id').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

// ---- runs and results ----------------------------------------------------------------------

export const findRun = (db: Executor, id: number) => db.selectFrom('score_runs').selectAll().where('id', '=', id).executeTakeFirst();

export async function listRuns(db: Executor, f: { period?: string; status?: 'draft' | 'published'; page: number; pageSize: number }) {
  let q = db.selectFrom('score_runs');
  if (f.period) q = q.where('period', '=', f.period);
  if (f.status) q = q.where('status', '=', f.status);
  const [items, count] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export interface ResultFilter { kind?: SubjectKindColumn; category?: string; band?: string; q?: string; staffId?: number | null; page: number; pageSize: number }

export async function listResults(db: Executor, scope: Scope, runId: number, f: ResultFilter) {
  let q = db.selectFrom('score_results as r').innerJoin('units as u', 'u.id', 'r.unit_id').where('r.run_id', '=', runId).where((eb) => unitInScope(eb, scope, 'u'));
  if (f.kind) q = q.where('r.subject_kind', '=', f.kind);
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.band) q = q.where('r.band', '=', f.band);
  if (f.q) q = q.where('r.subject_code', 'like', `${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.staffId !== undefined) q = q.where('r.subject_kind', '=', 'staff').where('r.subject_id', '=', f.staffId ?? -1);
  const [items, count] = await Promise.all([
    q.select(['r.subject_kind', 'r.subject_code', 'u.code as unit_code', 'u.name as unit_name', 'r.category', 'r.level', 'r.total', 'r.band', 'r.rank', 'r.category_size', 'r.bottom', 'r.promotion_eligible', 'r.vetoed', 'r.digest'])
      .orderBy('r.subject_kind', 'desc').orderBy('r.category').orderBy('r.rank').orderBy('r.subject_code').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function findResult(db: Executor, scope: Scope, runId: number, kind: SubjectKindColumn, code: string) {
  return db.selectFrom('score_results as r').innerJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.subject_id', 'r.subject_kind', 'r.detail', 'r.digest'])
    .where('r.run_id', '=', runId).where('r.subject_kind', '=', kind).where('r.subject_code', '=', code).where((eb) => unitInScope(eb, scope, 'u'))
    .executeTakeFirst();
}

/** Every result of a run in scope, in a stable order, for export and fairness. */
export async function allResults(db: Executor, scope: Scope, runId: number, staffId?: number | null) {
  let q = db.selectFrom('score_results as r').innerJoin('units as u', 'u.id', 'r.unit_id').where('r.run_id', '=', runId).where((eb) => unitInScope(eb, scope, 'u'));
  if (staffId !== undefined) q = q.where('r.subject_kind', '=', 'staff').where('r.subject_id', '=', staffId ?? -1);
  return q.select(['r.subject_kind', 'r.subject_code', 'r.category', 'r.level', 'r.total', 'r.band', 'r.detail']).orderBy('r.subject_kind', 'desc').orderBy('r.subject_code').execute();
}
