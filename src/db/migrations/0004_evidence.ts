// Evidence from external systems (多源数据融合): registered sources, the evidence kinds they send,
// and the ingest jobs that brought each batch in (with every refused line).
//
// Every evidence table is keyed by (source_id, external_id): the same record sent again changes
// nothing (content_hash is compared), a declared update bumps `version`. No table holds personal
// data of citizens: free-text summaries are capped and scrubbed of phone and ID numbers on ingest.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sources (
      id serial primary key,
      code text not null unique,          -- e.g. 'gov-service-platform', '12345-hotline'
      name text not null,
      token_id int references api_tokens(id),
      created_at timestamptz not null default now()
    );

    -- The two high-volume tables (10^8 transactions and 10^7 hotline tickets a year) have no foreign
    -- keys: their per-row checks doubled the insert time (measured), the ingest pipeline resolves every
    -- code to an id itself, and registry records (sources, units, staff, service items) are never
    -- deleted. Identifiers compare bytewise (collate "C"), which is also what their unique indexes need.
    create table service_transactions (
      id bigserial primary key,
      source_id int not null,                -- sources(id)
      external_id text collate "C" not null,
      transaction_code text collate "C" not null unique, -- what the public rates with (printed on the receipt)
      service_item_id int,                   -- service_items(id)
      unit_id int not null,                  -- units(id)
      handler_staff_id int,                  -- staff(id)
      channel text not null,               -- window | online | mobile | self_service | hotline
      status text not null,                -- accepted | completed | rejected | withdrawn
      accepted_at timestamptz not null,
      completed_at timestamptz,
      promised_days int,                   -- copied from the service item when ingested
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index service_transactions_unit_time_idx on service_transactions (unit_id, accepted_at);
    create index service_transactions_handler_idx on service_transactions (handler_staff_id, accepted_at);

    -- 12345 hotline tickets (政务服务便民热线工单)
    create table hotline_tickets (
      id bigserial primary key,
      source_id int not null,                -- sources(id)
      external_id text collate "C" not null,
      unit_id int not null,                  -- units(id)
      received_at timestamptz not null,
      responded_at timestamptz,
      resolved_at timestamptz,
      satisfaction smallint check (satisfaction between 1 and 5),
      category text not null default '',
      summary text not null default '' check (char_length(summary) <= 500),
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index hotline_tickets_unit_time_idx on hotline_tickets (unit_id, received_at);

    -- petitions (信访事项)
    create table petitions (
      id bigserial primary key,
      source_id int not null references sources(id),
      external_id text collate "C" not null,
      unit_id int not null references units(id),
      received_at timestamptz not null,
      due_at timestamptz,
      closed_at timestamptz,
      category text not null default '',
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index petitions_unit_time_idx on petitions (unit_id, received_at);

    create table training_records (
      id bigserial primary key,
      source_id int not null references sources(id),
      external_id text collate "C" not null,
      staff_id int not null references staff(id),
      course text not null,
      hours numeric(6,2) not null check (hours > 0),
      completed_on date not null,
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index training_records_staff_idx on training_records (staff_id, completed_on);

    create table audit_findings (
      id bigserial primary key,
      source_id int not null references sources(id),
      external_id text collate "C" not null,
      unit_id int not null references units(id),
      staff_id int references staff(id),
      found_on date not null,
      severity text not null check (severity in ('minor','major','severe')),
      summary text not null default '' check (char_length(summary) <= 500),
      rectified_on date,
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index audit_findings_unit_idx on audit_findings (unit_id, found_on);
    create index audit_findings_staff_idx on audit_findings (staff_id, found_on) where staff_id is not null;

    -- deputies' proposals: 人大建议 (npc) and 政协提案 (cppcc)
    create table proposals (
      id bigserial primary key,
      source_id int not null references sources(id),
      external_id text collate "C" not null,
      kind text not null check (kind in ('npc','cppcc')),
      unit_id int not null references units(id),
      received_on date not null,
      due_on date not null,
      answered_on date,
      -- null while unanswered; whether it is overdue then depends on today, so it is not stored
      on_time boolean generated always as (case when answered_on is null then null else answered_on <= due_on end) stored,
      content_hash bytea not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (source_id, external_id)
    );
    create index proposals_unit_idx on proposals (unit_id, received_on);

    create table ingest_jobs (
      id serial primary key,
      kind text not null,
      source_id int not null references sources(id),
      mode text not null check (mode in ('insert','upsert')),
      via text not null check (via in ('http','cli')),
      file_name text,
      file_sha256 text,                    -- CLI files: resume key (with kind, source and mode)
      status text not null check (status in ('running','completed','failed')),
      lines int not null default 0,        -- records read (totals are summed from ingest_batches at the end)
      inserted int not null default 0,
      updated int not null default 0,
      unchanged int not null default 0,
      rejected int not null default 0,     -- lines refused (each has one or more rows in ingest_errors)
      failure text,
      created_by int references users(id),
      token_id int references api_tokens(id),
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index ingest_jobs_resume_idx on ingest_jobs (kind, file_sha256, status) where file_sha256 is not null;

    -- One row per committed batch, written in the batch's transaction. Batches are fixed ranges of
    -- record numbers, so a resumed job skips exactly the ones committed, in whatever order they were.
    create table ingest_batches (
      job_id int not null references ingest_jobs(id) on delete cascade,
      first_record int not null,
      last_record int not null,
      inserted int not null,
      updated int not null,
      unchanged int not null,
      rejected int not null,
      primary key (job_id, first_record)
    );

    create table ingest_errors (
      job_id int not null references ingest_jobs(id) on delete cascade,
      line int not null,
      field text not null,
      reason text not null,
      primary key (job_id, line, field)
    );
  `.execute(db);
}
