// What complaints and reports commit to the ledger (存证): cases, their events and messages by number,
// and the per-category clock rules. Reporter identity is committed only in its encrypted form and the
// receipt code only as its scrypt hash.
import { sql } from 'kysely';
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, STAMPS, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

/** Who handles cases sees the records of cases owned by (or waiting to be transferred to) their units. */
function inScope(table: 'cases' | 'case_events' | 'case_messages') {
  return async (db: Executor, principal: Principal | null, id: string) => {
    const p = authorize(principal, 'cases.read');
    let found: unknown;
    if (isNumericId(id)) {
      const caseId = table === 'cases' ? sql.ref('t.id') : sql.ref('t.case_id');
      found = await db.selectFrom(sql`${sql.table(table)}`.as('t'))
        .innerJoin('cases as c', (j) => j.on(sql`c.id`, '=', caseId))
        .innerJoin('units as u', (j) => j.on((eb) => eb.or([eb('u.id', '=', eb.ref('c.unit_id')), eb('u.id', '=', eb.ref('c.transfer_to_unit_id'))])))
        .select(sql`1`.as('one')).where(sql.ref('t.id'), '=', Number(id)).where((eb) => unitInScope(eb, p.scope, 'u'))
        .executeTakeFirst();
    }
    if (!found) throw notFound(`Record ${id}`);
  };
}

export const CASES_LEDGER_TYPES = {
  case: {
    type: 'case', table: 'cases', key: 'id',
    columns: [
      'id', 'receipt_id', 'receipt_hash', 'open311_token', 'channel', 'status', 'text', 'category', 'category_confidence', 'category_source',
      'category_set_by', 'category_set_at', 'classifier_category', 'subject_unit_id', 'subject_staff_id', 'unit_id', 'transfer_to_unit_id',
      'transfer_reason', 'assignee', 'lat', 'long', 'address', 'real_name', 'reporter_name_enc', 'reporter_phone_enc', 'reporter_phone_index',
      'reporter_email_enc', 'reject_reason', 'finding', 'measures', 'merged_into_id', 'submitted_at', 'first_response_due', 'first_responded_at',
      'due_at', 'deadline', 'resolved_at', 'closed_at', 'reopen_count', 'escalated_at', ...STAMPS,
    ],
    bytes: ['reporter_name_enc', 'reporter_phone_enc', 'reporter_phone_index', 'reporter_email_enc'],
    version: versionColumn, time: updatedAt, checkVisible: inScope('cases'),
  },
  'case.event': {
    type: 'case.event', table: 'case_events', key: 'id',
    columns: ['id', 'case_id', 'action', 'from_status', 'to_status', 'unit_id', 'actor_user_id', 'actor_role', 'detail', 'at'],
    version: () => 1, time: (row) => row.at as Date, checkVisible: inScope('case_events'),
  },
  'case.message': {
    type: 'case.message', table: 'case_messages', key: 'id',
    columns: ['id', 'case_id', 'author', 'unit_id', 'actor_user_id', 'body', 'at'],
    version: () => 1, time: (row) => row.at as Date, checkVisible: inScope('case_messages'),
  },
  'case.category': {
    type: 'case.category', table: 'case_categories', key: 'code', order: 'code',
    columns: ['code', 'name_zh', 'name_en', 'resolve_days', 'version', 'updated_at'],
    version: versionColumn, time: updatedAt,
    checkVisible: async (db, principal, id) => {
      authorize(principal, 'cases.read');
      if (!(await db.selectFrom('case_categories').select('code').where('code', '=', id).executeTakeFirst())) throw notFound(`Case category ${id}`);
    },
  },
} satisfies Record<string, LedgerTypeDef>;
