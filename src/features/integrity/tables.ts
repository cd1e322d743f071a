// Kysely table types of integrity points (诚信积分, migration 0008), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** numeric(6,2): read as a string by the drivers. */
type Points = ColumnType<string, number | string, number | string>;

export interface IntegrityRulesTable {
  event_type: string;
  points: Points;
  version: Generated<number>;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface IntegrityEntriesTable {
  id: Generated<number>;
  staff_id: number;
  event_type: string;
  ref_type: string;
  ref_id: string;
  event_at: Date | string;
  period_code: string;
  points: Points;
  rule_version: number;
  summary: string;
  applied_at: Date | string;
}

declare module '../../db/types.ts' {
  interface DB {
    integrity_rules: IntegrityRulesTable;
    integrity_entries: IntegrityEntriesTable;
  }
}
