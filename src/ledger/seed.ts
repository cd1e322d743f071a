// Records that migrations insert (default settings such as the rectification deadline rules) are
// committed to the ledger right after the migrations run, once: a migration stays plain SQL, frozen
// when released, and never depends on the application's canonical-record code.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { LEDGER_TYPES } from './catalog.ts';
import { entryForRow, loadPage } from './record-types.ts';
import { appendToLedger } from './store.ts';

/** Ledger types whose rows a migration may insert. Small tables only: they are read whole. */
const SEEDED_TYPES = ['rectification.deadline', 'case.category', 'integrity.rule', 'metric.setting'];
const SEED_LOCK = 8102646931985818728n;

export async function recordMigrationSeeds(db: Kysely<DB>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Concurrent starts on one PostgreSQL: one records, the others then find the entries.
    await sql`select pg_advisory_xact_lock(${SEED_LOCK})`.execute(trx);
    let added = 0;
    for (const type of SEEDED_TYPES) {
      const def = LEDGER_TYPES[type]!;
      const rows = await loadPage(trx, def, null, 1000);
      const logged = await trx.selectFrom('ledger_entries').select('record_id').distinct().where('record_type', '=', type).execute();
      const have = new Set(logged.map((r) => r.record_id));
      const entries = rows.filter((r) => !have.has(String(r[def.key]))).map((r) => entryForRow(def, r));
      await appendToLedger(trx, entries);
      added += entries.length;
    }
    return added;
  });
}
