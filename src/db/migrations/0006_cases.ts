// Complaints and reports (投诉举报 / 随手拍): cases, their event history (every transition), messages
// between reporter and handler, media (photos, video), SLA notifications, the per-category clock
// rules, and the API keys of Open311 client apps.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Conduct categories (classification) with the working days allowed to finish (办结) a case of each.
    create table case_categories (
      code text primary key check (code in ('indifference','buck_passing','extortion','inaction','selective_enforcement','data_fraud','formalism','other')),
      name_zh text not null,
      name_en text not null,
      resolve_days int not null check (resolve_days between 1 and 365),
      version int not null default 1,
      updated_at timestamptz not null default now()
    );
    insert into case_categories (code, name_zh, name_en, resolve_days) values
      ('indifference', '态度冷漠', 'Indifference', 10),
      ('buck_passing', '推诿扯皮', 'Buck-passing', 10),
      ('extortion', '吃拿卡要', 'Extortion', 15),
      ('inaction', '慢作为/不作为', 'Slowness or inaction', 10),
      ('selective_enforcement', '选择性执法', 'Selective enforcement', 15),
      ('data_fraud', '数据造假', 'Data fraud', 20),
      ('formalism', '形式主义', 'Formalism', 15),
      ('other', '其他', 'Other', 15);

    create table cases (
      id bigserial primary key,
      receipt_id text unique,            -- public, non-secret half of the receipt code (lookup)
      receipt_hash text,                 -- scrypt of the whole receipt code; the code itself is never stored
      open311_token text unique,         -- Open311 token path (random, public)
      channel text not null check (channel in ('web','open311','letter','hotline','visit')),
      status text not null check (status in ('submitted','accepted','rejected','assigned','investigating','extended','resolved','closed','merged')),
      text text not null check (char_length(text) between 1 and 4000),
      category text not null references case_categories(code),
      category_confidence real not null default 0,
      category_source text not null default 'classifier' check (category_source in ('classifier','reporter','person')),
      category_set_by int references users(id),   -- the person who overrode the classifier
      category_set_at timestamptz,
      classifier_category text not null references case_categories(code),  -- kept after an override
      subject_unit_id int references units(id),
      subject_staff_id int references staff(id),
      unit_id int not null references units(id),            -- accountable unit (首接负责)
      transfer_to_unit_id int references units(id),         -- pending transfer: the first unit stays accountable
      transfer_reason text,
      assignee text,
      lat double precision check (lat between -90 and 90),
      long double precision check (long between -180 and 180),
      address text check (char_length(address) <= 500),   -- where it happened, not where the reporter lives
      real_name boolean not null default false,
      reporter_name_enc bytea,
      reporter_phone_enc bytea,
      reporter_phone_index bytea,
      reporter_email_enc bytea,
      reject_reason text,
      finding text check (finding in ('substantiated','partly','unsubstantiated')),
      measures text,
      merged_into_id bigint references cases(id),
      submitted_at timestamptz not null,
      first_response_due timestamptz not null,
      first_responded_at timestamptz,
      due_at timestamptz,                 -- 办结 deadline (working days), set on acceptance
      deadline timestamptz,               -- the clock that runs now (first response, then 办结); null when stopped
      resolved_at timestamptz,
      closed_at timestamptz,
      reopen_count int not null default 0,
      escalated_at timestamptz,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (real_name = (reporter_name_enc is not null)),
      check ((status = 'merged') = (merged_into_id is not null))
    );
    create index cases_queue_idx on cases (unit_id, deadline) where deadline is not null;
    create index cases_transfer_idx on cases (transfer_to_unit_id) where transfer_to_unit_id is not null;
    create index cases_deadline_idx on cases (deadline) where deadline is not null;
    create index cases_subject_unit_idx on cases (subject_unit_id, submitted_at);
    create index cases_subject_staff_idx on cases (subject_staff_id, submitted_at) where subject_staff_id is not null;
    create index cases_unit_time_idx on cases (unit_id, submitted_at);
    create index cases_updated_idx on cases (updated_at);

    create table case_events (
      id bigserial primary key,
      case_id bigint not null references cases(id),
      action text not null,
      from_status text,
      to_status text not null,
      unit_id int references units(id),   -- the unit that acted: what the public timeline names
      actor_user_id int references users(id),
      actor_role text,                    -- 'reporter', 'system' or a role
      detail jsonb not null default '{}',
      at timestamptz not null
    );
    create index case_events_case_idx on case_events (case_id, id);

    create table case_messages (
      id bigserial primary key,
      case_id bigint not null references cases(id),
      author text not null check (author in ('reporter','handler')),
      unit_id int references units(id),
      actor_user_id int references users(id),
      body text not null check (char_length(body) between 1 and 2000),
      at timestamptz not null
    );
    create index case_messages_case_idx on case_messages (case_id, id);

    -- Files are stored content-addressed (sha256) by the media store; rows say which case has which.
    create table case_media (
      id bigserial primary key,
      case_id bigint not null references cases(id),
      kind text not null check (kind in ('image','video','link')),
      mime text not null,
      sha256 text,                  -- null for a link (Open311 media_url)
      thumb_sha256 text,
      bytes bigint,
      width int,
      height int,
      url text,
      created_at timestamptz not null default now()
    );
    create index case_media_case_idx on case_media (case_id, id);

    -- Reminders and escalations of the SLA job; one per case, kind and deadline, so a rerun is a no-op.
    create table case_notifications (
      id bigserial primary key,
      case_id bigint not null references cases(id),
      kind text not null check (kind in ('first_response_reminder','due_reminder','first_response_breach','due_breach')),
      audience text not null check (audience in ('unit','inspectors')),
      unit_id int not null references units(id),
      deadline timestamptz not null,
      created_at timestamptz not null,
      unique (case_id, kind, deadline)
    );
    create index case_notifications_unit_idx on case_notifications (unit_id, created_at);

    -- Client apps of Open311 (GeoReport v2): only a SHA-256 of the key is stored.
    create table open311_clients (
      id serial primary key,
      name text not null unique,
      key_hash text not null unique,
      unit_id int references units(id),   -- where requests of this client are routed by default
      disabled boolean not null default false,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}
