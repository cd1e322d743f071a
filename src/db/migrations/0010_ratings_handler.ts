// The handler of a rated transaction, copied onto its rating (decision 59 in docs/decisions.md).
// Scoring a person reads every rating of the year with its handler; joining ten million ratings to
// ten million transactions for that column cost more than everything else in a run. The copy is kept
// by the database itself, so no writer can forget it: filled on insert from the transaction, and
// followed when a declared update changes a transaction's handler. It is not part of the rating's
// canonical (ledger) record; `ledger verify --database` checks it against the transaction. Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ratings add column handler_staff_id int`.execute(db);
  await sql`
    update ratings g set handler_staff_id = t.handler_staff_id
    from service_transactions t where t.id = g.transaction_id and t.handler_staff_id is not null`.execute(db);
  await sql`
    create function ratings_copy_handler() returns trigger language plpgsql as $$
    begin
      select t.handler_staff_id into new.handler_staff_id from service_transactions t where t.id = new.transaction_id;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger ratings_copy_handler before insert or update of transaction_id on ratings
    for each row execute function ratings_copy_handler()`.execute(db);
  await sql`
    create function transactions_follow_handler() returns trigger language plpgsql as $$
    begin
      update ratings set handler_staff_id = new.handler_staff_id where transaction_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger transactions_follow_handler after update of handler_staff_id on service_transactions
    for each row when (old.handler_staff_id is distinct from new.handler_staff_id) execute function transactions_follow_handler()`.execute(db);
}
