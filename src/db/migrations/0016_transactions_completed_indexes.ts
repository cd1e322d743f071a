// Service transactions are found by unit and by handler through indexes on what those queries ask
// (decision 88): completed transactions in a period of completion. Every such query (unit metrics in
// ratings/metrics-repo.ts, the metrics scans in metrics/repo.ts) filters status = 'completed' and a
// completed_at range, while the indexes were keyed on accepted_at: they found all of a unit's or a
// handler's transactions of every year and fetched each row to test its completion time. In
// bench/ratings/index-fit.sh (3,000,000 transactions over three years) one unit's month took a median
// 3.8 ms against 0.45 ms, one handler's 2.9 ms against 0.12 ms, and the partial indexes are a third
// smaller (accepted transactions are not in them), so ingest writes less. Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index service_transactions_unit_time_idx;
    drop index service_transactions_handler_idx;
    create index service_transactions_unit_completed_idx on service_transactions (unit_id, completed_at)
      where status = 'completed';
    create index service_transactions_handler_completed_idx on service_transactions (handler_staff_id, completed_at)
      where handler_staff_id is not null and status = 'completed'`.execute(db);
}
