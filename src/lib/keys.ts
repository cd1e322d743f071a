// Keys come from the environment; in embedded mode a missing key is generated once into the data
// directory with mode 0600 so a newcomer's first start needs no setup.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from './errors.ts';

export function keyFile(dataDir: string, name: string): string {
  return path.join(dataDir, 'keys', name);
}

/** Reads a key from the env value, else from its file, else generates it (embedded mode only). */
export function loadOrCreateKey(opts: {
  envValue?: string;
  envName: string;
  dataDir: string;
  fileName: string;
  embedded: boolean;
  generate: () => string;
}): string {
  if (opts.envValue) return opts.envValue.trim();
  const file = keyFile(opts.dataDir, opts.fileName);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  if (!opts.embedded) {
    throw new AppError(400, `${opts.envName} must be set when DATABASE_URL is set`, { title: 'Bad configuration' });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = opts.generate();
  // 'wx' fails if another process created it first; then we read theirs.
  try {
    fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8').trim();
  }
  return value;
}

export function parseDataKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new AppError(400, 'PROBITY_DATA_KEY must be 32 bytes encoded in base64', { title: 'Bad configuration' });
  }
  return key;
}

export const generateDataKey = () => crypto.randomBytes(32).toString('base64');
