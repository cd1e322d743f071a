// The ledger's lookup columns compare bytewise (collate "C"), as the evidence tables' identifiers do
// (decision 86). Only equality is ever asked of them, which every collation answers alike, but the
// index on (record_type, record_id, record_version) sorted them by the database's locale: a strcoll
// per comparison on every insert, one entry per registry row written (bench/import/write-cost.sh).
// Rebuilds that index once; the table itself is not rewritten (same type). The two views over the
// table (migration 0002) pin its column types, so they are dropped and made again as they were.
// Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop view ledger_pending;
    drop view ledger_log;
    alter table ledger_entries
      alter column record_type type text collate "C",
      alter column record_id type text collate "C";
    create view ledger_pending as
      select e.* from ledger_entries e where e.seq > (select seq from ledger_state);
    create view ledger_log as
      select b.first_idx + (e.seq - b.first_seq)
               - coalesce((select sum(g.hi - g.lo + 1) from unnest(b.gap_lo, b.gap_hi) as g(lo, hi) where g.lo < e.seq), 0) as idx,
             e.seq, e.entry, e.record_type, e.record_id, e.record_version
      from ledger_entries e join ledger_batches b on e.seq between b.first_seq and b.last_seq;`.execute(db);
}
