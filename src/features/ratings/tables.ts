// Kysely table types of ratings and rectifications (migration 0005), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';
import type { UnitCategory } from '../../db/types.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const RATING_CHANNELS = ['per_visit', 'per_matter', 'overall', 'supervision'] as const;
/** per_visit 一次一评 · per_matter 一事一评 · overall 综合点评 · supervision 监督查评 */
export type RatingChannel = (typeof RATING_CHANNELS)[number];
export type RatingOrigin = 'public' | 'import' | 'default';

export interface RatingsTable {
  id: Generated<number>;
  transaction_id: number;
  unit_id: number;
  /** The transaction's handler, kept by the database (migration 0010): never written by the code. */
  handler_staff_id: ColumnType<number | null, never, never>;
  level: number;
  channel: RatingChannel;
  origin: RatingOrigin;
  comment: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  real_name: Generated<boolean>;
  rater_name_enc: Uint8Array | null;
  rater_phone_enc: Uint8Array | null;
  rater_phone_index: Uint8Array | null;
  defaulted: Generated<boolean>;
  excluded: Generated<boolean>;
  rated_at: Timestamp;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export const RECTIFICATION_STATUSES = ['verifying', 'rectifying', 'revisiting', 'appealing', 'closed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export type RectificationOutcome = 'resolved' | 'unfounded' | 'appeal_upheld';
export type Finding = 'founded' | 'unfounded';
export type RevisitOutcome = 'satisfied' | 'basically_satisfied' | 'dissatisfied';
export type AppealKind = 'mistaken' | 'malicious';
export type AppealDecision = 'upheld' | 'rejected';

export interface RectificationsTable {
  id: Generated<number>;
  rating_id: number;
  unit_id: number;
  status: RectificationStatus;
  resume_status: 'verifying' | 'rectifying' | null;
  outcome: RectificationOutcome | null;
  finding: Finding | null;
  finding_reason: string | null;
  evidence: string | null;
  attachments: ColumnType<string[], string[] | undefined, string[]>;
  revisit_required: boolean;
  revisit_outcome: RevisitOutcome | null;
  revisit_note: string | null;
  revisit_count: Generated<number>;
  appeal_kind: AppealKind | null;
  appeal_reason: string | null;
  appeal_decision: AppealDecision | null;
  appeal_decision_reason: string | null;
  false_rectification: Generated<boolean>;
  false_reason: string | null;
  opened_at: Timestamp;
  stage_deadline: NullableTime;
  due_at: Timestamp;
  verified_at: NullableTime;
  rectified_at: NullableTime;
  revisited_at: NullableTime;
  closed_at: NullableTime;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RectificationEventsTable {
  id: Generated<number>;
  rectification_id: number;
  action: string;
  from_status: RectificationStatus | null;
  to_status: RectificationStatus;
  actor_user_id: number | null;
  actor_role: string | null;
  detail: ColumnType<Record<string, unknown>, string | Record<string, unknown> | undefined, never>;
  at: Timestamp;
}

export interface RectificationDeadlinesTable {
  unit_category: UnitCategory;
  verify_days: number;
  rectify_days: number;
  revisit_days: number;
  appeal_days: number;
  version: Generated<number>;
  updated_at: Timestamp;
}

declare module '../../db/types.ts' {
  interface DB {
    ratings: RatingsTable;
    rectifications: RectificationsTable;
    rectification_events: RectificationEventsTable;
    rectification_deadlines: RectificationDeadlinesTable;
  }
}
