// Evidence batch lists are stored without compression (decision 76): each batch's `rows` is ~400 KB
// of "id:version:sha256" lines, whose pglz compression cost the server about 2 s of CPU per million
// ingested lines (bench/ingest) to save half of a hex-heavy text. Applies to batches written from
// now on; stored values stay as they are. Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table evidence_batches alter column rows set storage external`.execute(db);
}
