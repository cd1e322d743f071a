// Forward-only migrations, listed here in order. Run at start and by `probity migrate`.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_ledger.ts';
import * as m0003 from './migrations/0003_calendar.ts';
import * as m0004 from './migrations/0004_evidence.ts';
import * as m0005 from './migrations/0005_ratings.ts';
import * as m0006 from './migrations/0006_cases.ts';
import * as m0007 from './migrations/0007_scoring.ts';
import * as m0008 from './migrations/0008_metrics.ts';
import * as m0009 from './migrations/0009_evidence_batches.ts';
import * as m0010 from './migrations/0010_ratings_handler.ts';
import * as m0011 from './migrations/0011_ledger_inner_hashes.ts';
import * as m0012 from './migrations/0012_evidence_batches_storage.ts';
import * as m0013 from './migrations/0013_transactions_handler_partial.ts';
import * as m0014 from './migrations/0014_staff_unit_check.ts';
import * as m0015 from './migrations/0015_ledger_lookup_collation.ts';
import * as m0016 from './migrations/0016_transactions_completed_indexes.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_ledger': m0002,
  '0003_calendar': m0003,
  '0004_evidence': m0004,
  '0005_ratings': m0005,
  '0006_cases': m0006,
  '0007_scoring': m0007,
  '0008_metrics': m0008,
  '0009_evidence_batches': m0009,
  '0010_ratings_handler': m0010,
  '0011_ledger_inner_hashes': m0011,
  '0012_evidence_batches_storage': m0012,
  '0013_transactions_handler_partial': m0013,
  '0014_staff_unit_check': m0014,
  '0015_ledger_lookup_collation': m0015,
  '0016_transactions_completed_indexes': m0016,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  // Rows the migrations inserted get their ledger entries (imported here, lazily: the ledger's
  // record catalogue loads every feature, which a bare migration run does not otherwise need).
  await (await import('../ledger/seed.ts')).recordMigrationSeeds(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has run: what /readyz reports. */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  const list = await migrator(db).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
