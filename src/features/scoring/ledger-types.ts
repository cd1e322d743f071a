// What scoring commits to the ledger (存证): framework versions (every edit and the publication),
// assessors' scores, exemptions (容错), and published runs with their results. Draft runs are
// computations, not records: they enter the ledger when they are published, and never change after.
import { sql } from 'kysely';
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, STAMPS, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, type Permission, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

/** Records with no unit of their own (frameworks, runs): visible with the permission. */
function withPermission(table: 'score_frameworks' | 'score_runs', permission: Permission) {
  return async (db: Executor, principal: Principal | null, id: string) => {
    authorize(principal, permission);
    const found = isNumericId(id) && (await db.selectFrom(table).select('id').where('id', '=', Number(id)).executeTakeFirst());
    if (!found) throw notFound(`Record ${id}`);
  };
}

/** Records about one subject: visible when the subject's unit is in the caller's scope. */
function subjectInScope(table: 'score_assessments' | 'score_exemptions' | 'score_results') {
  return async (db: Executor, principal: Principal | null, id: string) => {
    const p = authorize(principal, 'scores.read');
    let found: unknown;
    if (isNumericId(id)) {
      const unitOf = table === 'score_results'
        ? sql.ref('t.unit_id')
        : sql`(case when t.subject_kind = 'unit' then t.subject_id else (select s.unit_id from staff s where s.id = t.subject_id) end)`;
      found = await db.selectFrom(sql`${sql.table(table)}`.as('t'))
        .innerJoin('units as u', (j) => j.on(sql`u.id`, '=', unitOf))
        .select(sql`1`.as('one')).where(sql.ref('t.id'), '=', Number(id)).where((eb) => unitInScope(eb, p.scope, 'u'))
        .executeTakeFirst();
    }
    if (!found) throw notFound(`Record ${id}`);
  };
}

export const SCORING_LEDGER_TYPES = {
  'score.framework': {
    type: 'score.framework', table: 'score_frameworks', key: 'id',
    columns: ['id', 'code', 'version_no', 'status', 'name_zh', 'name_en', 'definition', 'digest', 'created_by', 'published_by', 'published_at', ...STAMPS],
    version: versionColumn, time: updatedAt, checkVisible: withPermission('score_frameworks', 'frameworks.read'),
  },
  'score.assessment': {
    type: 'score.assessment', table: 'score_assessments', key: 'id',
    columns: ['id', 'framework_id', 'period', 'indicator', 'subject_kind', 'subject_id', 'assessor_user_id', 'level', 'note', ...STAMPS],
    version: versionColumn, time: updatedAt, checkVisible: subjectInScope('score_assessments'),
  },
  'score.exemption': {
    type: 'score.exemption', table: 'score_exemptions', key: 'id',
    columns: ['id', 'subject_kind', 'subject_id', 'period', 'ref_type', 'ref_id', 'indicator', 'reason', 'approver_user_id', 'approver_name', ...STAMPS],
    version: versionColumn, time: updatedAt, checkVisible: subjectInScope('score_exemptions'),
  },
  'score.run': {
    type: 'score.run', table: 'score_runs', key: 'id',
    columns: ['id', 'period', 'framework_id', 'framework_digest', 'digest', 'subject_count', 'unscored_count', 'status', 'created_by', 'published_by', 'published_at', ...STAMPS],
    filter: sql`status = 'published'`,
    version: versionColumn, time: updatedAt, checkVisible: withPermission('score_runs', 'scores.read'),
  },
  'score.result': {
    type: 'score.result', table: 'score_results', key: 'id',
    // The full breakdown is committed through its SHA-256 (digest), which is over the exact stored bytes.
    columns: ['id', 'run_id', 'subject_kind', 'subject_id', 'subject_code', 'unit_id', 'category', 'level', 'total', 'band', 'rank', 'category_size', 'bottom', 'promotion_eligible', 'vetoed', 'digest', 'created_at'],
    filter: sql`run_id in (select r.id from score_runs r where r.status = 'published')`,
    version: () => 1, time: (row) => row.created_at as Date, checkVisible: subjectInScope('score_results'),
  },
} satisfies Record<string, LedgerTypeDef>;
