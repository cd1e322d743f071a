// Kysely table types of complaints and reports (migration 0006), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const CASE_STATUSES = ['submitted', 'accepted', 'rejected', 'assigned', 'investigating', 'extended', 'resolved', 'closed', 'merged'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_CHANNELS = ['web', 'open311', 'letter', 'hotline', 'visit'] as const;
/** web 随手拍 · open311 client apps · letter 来信 · hotline 来电 · visit 来访 */
export type CaseChannel = (typeof CASE_CHANNELS)[number];
export const FINDINGS = ['substantiated', 'partly', 'unsubstantiated'] as const;
/** substantiated 属实 · partly 部分属实 · unsubstantiated 不属实 */
export type CaseFinding = (typeof FINDINGS)[number];
export type CategorySource = 'classifier' | 'reporter' | 'person';
export type NotificationKind = 'first_response_reminder' | 'due_reminder' | 'first_response_breach' | 'due_breach';

export interface CaseCategoriesTable {
  code: string;
  name_zh: string;
  name_en: string;
  resolve_days: number;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface CasesTable {
  id: Generated<number>;
  receipt_id: string | null;
  receipt_hash: string | null;
  open311_token: string | null;
  channel: CaseChannel;
  status: CaseStatus;
  text: string;
  category: string;
  category_confidence: Generated<number>;
  category_source: Generated<CategorySource>;
  category_set_by: number | null;
  category_set_at: NullableTime;
  classifier_category: string;
  subject_unit_id: number | null;
  subject_staff_id: number | null;
  unit_id: number;
  transfer_to_unit_id: number | null;
  transfer_reason: string | null;
  assignee: string | null;
  lat: number | null;
  long: number | null;
  address: string | null;
  real_name: Generated<boolean>;
  reporter_name_enc: Uint8Array | null;
  reporter_phone_enc: Uint8Array | null;
  reporter_phone_index: Uint8Array | null;
  reporter_email_enc: Uint8Array | null;
  reject_reason: string | null;
  finding: CaseFinding | null;
  measures: string | null;
  merged_into_id: number | null;
  submitted_at: Timestamp;
  first_response_due: Timestamp;
  first_responded_at: NullableTime;
  due_at: NullableTime;
  deadline: NullableTime;
  resolved_at: NullableTime;
  closed_at: NullableTime;
  reopen_count: Generated<number>;
  escalated_at: NullableTime;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: number;
  action: string;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  unit_id: number | null;
  actor_user_id: number | null;
  actor_role: string | null;
  detail: ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, never>;
  at: Timestamp;
}

export interface CaseMessagesTable {
  id: Generated<number>;
  case_id: number;
  author: 'reporter' | 'handler';
  unit_id: number | null;
  actor_user_id: number | null;
  body: string;
  at: Timestamp;
}

export interface CaseMediaTable {
  id: Generated<number>;
  case_id: number;
  kind: 'image' | 'video' | 'link';
  mime: string;
  sha256: string | null;
  thumb_sha256: string | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  url: string | null;
  created_at: CreatedAt;
}

export interface CaseNotificationsTable {
  id: Generated<number>;
  case_id: number;
  kind: NotificationKind;
  audience: 'unit' | 'inspectors';
  unit_id: number;
  deadline: Timestamp;
  created_at: Timestamp;
}

export interface Open311ClientsTable {
  id: Generated<number>;
  name: string;
  key_hash: string;
  unit_id: number | null;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
}

declare module '../../db/types.ts' {
  interface DB {
    case_categories: CaseCategoriesTable;
    cases: CasesTable;
    case_events: CaseEventsTable;
    case_messages: CaseMessagesTable;
    case_media: CaseMediaTable;
    case_notifications: CaseNotificationsTable;
    open311_clients: Open311ClientsTable;
  }
}
