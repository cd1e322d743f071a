// Table types for Kysely, written by hand beside the migrations (one place to read the schema).
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface MetaTable { key: string; value: unknown }

export type RegionLevel = 'province' | 'city' | 'county' | 'township';
export interface RegionsTable {
  id: Generated<number>;
  code: string;
  name: string;
  level: RegionLevel;
  parent_id: number | null;
  path: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type UnitCategory = 'window_service' | 'law_enforcement' | 'general_admin';
export interface UnitsTable {
  id: Generated<number>;
  code: string;
  name: string;
  category: UnitCategory;
  region_id: number;
  parent_id: number | null;
  path: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type StaffLevel = 'leader' | 'base';
export type StaffStatus = 'candidate' | 'active' | 'departed';
export interface StaffTable {
  id: Generated<number>;
  code: string;
  name: string;
  unit_id: number;
  position: string;
  level: StaffLevel;
  status: StaffStatus;
  entered_on: string | null;
  departed_on: string | null;
  id_number_enc: Uint8Array | null;
  id_number_index: Uint8Array | null;
  phone_enc: Uint8Array | null;
  phone_index: Uint8Array | null;
  content_hmac: Uint8Array;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ServiceItemsTable {
  id: Generated<number>;
  code: string;
  name: string;
  unit_id: number;
  promised_days: number;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: Generated<string>;
  password_hash: string;
  role: string;
  scope_region_id: number | null;
  scope_unit_id: number | null;
  staff_id: number | null;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  role: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AccessLogTable {
  id: Generated<number>;
  actor_user_id: number;
  subject_type: string;
  subject_id: number;
  action: string;
  reason: string | null;
  at: CreatedAt;
}

export type ImportStatus = 'running' | 'completed' | 'failed';
export interface ImportJobsTable {
  id: Generated<number>;
  kind: string;
  file_name: string;
  file_sha256: string;
  file_path: string | null;
  status: ImportStatus;
  total_rows: number | null;
  processed_rows: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  error_count: Generated<number>;
  failure: string | null;
  created_by: number | null;
  started_at: CreatedAt;
  finished_at: Date | null;
}

export interface ImportErrorsTable {
  job_id: number;
  row_number: number;
  field: string;
  reason: string;
}

// ---- ledger (0002) ----------------------------------------------------------------------------

export interface LedgerEntriesTable {
  seq: Generated<number>;
  entry: Uint8Array;
  record_type: string;
  record_id: string;
  record_version: number;
}

export interface LedgerBatchesTable {
  first_seq: number;
  last_seq: number;
  first_idx: number;
  count: number;
  gap_lo: ColumnType<number[], number[] | undefined, number[]>;
  gap_hi: ColumnType<number[], number[] | undefined, number[]>;
}

/** Hash tiles, level 0, 1, … (entry bundles are assembled from ledger_entries). */
export interface LedgerTilesTable {
  level: number;
  idx: number;
  width: number;
  data: Uint8Array;
  /** A full tile's 16 hashes at level 8·L+4 (migration 0011); null for partial and older tiles. */
  inner_hashes: Uint8Array | null;
}

export interface LedgerStateTable {
  id: Generated<boolean>;
  size: number;
  seq: Generated<number>;
  root: Uint8Array | null;
  checkpoint: string | null;
  updated_at: Timestamp;
}

export interface LedgerCheckpointsTable {
  size: number;
  root: Uint8Array;
  checkpoint: string;
  signed_at: CreatedAt;
}

/** Views (read only). */
export interface LedgerPendingView extends Omit<LedgerEntriesTable, 'seq'> {
  seq: number;
}
export interface LedgerLogView extends LedgerPendingView {
  idx: number;
}

export interface DB {
  meta: MetaTable;
  regions: RegionsTable;
  units: UnitsTable;
  staff: StaffTable;
  service_items: ServiceItemsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  access_log: AccessLogTable;
  import_jobs: ImportJobsTable;
  import_errors: ImportErrorsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_batches: LedgerBatchesTable;
  ledger_pending: LedgerPendingView;
  ledger_log: LedgerLogView;
  ledger_tiles: LedgerTilesTable;
  ledger_state: LedgerStateTable;
  ledger_checkpoints: LedgerCheckpointsTable;
}

// Feature-owned tables are declared beside their feature and merged into DB here, so a new feature
// does not edit this file: see src/features/*/tables.ts.
import type {} from '../features/ingest/tables.ts';
import type {} from '../features/calendar/tables.ts';
import type {} from '../features/ratings/tables.ts';
import type {} from '../features/scoring/tables.ts';
import type {} from '../features/cases/tables.ts';
import type {} from '../features/metrics/tables.ts';
import type {} from '../features/integrity/tables.ts';
