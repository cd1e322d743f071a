// What ratings and rectifications commit to the ledger (存证): ratings, rectifications and their
// events by number, the deadline rules by unit category. A rater's name and phone are committed only
// in their encrypted form.
import { sql } from 'kysely';
import type { UnitCategory } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, STAMPS, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

/** Who follows rectifications sees the records of the units in their scope. */
function inScope(table: 'ratings' | 'rectifications' | 'rectification_events') {
  return async (db: Executor, principal: Principal | null, id: string) => {
    const p = authorize(principal, 'rectifications.read');
    let found: unknown;
    if (isNumericId(id)) {
      const unitOf = table === 'rectification_events'
        ? sql`(select k.unit_id from rectifications k where k.id = t.rectification_id)`
        : sql.ref('t.unit_id');
      found = await db.selectFrom(sql`${sql.table(table)}`.as('t'))
        .innerJoin('units as u', (j) => j.on(sql`u.id`, '=', unitOf))
        .select(sql`1`.as('one')).where(sql.ref('t.id'), '=', Number(id)).where((eb) => unitInScope(eb, p.scope, 'u'))
        .executeTakeFirst();
    }
    if (!found) throw notFound(`Record ${id}`);
  };
}

export const RATINGS_LEDGER_TYPES = {
  rating: {
    type: 'rating', table: 'ratings', key: 'id',
    columns: [
      'id', 'transaction_id', 'unit_id', 'level', 'channel', 'origin', 'comment', 'tags', 'real_name', 'rater_name_enc', 'rater_phone_enc',
      'rater_phone_index', 'defaulted', 'excluded', 'rated_at', ...STAMPS,
    ],
    bytes: ['rater_name_enc', 'rater_phone_enc', 'rater_phone_index'],
    version: versionColumn, time: updatedAt, checkVisible: inScope('ratings'),
    // The handler copied from the transaction (migration 0010) is not in the record: it must equal its source.
    copiesDiffer: async (db, limit) => (await sql<{ id: number; copy: number | null; source: number | null }>`
      select g.id, g.handler_staff_id as copy, t.handler_staff_id as source from ratings g join service_transactions t on t.id = g.transaction_id
      where g.handler_staff_id is distinct from t.handler_staff_id order by g.id limit ${limit}`.execute(db)).rows
      .map((r) => `${r.id}: handler_staff_id ${r.copy ?? 'null'} differs from its transaction's ${r.source ?? 'null'} (edited outside the application)`),
  },
  rectification: {
    type: 'rectification', table: 'rectifications', key: 'id',
    columns: [
      'id', 'rating_id', 'unit_id', 'status', 'resume_status', 'outcome', 'finding', 'finding_reason', 'evidence', 'attachments',
      'revisit_required', 'revisit_outcome', 'revisit_note', 'revisit_count', 'appeal_kind', 'appeal_reason', 'appeal_decision',
      'appeal_decision_reason', 'false_rectification', 'false_reason', 'opened_at', 'stage_deadline', 'due_at', 'verified_at',
      'rectified_at', 'revisited_at', 'closed_at', ...STAMPS,
    ],
    version: versionColumn, time: updatedAt, checkVisible: inScope('rectifications'),
  },
  'rectification.event': {
    type: 'rectification.event', table: 'rectification_events', key: 'id',
    columns: ['id', 'rectification_id', 'action', 'from_status', 'to_status', 'actor_user_id', 'actor_role', 'detail', 'at'],
    version: () => 1, time: (row) => row.at as Date, checkVisible: inScope('rectification_events'),
  },
  'rectification.deadline': {
    type: 'rectification.deadline', table: 'rectification_deadlines', key: 'unit_category', order: 'unit_category',
    columns: ['unit_category', 'verify_days', 'rectify_days', 'revisit_days', 'appeal_days', 'version', 'updated_at'],
    version: versionColumn, time: updatedAt,
    checkVisible: async (db, principal, id) => {
      authorize(principal, 'rectifications.read');
      if (!(await db.selectFrom('rectification_deadlines').select('unit_category').where('unit_category', '=', id as UnitCategory).executeTakeFirst())) throw notFound(`Deadline rules of ${id}`);
    },
  },
} satisfies Record<string, LedgerTypeDef>;
