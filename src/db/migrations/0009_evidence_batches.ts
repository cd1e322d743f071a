// Batched ledger entries for evidence (decision 55 in docs/decisions.md): one ledger entry per
// ingest batch, committing to the canonical digests of the evidence row versions it wrote; each
// evidence row names the batch holding its latest version. Forward-only.
import { sql, type Kysely } from 'kysely';

const EVIDENCE_TABLES = ['service_transactions', 'hotline_tickets', 'petitions', 'training_records', 'audit_findings', 'proposals'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- rows: one "id:version:sha256" per row version the batch wrote (the digest is that of the row's
    -- canonical record, as a per-row ledger entry would hold it), in id order.
    create table evidence_batches (
      id bigserial primary key,
      record_type text not null,
      job_id int references ingest_jobs(id),
      rows text[] not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  // A nullable column without a default: no table rewrite, rows written before keep per-row entries.
  for (const table of EVIDENCE_TABLES) await sql`alter table ${sql.table(table)} add column ledger_batch bigint`.execute(db);
}
