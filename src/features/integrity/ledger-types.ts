// What integrity points (诚信积分) and the metric settings commit to the ledger (存证): every rule
// version (points per event type), every entry of a person's balance, every setting version.
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

/** An entry is part of a person's record: their scope, and a civil servant only their own. */
async function entryVisible(db: Executor, principal: Principal | null, id: string) {
  const p = authorize(principal, 'integrity.read');
  const found = isNumericId(id) && (await db.selectFrom('integrity_entries as e')
    .innerJoin('staff as s', 's.id', 'e.staff_id').innerJoin('units as u', 'u.id', 's.unit_id')
    .select('e.id').where('e.id', '=', Number(id)).where((eb) => unitInScope(eb, p.scope, 'u'))
    .$if(p.role === 'staff', (q) => q.where('s.id', '=', p.staffId ?? -1))
    .executeTakeFirst());
  if (!found) throw notFound(`Record ${id}`);
}

export const INTEGRITY_LEDGER_TYPES = {
  'integrity.rule': {
    type: 'integrity.rule', table: 'integrity_rules', key: 'event_type', order: 'event_type',
    columns: ['event_type', 'points', 'version', 'updated_by', 'updated_at'],
    version: versionColumn, time: updatedAt,
    checkVisible: async (db, principal, id) => {
      authorize(principal, 'integrity.read');
      if (!(await db.selectFrom('integrity_rules').select('event_type').where('event_type', '=', id).executeTakeFirst())) throw notFound(`Integrity rule ${id}`);
    },
  },
  'integrity.entry': {
    type: 'integrity.entry', table: 'integrity_entries', key: 'id',
    columns: ['id', 'staff_id', 'event_type', 'ref_type', 'ref_id', 'event_at', 'period_code', 'points', 'rule_version', 'summary', 'applied_at'],
    version: () => 1, time: (row) => row.applied_at as Date, checkVisible: entryVisible,
  },
  'metric.setting': {
    type: 'metric.setting', table: 'metric_settings', key: 'key', order: 'key',
    columns: ['key', 'value', 'version', 'updated_at'],
    version: versionColumn, time: updatedAt,
    checkVisible: async (db, principal, id) => {
      authorize(principal, 'metrics.read');
      if (!(await db.selectFrom('metric_settings').select('key').where('key', '=', id as never).executeTakeFirst())) throw notFound(`Metric setting ${id}`);
    },
  },
} satisfies Record<string, LedgerTypeDef>;
