// Kysely table types of the working-day calendar, merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CalendarDayKind = 'holiday' | 'workday';

/** One exception to the Mon–Fri week: a weekday off (holiday) or a weekend make-up day (workday). */
export interface CalendarDaysTable {
  id: Generated<number>;
  /** 'YYYY-MM-DD' (Beijing date); unique. */
  day: string;
  kind: CalendarDayKind;
  name: string;
  /** Deleting keeps the row (so its versions stay in the ledger) and marks it deleted. */
  deleted: Generated<boolean>;
  version: Generated<number>;
  /** The account that made this version; null for seed data and CLI imports. */
  updated_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A view: every day of 2000–2099 with its working-day ordinal, for set-based SQL (see the migration). */
export interface CalendarOrdinalsView {
  day: string;
  working: boolean;
  ordinal: number;
}

declare module '../../db/types.ts' {
  interface DB {
    calendar_days: CalendarDaysTable;
    calendar_ordinals: CalendarOrdinalsView;
  }
}
