// A throwaway database on a PostgreSQL server for one benchmark run: created under a random name,
// dropped (with force) when the run is done. One way for every bench that measures PostgreSQL.
import crypto from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  name: string;
  /** The server URL with this database as its path. */
  url: string;
  /** A server setting (server_version, synchronous_commit, …), for the bench's header. */
  setting(name: string): Promise<string>;
  /** The server processes connected to this database now (to read their CPU from /proc). */
  backendPids(): Promise<number[]>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  // One connection to the server's own database for the whole run: creating, watching, dropping.
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } catch (e) {
    await admin.end();
    throw e;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    setting: async (setting) => (await admin.query<{ value: string }>('select current_setting($1) as value', [setting])).rows[0]!.value,
    backendPids: async () => (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])).rows.map((r) => r.pid),
    // Once, however many failure handlers ask for it.
    drop: () => (dropped ??= (async () => {
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    })()),
  };
}
