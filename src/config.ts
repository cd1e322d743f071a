// Environment → typed configuration, validated once at start. Every command reads the same config.
import path from 'node:path';
import { AppError } from './lib/errors.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  /** Signer key string for the ledger (PRIVATE+KEY+...); generated once in embedded mode when unset. */
  ledgerKey?: string;
  ledgerOrigin: string;
  /** 32-byte AES key, base64; generated once in embedded mode when unset. */
  dataKey?: string;
  logLevel: string;
  /** Load the demo province on first start of `serve`. */
  demoOnFirstStart: boolean;
  /** Mark the session cookie Secure (set behind TLS). */
  secureCookies: boolean;
  sessionHours: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError(400, `PORT must be an integer 0..65535, got "${env.PORT}"`, { title: 'Bad configuration' });
  }
  const sessionHours = Number(env.PROBITY_SESSION_HOURS ?? 8);
  if (!(sessionHours > 0)) throw new AppError(400, 'PROBITY_SESSION_HOURS must be positive', { title: 'Bad configuration' });
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.PROBITY_DATA_DIR ?? './data'),
    ledgerKey: env.PROBITY_LEDGER_KEY || undefined,
    ledgerOrigin: env.PROBITY_LEDGER_ORIGIN ?? 'probity.local/ledger',
    dataKey: env.PROBITY_DATA_KEY || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    demoOnFirstStart: (env.PROBITY_DEMO ?? 'on') !== 'off',
    secureCookies: env.PROBITY_SECURE_COOKIES === 'on',
    sessionHours,
  };
}
