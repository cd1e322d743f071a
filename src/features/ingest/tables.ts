// Kysely table types of the evidence tables (migration 0004), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** 'YYYY-MM-DD' on both drivers (see src/db/connection.ts). */
type DateOnly = string;

export interface SourcesTable {
  id: Generated<number>;
  code: string;
  name: string;
  token_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}

export type TransactionChannel = 'window' | 'online' | 'mobile' | 'self_service' | 'hotline';
export type TransactionStatus = 'accepted' | 'completed' | 'rejected' | 'withdrawn';

/** The columns every evidence table shares: keyed by (source_id, external_id), versioned. */
interface EvidenceColumns {
  source_id: number;
  external_id: string;
  content_hash: Uint8Array;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The evidence batch (evidence_batches.id) whose ledger entry holds this version; null: a per-row entry. */
  ledger_batch: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ServiceTransactionsTable extends EvidenceColumns {
  id: Generated<number>;
  transaction_code: string;
  service_item_id: number | null;
  unit_id: number;
  handler_staff_id: number | null;
  channel: TransactionChannel;
  status: TransactionStatus;
  accepted_at: Timestamp;
  completed_at: NullableTimestamp;
  promised_days: number | null;
}

export interface HotlineTicketsTable extends EvidenceColumns {
  id: Generated<number>;
  unit_id: number;
  received_at: Timestamp;
  responded_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  satisfaction: number | null;
  category: string;
  summary: string;
}

export interface PetitionsTable extends EvidenceColumns {
  id: Generated<number>;
  unit_id: number;
  received_at: Timestamp;
  due_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  category: string;
}

export interface TrainingRecordsTable extends EvidenceColumns {
  id: Generated<number>;
  staff_id: number;
  course: string;
  /** numeric(6,2): a decimal string from the drivers. */
  hours: ColumnType<string, string | number, string | number>;
  completed_on: DateOnly;
}

export type AuditSeverity = 'minor' | 'major' | 'severe';

export interface AuditFindingsTable extends EvidenceColumns {
  id: Generated<number>;
  unit_id: number;
  staff_id: number | null;
  found_on: DateOnly;
  severity: AuditSeverity;
  summary: string;
  rectified_on: DateOnly | null;
}

export type ProposalKind = 'npc' | 'cppcc';

export interface ProposalsTable extends EvidenceColumns {
  id: Generated<number>;
  kind: ProposalKind;
  unit_id: number;
  received_on: DateOnly;
  due_on: DateOnly;
  answered_on: DateOnly | null;
  /** Generated: answered_on <= due_on, null while unanswered. */
  on_time: ColumnType<boolean | null, never, never>;
}

export interface IngestJobsTable {
  id: Generated<number>;
  kind: string;
  source_id: number;
  mode: 'insert' | 'upsert';
  via: 'http' | 'cli';
  file_name: string | null;
  file_sha256: string | null;
  status: 'running' | 'completed' | 'failed';
  lines: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  failure: string | null;
  created_by: number | null;
  token_id: number | null;
  started_at: CreatedAt;
  finished_at: Date | null;
}

export interface IngestBatchesTable {
  job_id: number;
  first_record: number;
  last_record: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** One ledger entry per ingest batch (migration 0009): "id:version:sha256" of each row version it wrote. */
export interface EvidenceBatchesTable {
  id: Generated<number>;
  record_type: string;
  job_id: number | null;
  rows: string[];
  created_at: CreatedAt;
}

export interface IngestErrorsTable {
  job_id: number;
  line: number;
  field: string;
  reason: string;
}

declare module '../../db/types.ts' {
  interface DB {
    sources: SourcesTable;
    service_transactions: ServiceTransactionsTable;
    hotline_tickets: HotlineTicketsTable;
    petitions: PetitionsTable;
    training_records: TrainingRecordsTable;
    audit_findings: AuditFindingsTable;
    proposals: ProposalsTable;
    ingest_jobs: IngestJobsTable;
    ingest_batches: IngestBatchesTable;
    ingest_errors: IngestErrorsTable;
    evidence_batches: EvidenceBatchesTable;
  }
}
