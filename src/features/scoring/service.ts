// Frameworks (指标体系): import a version from JSON, edit it while a draft, publish it (then it is
// immutable), export it. Assessors' scores of qualitative indicators, and exemptions (容错清单).
// Every write commits its ledger entry in the same transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { recordDigest } from '../../ledger/canonical.ts';
import { recordToLedger } from '../../ledger/record-types.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import type { InputProvider } from './inputs.ts';
import { SCORING_LEDGER_TYPES as T } from './ledger-types.ts';
import type { FrameworkDef } from './model.ts';
import { parsePeriod } from './period.ts';
import * as repo from './repo.ts';
import { validateFramework } from './validate.ts';

export interface ScoringDeps { db: Kysely<DB>; provider: InputProvider }

export interface FrameworkSummary {
  id: number; code: string; versionNo: number; status: 'draft' | 'published'; nameZh: string; nameEn: string; digest: string;
  publishedAt: string | null; createdAt: string; updatedAt: string;
}
export interface FrameworkDetail extends FrameworkSummary { definition: FrameworkDef }

type FrameworkRow = NonNullable<Awaited<ReturnType<typeof repo.findFramework>>>;
const summary = (r: Pick<FrameworkRow, 'id' | 'code' | 'version_no' | 'status' | 'name_zh' | 'name_en' | 'digest' | 'published_at' | 'created_at' | 'updated_at'>): FrameworkSummary => ({
  id: Number(r.id), code: r.code, versionNo: r.version_no, status: r.status, nameZh: r.name_zh, nameEn: r.name_en, digest: r.digest,
  publishedAt: r.published_at?.toISOString() ?? null, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});
const detail = (r: FrameworkRow): FrameworkDetail => ({ ...summary(r), definition: r.definition as FrameworkDef });

/** Validates a definition against the known metrics and events; 400 naming each broken rule. */
function checkDefinition(provider: InputProvider, definition: unknown): FrameworkDef {
  const errors = validateFramework(definition, provider.catalogue() ?? {}, '/body/definition');
  if (errors.length) throw validationFailed(errors);
  return definition as FrameworkDef;
}

/** Live validation for the editor: the same rules as import and edit, answered as a report (200). */
export function checkFramework(deps: ScoringDeps, principal: Principal | null, body: { definition: unknown }): { valid: boolean; errors: { path: string; message: string }[] } {
  authorize(principal, 'frameworks.write');
  const errors = validateFramework(body.definition, deps.provider.catalogue() ?? {}, '/body/definition');
  return { valid: errors.length === 0, errors };
}

export async function importFramework(deps: ScoringDeps, principal: Principal | null, body: { definition: unknown }): Promise<FrameworkDetail> {
  const p = authorize(principal, 'frameworks.write');
  const def = checkDefinition(deps.provider, body.definition);
  return deps.db.transaction().execute(async (trx) => {
    const versionNo = await repo.nextVersionNo(trx, def.code);
    const row = await trx.insertInto('score_frameworks').values({
      code: def.code, version_no: versionNo, status: 'draft', name_zh: def.nameZh, name_en: def.nameEn,
      definition: JSON.stringify(def), digest: recordDigest(def), created_by: p.kind === 'user' ? p.id : null,
    }).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.framework'], [Number(row.id)]);
    return detail(row);
  });
}

async function frameworkOr404(db: repo.Executor, id: number) {
  const row = await repo.findFramework(db, id);
  if (!row) throw notFound(`Framework ${id}`);
  return row;
}

const publishedConflict = (row: FrameworkRow) =>
  conflict(`Framework ${row.code} version ${row.version_no} is published and cannot be changed; import a new version instead`, [{ path: '/params/id', message: `version ${row.version_no} of ${row.code} is published (immutable)` }]);

