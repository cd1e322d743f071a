// Kysely table types of frameworks and scoring (migration 0007), merged into the DB interface.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type SubjectKindColumn = 'staff' | 'unit';

export interface ScoreFrameworksTable {
  id: Generated<number>;
  code: string;
  version_no: number;
  status: 'draft' | 'published';
  name_zh: string;
  name_en: string;
  definition: ColumnType<unknown, string, string>;
  digest: string;
  created_by: number | null;
  published_by: ColumnType<number | null, number | null | undefined, number | null>;
  published_at: NullableTime;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScoreAssessmentsTable {
  id: Generated<number>;
  framework_id: number;
  period: string;
  indicator: string;
  subject_kind: SubjectKindColumn;
  subject_id: number;
  assessor_user_id: number;
  level: string;
  note: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScoreExemptionsTable {
  id: Generated<number>;
  subject_kind: SubjectKindColumn;
  subject_id: number;
  period: string;
  ref_type: string | null;
  ref_id: string | null;
  indicator: string | null;
  reason: string;
  approver_user_id: number;
  approver_name: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScoreRunsTable {
  id: Generated<number>;
  period: string;
  framework_id: number;
  framework_digest: string;
  digest: string;
  subject_count: number;
  unscored_count: number;
  status: 'draft' | 'published';
  created_by: number | null;
  published_by: ColumnType<number | null, number | null | undefined, number | null>;
  published_at: NullableTime;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScoreResultsTable {
  id: Generated<number>;
  run_id: number;
  subject_kind: SubjectKindColumn;
  subject_id: number;
  subject_code: string;
  unit_id: number;
  category: string;
  level: string | null;
  total: number;
  band: string;
  rank: number;
  category_size: number;
  bottom: boolean;
  promotion_eligible: boolean | null;
  vetoed: boolean;
  detail: string;
  digest: string;
  created_at: CreatedAt;
}

declare module '../../db/types.ts' {
  interface DB {
    score_frameworks: ScoreFrameworksTable;
    score_assessments: ScoreAssessmentsTable;
    score_exemptions: ScoreExemptionsTable;
    score_runs: ScoreRunsTable;
    score_results: ScoreResultsTable;
  }
}
