// Everything a running Probity needs, built once from the config and passed explicitly.
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { DB } from './db/types.ts';
import { FieldCipher } from './lib/crypto.ts';
import { generateDataKey, loadOrCreateKey, parseDataKey } from './lib/keys.ts';

export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  cipher: FieldCipher;
  log: Logger;
  close(): Promise<void>;
}

/** Paths and header values that may carry personal data or secrets never reach the logs. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.idNumber',
  '*.phone',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: LOG_REDACT }, destination);
}

export function createCipher(config: Config): FieldCipher {
  const dataKey = loadOrCreateKey({
    envValue: config.dataKey,
    envName: 'PROBITY_DATA_KEY',
    dataDir: config.dataDir,
    fileName: 'data.key',
    embedded: !config.databaseUrl,
    generate: generateDataKey,
  });
  return new FieldCipher(parseDataKey(dataKey));
}

export async function createContext(config: Config, options: { database?: Database; log?: Logger } = {}): Promise<AppContext> {
  const cipher = createCipher(config);
  const database = options.database ?? (await openDatabase(config));
  await migrateToLatest(database.db);
  const log = options.log ?? createLogger(config);
  return {
    config,
    database,
    db: database.db,
    cipher,
    log,
    close: () => database.close(),
  };
}