export async function updateFramework(deps: ScoringDeps, principal: Principal | null, id: number, body: { definition: unknown }): Promise<FrameworkDetail> {
  authorize(principal, 'frameworks.write');
  const def = checkDefinition(deps.provider, body.definition);
  return deps.db.transaction().execute(async (trx) => {
    const row = await frameworkOr404(trx, id);
    if (row.status === 'published') throw publishedConflict(row);
    if (def.code !== row.code) throw validationFailed([{ path: '/body/definition/code', message: `code must stay ${row.code}; a new code is a new framework (import it)` }]);
    const updated = await trx.updateTable('score_frameworks').set((eb) => ({
      name_zh: def.nameZh, name_en: def.nameEn, definition: JSON.stringify(def), digest: recordDigest(def), version: eb('version', '+', 1), updated_at: new Date(),
    })).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.framework'], [id]);
    return detail(updated);
  });
}

export async function publishFramework(deps: ScoringDeps, principal: Principal | null, id: number): Promise<FrameworkDetail> {
  const p = authorize(principal, 'frameworks.write');
  return deps.db.transaction().execute(async (trx) => {
    const row = await frameworkOr404(trx, id);
    if (row.status === 'published') throw publishedConflict(row);
    const now = new Date();
    const updated = await trx.updateTable('score_frameworks').set((eb) => ({
      status: 'published', published_at: now, published_by: p.kind === 'user' ? p.id : null, version: eb('version', '+', 1), updated_at: now,
    })).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.framework'], [id]);
    return detail(updated);
  });
}

export async function getFramework(deps: ScoringDeps, principal: Principal | null, id: number): Promise<FrameworkDetail> {
  authorize(principal, 'frameworks.read');
  return detail(await frameworkOr404(deps.db, id));
}

export async function listFrameworks(deps: ScoringDeps, principal: Principal | null, q: { code?: string; status?: 'draft' | 'published'; page: number; pageSize: number }): Promise<Page<FrameworkSummary>> {
  authorize(principal, 'frameworks.read');
  const { items, total } = await repo.listFrameworks(deps.db, q);
  return { items: items.map((r) => summary(r as FrameworkRow)), page: q.page, pageSize: q.pageSize, total };
}

// ---- assessments (考核人员评分) ----------------------------------------------------------------

export interface AssessmentBody { frameworkId: number; period: string; indicator: string; subjectKind: 'staff' | 'unit'; subjectCode: string; level: string; note?: string }
export interface AssessmentView { id: number; frameworkId: number; period: string; indicator: string; subjectKind: string; subjectCode: string; level: string; version: number }

/** An assessor records (or revises) their level for a qualitative indicator of one subject. */
export async function recordAssessment(deps: ScoringDeps, principal: Principal | null, body: AssessmentBody): Promise<AssessmentView> {
  const p = authorize(principal, 'scores.assess');
  if (p.kind !== 'user') throw validationFailed([{ path: '/body', message: 'an assessment is recorded by a signed-in assessor' }]);
  parsePeriod(body.period, '/body/period');
  const framework = await repo.findFramework(deps.db, body.frameworkId);
  if (!framework) throw validationFailed([{ path: '/body/frameworkId', message: `no framework ${body.frameworkId}` }]);
  if (framework.status !== 'published') throw validationFailed([{ path: '/body/frameworkId', message: `framework ${framework.code} version ${framework.version_no} is a draft; assessors score published versions` }]);
  const subject = await repo.findSubject(deps.db, p.scope, body.subjectKind, body.subjectCode);
  if (!subject) throw notFound(`${body.subjectKind === 'staff' ? 'Staff member' : 'Unit'} ${body.subjectCode}`);
  const def = framework.definition as FrameworkDef;
  const variant = def.variants.find((v) => v.category === subject.category);
  const indicator = variant?.dimensions.flatMap((d) => d.indicators).find((i) => i.code === body.indicator);
  if (!indicator || indicator.kind !== 'qualitative') {
    throw validationFailed([{ path: '/body/indicator', message: `${body.indicator} is not a qualitative indicator of ${framework.code} for category ${subject.category}` }]);
  }
  if (!indicator.rubric.some((r) => r.level === body.level)) {
    throw validationFailed([{ path: '/body/level', message: `level must be one of ${indicator.rubric.map((r) => `${r.level} (${r.nameZh})`).join(', ')}` }]);
  }
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('score_assessments').values({
      framework_id: body.frameworkId, period: body.period, indicator: body.indicator, subject_kind: body.subjectKind, subject_id: subject.id,
      assessor_user_id: p.id, level: body.level, note: body.note ?? null,
    }).onConflict((oc) => oc.columns(['framework_id', 'period', 'indicator', 'subject_kind', 'subject_id', 'assessor_user_id']).doUpdateSet((eb) => ({
      level: eb.ref('excluded.level'), note: eb.ref('excluded.note'), version: eb('score_assessments.version', '+', 1), updated_at: new Date(),
    }))).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.assessment'], [Number(row.id)]);
    return { id: Number(row.id), frameworkId: Number(row.framework_id), period: row.period, indicator: row.indicator, subjectKind: row.subject_kind, subjectCode: body.subjectCode, level: row.level, version: row.version };
  });
}

