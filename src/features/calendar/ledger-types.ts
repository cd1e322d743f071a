// What a calendar exception commits to the ledger (存证): its date is its id (/api/ledger/records/
// calendar_day/2026-10-01); a deletion is a new version with deleted = true.
import { notFound } from '../../lib/errors.ts';
import { STAMPS, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize } from '../auth/principal.ts';

const calendarDay: LedgerTypeDef = {
  type: 'calendar_day',
  table: 'calendar_days',
  key: 'day',
  columns: ['id', 'day', 'kind', 'name', 'deleted', 'updated_by', ...STAMPS],
  version: versionColumn,
  time: updatedAt,
  checkVisible: async (db, principal, id) => {
    authorize(principal, 'calendar.read');
    const found = /^\d{4}-\d{2}-\d{2}$/.test(id) && (await db.selectFrom('calendar_days').select('id').where('day', '=', id).executeTakeFirst());
    if (!found) throw notFound(`Calendar exception on ${id}`);
  },
};

export const CALENDAR_LEDGER_TYPES = { calendar_day: calendarDay } as const;
