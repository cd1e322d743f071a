// The ledger (存证账本): entries written inside each record's own transaction, the batches that give
// them dense log indices, the published tiles (latest width of each), and the signed state.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every entry, written in the transaction of the record it commits to (so both commit or
    -- neither). seq orders them; an entry is pending until the integrator's state.seq reaches it.
    -- Integration never rewrites these rows: the batches below give them their log indices.
    create table ledger_entries (
      seq bigserial primary key,
      entry bytea not null,
      record_type text not null,
      record_id text not null,
      record_version int not null
    );
    create index ledger_entries_record_idx on ledger_entries (record_type, record_id, record_version);

    -- One row per integration batch: the entries with first_seq <= seq <= last_seq, in seq order,
    -- are the log's entries first_idx, first_idx+1, … Sequence numbers without a row (a rolled-back
    -- write, a sequence jump after a crash) are listed as gap ranges [gap_lo[i], gap_hi[i]].
    -- Batches partition the seq line: each starts right after the previous one ends.
    create table ledger_batches (
      first_seq bigint primary key,
      last_seq bigint not null unique,
      first_idx bigint not null,         -- not unique: a batch of only gaps has count 0
      count int not null check (count >= 0),
      gap_lo bigint[] not null default '{}',
      gap_hi bigint[] not null default '{}',
      check (last_seq >= first_seq)
    );
    create index ledger_batches_idx_idx on ledger_batches (first_idx);

    -- C2SP tlog-tiles hash tiles (level 0, 1, …) at their latest width; older partial widths are
    -- served by truncating, so one row per tile is enough. Entry bundles are not stored: they are
    -- assembled from ledger_entries when asked for (the same bytes would otherwise be written twice).
    create table ledger_tiles (
      level smallint not null check (level >= 0),
      idx bigint not null check (idx >= 0),
      width smallint not null check (width between 1 and 256),
      data bytea not null,
      primary key (level, idx)
    );
    -- Hash tiles are incompressible: storing them without a compression attempt saves the integrator
    -- time per tile (measured: bench/ledger).
    alter table ledger_tiles alter column data set storage external;

    -- One row: the tree the tiles describe, the checkpoint that signs it, and how far (seq) the
    -- entries are integrated.
    create table ledger_state (
      id boolean primary key default true check (id),
      size bigint not null check (size >= 0),
      seq bigint not null default 0,
      root bytea,
      checkpoint text,
      updated_at timestamptz not null default now(),
      check ((size = 0) = (root is null) and (size = 0) = (checkpoint is null))
    );
    insert into ledger_state (id, size) values (true, 0);

    -- Every checkpoint ever signed, for consistency proofs between published sizes and for audits.
    create table ledger_checkpoints (
      size bigint primary key check (size > 0),
      root bytea not null,
      checkpoint text not null,
      signed_at timestamptz not null default now()
    );

    -- For people and scripts (the code computes the same from ledger_batches without scanning):
    -- entries not yet integrated, and the log with each entry's index.
    create view ledger_pending as
      select e.* from ledger_entries e where e.seq > (select seq from ledger_state);
    create view ledger_log as
      select b.first_idx + (e.seq - b.first_seq)
               - coalesce((select sum(g.hi - g.lo + 1) from unnest(b.gap_lo, b.gap_hi) as g(lo, hi) where g.lo < e.seq), 0) as idx,
             e.seq, e.entry, e.record_type, e.record_id, e.record_version
      from ledger_entries e join ledger_batches b on e.seq between b.first_seq and b.last_seq;
  `.execute(db);
}