// ---- exemptions (容错清单) ----------------------------------------------------------------------

export interface ExemptionBody { subjectKind: 'staff' | 'unit'; subjectCode: string; period: string; ref?: { type: string; id: string }; indicator?: string; reason: string }
export interface ExemptionView { id: number; subjectKind: string; subjectCode: string; period: string; ref: { type: string; id: string } | null; indicator: string | null; reason: string; approver: string; approvedAt: string }

/** An approved exemption: the approver is the caller, recorded with the reason. */
export async function createExemption(deps: ScoringDeps, principal: Principal | null, body: ExemptionBody): Promise<ExemptionView> {
  const p = authorize(principal, 'scores.exempt');
  if (p.kind !== 'user') throw validationFailed([{ path: '/body', message: 'an exemption is approved by a signed-in person' }]);
  parsePeriod(body.period, '/body/period');
  if ((body.ref === undefined) === (body.indicator === undefined)) throw validationFailed([{ path: '/body/ref', message: 'give exactly one of ref (an event\'s evidence reference) or indicator' }]);
  const subject = await repo.findSubject(deps.db, p.scope, body.subjectKind, body.subjectCode);
  if (!subject) throw notFound(`${body.subjectKind === 'staff' ? 'Staff member' : 'Unit'} ${body.subjectCode}`);
  // The approver as the explanations name them: the account's display name (an official in their role).
  const approver = await deps.db.selectFrom('users').select('display_name').where('id', '=', p.id).executeTakeFirst();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('score_exemptions').values({
      subject_kind: body.subjectKind, subject_id: subject.id, period: body.period, ref_type: body.ref?.type ?? null, ref_id: body.ref?.id ?? null,
      indicator: body.indicator ?? null, reason: body.reason, approver_user_id: p.id, approver_name: approver?.display_name ?? p.name,
    }).returningAll().executeTakeFirstOrThrow();
    await recordToLedger(trx, T['score.exemption'], [Number(row.id)]);
    return exemptionView({ ...row, subject_code: body.subjectCode });
  });
}

const exemptionView = (r: { id: number; subject_kind: string; subject_code: string; period: string; ref_type: string | null; ref_id: string | null; indicator: string | null; reason: string; approver_name: string; created_at: Date }): ExemptionView => ({
  id: Number(r.id), subjectKind: r.subject_kind, subjectCode: r.subject_code, period: r.period, ref: r.ref_type && r.ref_id ? { type: r.ref_type, id: r.ref_id } : null,
  indicator: r.indicator, reason: r.reason, approver: r.approver_name, approvedAt: r.created_at.toISOString(),
});

export async function listExemptions(deps: ScoringDeps, principal: Principal | null, q: { period?: string; page: number; pageSize: number }): Promise<Page<ExemptionView>> {
  const p = authorize(principal, 'scores.read');
  if (q.period) parsePeriod(q.period, '/querystring/period');
  const { items, total } = await repo.listExemptions(deps.db, p.scope, q);
  return { items: items.map((r) => exemptionView(r as never)), page: q.page, pageSize: q.pageSize, total };
}
