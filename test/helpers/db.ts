// A fresh, migrated database per test file: in-memory PGlite by default, or a new database on the
// PostgreSQL server named by PROBITY_TEST_DATABASE_URL (CI runs the whole suite both ways).
import crypto from 'node:crypto';
import pg from 'pg';
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export const TEST_PG_URL = process.env.PROBITY_TEST_DATABASE_URL;

export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (!TEST_PG_URL) {
    const database = await openPGlite();
    await migrateToLatest(database.db);
    return database;
  }
  const name = `probity_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 4 });
  await migrateToLatest(database.db);
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: TEST_PG_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
