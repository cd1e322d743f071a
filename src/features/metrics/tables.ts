// Kysely table types of the metric library (migration 0008), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const METRIC_SETTING_KEYS = ['training_hours_per_year', 'integrity_base_points'] as const;
export type MetricSettingKey = (typeof METRIC_SETTING_KEYS)[number];

export interface MetricSettingsTable {
  key: MetricSettingKey;
  /** numeric(8,2): read as a string by the drivers. */
  value: ColumnType<string, number | string, number | string>;
  version: Generated<number>;
  updated_at: Timestamp;
}

declare module '../../db/types.ts' {
  interface DB {
    metric_settings: MetricSettingsTable;
  }
}
