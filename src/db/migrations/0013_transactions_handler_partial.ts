// The handler index of service transactions covers only transactions that name a handler
// (decision 82). Every query through it asks for given staff (handler_staff_id = any(…)), which
// never matches a null, and sources name a handler on about half of their transactions: the other
// half cost an index insert each for nothing. In raw COPY of 200,000 transactions (half naming a
// handler) the full index took about 0.45 s of the server's 3.6 s of CPU (bench/ingest/index-cost.sh).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index service_transactions_handler_idx;
    create index service_transactions_handler_idx on service_transactions (handler_staff_id, accepted_at) where handler_staff_id is not null`.execute(db);
}
