// Indicator frameworks and scoring (指标体系与考核计分): framework versions, assessors' scores of
// qualitative indicators, the fault-tolerance list (容错清单), and scoring runs with their results.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per framework version; the definition is the documented JSON (docs/scoring.md).
    -- A published version is immutable (enforced by the service and by the trigger below).
    create table score_frameworks (
      id bigserial primary key,
      code text not null,
      version_no int not null check (version_no >= 1),   -- the framework's own version: 1, 2, …
      status text not null check (status in ('draft','published')),
      name_zh text not null,
      name_en text not null,
      definition jsonb not null,
      digest text not null,                               -- SHA-256 of the canonical definition
      created_by int references users(id),
      published_by int references users(id),
      published_at timestamptz,
      version int not null default 1,                     -- record version (ledger)
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (code, version_no)
    );
    create function score_frameworks_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'framework % version % is published and immutable', old.code, old.version_no;
      end if;
      return new;
    end $$;
    create trigger score_frameworks_frozen before update or delete on score_frameworks
      for each row execute function score_frameworks_frozen();

    -- An assessor's level for a qualitative indicator of one subject in one period (re-scoring updates it).
    create table score_assessments (
      id bigserial primary key,
      framework_id bigint not null references score_frameworks(id),
      period text not null,
      indicator text not null,
      subject_kind text not null check (subject_kind in ('staff','unit')),
      subject_id bigint not null,
      assessor_user_id int not null references users(id),
      level text not null,
      note text check (char_length(note) <= 1000),
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (framework_id, period, indicator, subject_kind, subject_id, assessor_user_id)
    );

    -- 容错清单: an approved exemption of one event (by its evidence reference) or one indicator.
    create table score_exemptions (
      id bigserial primary key,
      subject_kind text not null check (subject_kind in ('staff','unit')),
      subject_id bigint not null,
      period text not null,
      ref_type text,
      ref_id text,
      indicator text,
      reason text not null check (char_length(reason) between 1 and 1000),
      approver_user_id int not null references users(id),
      approver_name text not null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((ref_type is not null and ref_id is not null and indicator is null) or (ref_type is null and ref_id is null and indicator is not null))
    );
    create index score_exemptions_period_idx on score_exemptions (period, subject_kind);

    -- A scoring run: one framework version over one period's evidence. Same evidence and framework give
    -- the same digest, and the existing run is returned instead of a new one.
    create table score_runs (
      id bigserial primary key,
      period text not null,
      framework_id bigint not null references score_frameworks(id),
      framework_digest text not null,
      digest text not null,                 -- SHA-256 over the canonical results
      subject_count int not null,
      unscored_count int not null,
      status text not null check (status in ('draft','published')),
      created_by int references users(id),
      published_by int references users(id),
      published_at timestamptz,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (period, framework_id, digest)
    );

    create table score_results (
      id bigserial primary key,
      run_id bigint not null references score_runs(id),
      subject_kind text not null check (subject_kind in ('staff','unit')),
      subject_id bigint not null,
      subject_code text not null,
      unit_id int not null references units(id),   -- the staff member's unit, or the unit itself: data scope
      category text not null,
      level text,
      total double precision not null,
      band text not null,
      rank int not null,
      category_size int not null,
      bottom boolean not null,
      promotion_eligible boolean,
      vetoed boolean not null,
      detail text not null,                          -- canonical JSON of the full breakdown (exact bytes)
      digest text not null,                          -- SHA-256 of detail
      created_at timestamptz not null default now(),
      unique (run_id, subject_kind, subject_id)
    );
    create index score_results_unit_idx on score_results (run_id, unit_id);

    -- Published runs and their results are frozen.
    create function score_runs_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then raise exception 'scoring run % is published and immutable', old.id; end if;
      return new;
    end $$;
    create trigger score_runs_frozen before update or delete on score_runs for each row execute function score_runs_frozen();
    create function score_results_frozen() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from score_runs r where r.id = old.run_id and r.status = 'published') then
        raise exception 'results of published scoring run % are immutable', old.run_id;
      end if;
      return new;
    end $$;
    create trigger score_results_frozen before update or delete on score_results for each row execute function score_results_frozen();
  `.execute(db);
}
