// Registry, sign-in, privacy and import machinery. Forward-only: never edit a released migration,
// add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table meta (key text primary key, value jsonb not null);

    create table regions (
      id serial primary key,
      code text not null unique,
      name text not null,
      level text not null check (level in ('province','city','county','township')),
      parent_id int references regions(id),
      path text not null,            -- '/<id>/<id>/' from the root, for subtree scope checks
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index regions_path_idx on regions (path text_pattern_ops);

    create table units (
      id serial primary key,
      code text not null unique,
      name text not null,
      category text not null check (category in ('window_service','law_enforcement','general_admin')),
      region_id int not null references regions(id),
      parent_id int references units(id),
      path text not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index units_path_idx on units (path text_pattern_ops);
    create index units_region_idx on units (region_id);

    create table staff (
      id serial primary key,
      code text not null unique,
      name text not null,
      unit_id int not null references units(id),
      position text not null default '',
      level text not null check (level in ('leader','base')),
      status text not null check (status in ('candidate','active','departed')),
      entered_on date,
      departed_on date,
      id_number_enc bytea,          -- AES-256-GCM
      id_number_index bytea,        -- HMAC blind index: equality lookups without decrypting
      phone_enc bytea,
      phone_index bytea,
      content_hmac bytea not null,  -- keyed digest of the plaintext row: idempotent imports
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (departed_on is null or entered_on is null or departed_on >= entered_on)
    );
    create unique index staff_id_number_idx on staff (id_number_index) where id_number_index is not null;
    create index staff_unit_idx on staff (unit_id);

    create table service_items (
      id serial primary key,
      code text not null unique,
      name text not null,
      unit_id int not null references units(id),
      promised_days int not null check (promised_days between 0 and 365),
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index service_items_unit_idx on service_items (unit_id);

    create table users (
      id serial primary key,
      username text not null unique,
      display_name text not null default '',
      password_hash text not null,
      role text not null,
      scope_region_id int references regions(id),
      scope_unit_id int references units(id),
      staff_id int references staff(id),
      disabled boolean not null default false,
      failed_logins int not null default 0,
      locked_until timestamptz,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (scope_region_id is null or scope_unit_id is null)
    );

    create table sessions (
      token_hash text primary key,
      user_id int not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user_idx on sessions (user_id);

    create table api_tokens (
      id serial primary key,
      name text not null unique,
      token_hash text not null unique,
      role text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table access_log (
      id bigserial primary key,
      actor_user_id int not null references users(id),
      subject_type text not null,
      subject_id int not null,
      action text not null,
      reason text,
      at timestamptz not null default now()
    );
    create index access_log_subject_idx on access_log (subject_type, subject_id, at);
    create index access_log_actor_idx on access_log (actor_user_id, at);

    create table import_jobs (
      id serial primary key,
      kind text not null,
      file_name text not null,
      file_sha256 text not null,
      file_path text,               -- kept for HTTP uploads so a crashed job can resume
      status text not null check (status in ('running','completed','failed')),
      total_rows int,
      processed_rows int not null default 0,
      inserted int not null default 0,
      updated int not null default 0,
      unchanged int not null default 0,
      error_count int not null default 0,
      failure text,
      created_by int references users(id),
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index import_jobs_resume_idx on import_jobs (kind, file_sha256, status);

    create table import_errors (
      job_id int not null references import_jobs(id) on delete cascade,
      row_number int not null,
      field text not null,
      reason text not null,
      primary key (job_id, row_number, field)
    );
  `.execute(db);
}
