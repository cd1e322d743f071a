// The metric library's settings and integrity points (诚信积分): points per event type (rules) and
// the entries that change a person's balance, each naming the evidence behind it.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Configurable requirements of metrics and of integrity points (docs/metrics.md).
    create table metric_settings (
      key text primary key check (key in ('training_hours_per_year', 'integrity_base_points')),
      value numeric(8,2) not null check (value >= 0),
      version int not null default 1,
      updated_at timestamptz not null default now()
    );
    insert into metric_settings (key, value) values ('training_hours_per_year', 50), ('integrity_base_points', 100);

    -- Points per evidence event type of a person (negative: deducted). Changing a rule changes
    -- only entries applied afterwards; each entry keeps the points and rule version it was given.
    create table integrity_rules (
      event_type text primary key,
      points numeric(6,2) not null check (points between -100 and 100),
      version int not null default 1,
      updated_by int references users(id),
      updated_at timestamptz not null default now()
    );
    insert into integrity_rules (event_type, points) values
      ('bad_rating', -1), ('rectification_overdue', -2), ('false_rectification', -5),
      ('audit_finding_minor', -2), ('audit_finding_major', -5), ('audit_finding_severe', -10),
      ('training_completed', 1);

    -- One entry per (person, event): applying a period again adds nothing (idempotent). The balance
    -- is the base points plus the sum of entries up to a point in time (ordered by event time, id).
    create table integrity_entries (
      id bigserial primary key,
      staff_id int not null references staff(id),
      event_type text not null,
      ref_type text not null,             -- the ledger record behind the event, e.g. rating
      ref_id text not null,
      event_at timestamptz not null,
      period_code text not null,          -- the period whose application wrote it
      points numeric(6,2) not null,
      rule_version int not null,
      summary text not null check (char_length(summary) <= 500),
      applied_at timestamptz not null,
      unique (staff_id, event_type, ref_type, ref_id)
    );
    create index integrity_entries_staff_idx on integrity_entries (staff_id, event_at, id);
  `.execute(db);
}
