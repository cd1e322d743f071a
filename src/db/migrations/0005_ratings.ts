// Service ratings (好差评, GB/T 39734/39735) and the rectification loop of bad ratings (差评整改):
// ratings, rectifications, their event history, and the per-category deadline rules.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One rating per transaction. level 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (1–2 = 差评).
    create table ratings (
      id bigserial primary key,
      transaction_id bigint not null unique references service_transactions(id),
      unit_id int not null references units(id),      -- the handling unit, copied for set-based metrics
      level smallint not null check (level between 1 and 5),
      channel text not null check (channel in ('per_visit','per_matter','overall','supervision')),
      origin text not null check (origin in ('public','import','default')),
      comment text check (char_length(comment) <= 500),
      tags text[] not null default '{}' check (cardinality(tags) <= 10),
      real_name boolean not null default false,
      rater_name_enc bytea,          -- AES-256-GCM, only for real-name ratings
      rater_phone_enc bytea,
      rater_phone_index bytea,       -- HMAC blind index (find a rater's ratings without decrypting)
      defaulted boolean not null default false,        -- applied by the default-rating job
      excluded boolean not null default false,         -- appeal upheld: left out of every metric
      rated_at timestamptz not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (real_name = (rater_phone_enc is not null))
    );
    create index ratings_unit_time_idx on ratings (unit_id, rated_at);  -- metrics (unit_id = any(...) and a period)
    create index ratings_phone_idx on ratings (rater_phone_index) where rater_phone_index is not null;

    -- Deadlines of each stage in working days, per unit category (configurable; defaults documented
    -- in docs/ratings.md).
    create table rectification_deadlines (
      unit_category text primary key check (unit_category in ('window_service','law_enforcement','general_admin')),
      verify_days int not null check (verify_days between 1 and 60),
      rectify_days int not null check (rectify_days between 1 and 60),
      revisit_days int not null check (revisit_days between 1 and 60),
      appeal_days int not null check (appeal_days between 1 and 60),
      version int not null default 1,
      updated_at timestamptz not null default now()
    );
    insert into rectification_deadlines (unit_category, verify_days, rectify_days, revisit_days, appeal_days) values
      ('window_service', 1, 5, 3, 5),
      ('law_enforcement', 1, 5, 3, 5),
      ('general_admin', 1, 5, 3, 5);

    -- One rectification per 差评 (not defaulted), owned by the unit that handled the transaction.
    create table rectifications (
      id bigserial primary key,
      rating_id bigint not null unique references ratings(id),
      unit_id int not null references units(id),
      status text not null check (status in ('verifying','rectifying','revisiting','appealing','closed')),
      resume_status text check (resume_status in ('verifying','rectifying')),  -- where an appeal returns to
      outcome text check (outcome in ('resolved','unfounded','appeal_upheld')),
      finding text check (finding in ('founded','unfounded')),
      finding_reason text,
      evidence text,
      attachments text[] not null default '{}',
      revisit_required boolean not null,               -- real-name ratings are always revisited
      revisit_outcome text check (revisit_outcome in ('satisfied','basically_satisfied','dissatisfied')),
      revisit_note text,
      revisit_count int not null default 0,
      appeal_kind text check (appeal_kind in ('mistaken','malicious')),
      appeal_reason text,
      appeal_decision text check (appeal_decision in ('upheld','rejected')),
      appeal_decision_reason text,
      false_rectification boolean not null default false,  -- 虚假整改 found by an inspector
      false_reason text,
      opened_at timestamptz not null,
      stage_deadline timestamptz,                      -- deadline of the current stage; null when closed
      due_at timestamptz not null,                     -- deadline of the whole rectification (按时整改)
      verified_at timestamptz,
      rectified_at timestamptz,
      revisited_at timestamptz,
      closed_at timestamptz,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'closed') = (outcome is not null)),
      check ((status = 'closed') = (stage_deadline is null)),
      check ((status = 'appealing') = (resume_status is not null))
    );
    create index rectifications_queue_idx on rectifications (unit_id, stage_deadline) where status <> 'closed';
    create index rectifications_unit_idx on rectifications (unit_id, opened_at);

    -- Every transition: who, when, from where to where, and what they recorded.
    create table rectification_events (
      id bigserial primary key,
      rectification_id bigint not null references rectifications(id),
      action text not null,
      from_status text,
      to_status text not null,
      actor_user_id int references users(id),
      actor_role text,
      detail jsonb not null default '{}',
      at timestamptz not null
    );
    create index rectification_events_rect_idx on rectification_events (rectification_id, id);

    -- The default-rating job looks for completed transactions without a rating.
    create index service_transactions_completed_idx on service_transactions (completed_at) where status = 'completed';
  `.execute(db);
}
