// The log's signing key: PROBITY_LEDGER_KEY, or in embedded mode a key generated once into the
// data directory (keys/ledger.key, mode 0600) so a first start needs no setup.
import type { Config } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { loadOrCreateKey } from '../lib/keys.ts';
import { keygen, NoteError, parseSignerKey, type Signer } from './note.ts';

const cache = new Map<string, Signer>();

export function ledgerSigner(config: Pick<Config, 'ledgerKey' | 'ledgerOrigin' | 'dataDir' | 'databaseUrl'>): Signer {
  const cacheKey = `${config.ledgerKey ?? ''}\0${config.dataDir}\0${config.ledgerOrigin}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const value = loadOrCreateKey({
    envValue: config.ledgerKey,
    envName: 'PROBITY_LEDGER_KEY',
    dataDir: config.dataDir,
    fileName: 'ledger.key',
    embedded: !config.databaseUrl,
    generate: () => keygen(config.ledgerOrigin).signerKey,
  });
  let signer: Signer;
  try {
    signer = parseSignerKey(value);
  } catch (err) {
    throw new AppError(400, `PROBITY_LEDGER_KEY: ${(err as NoteError).message}`, { title: 'Bad configuration' });
  }
  // The checkpoint's origin line must equal the key name (CONTRACTS.md), so both come from one place.
  if (signer.name !== config.ledgerOrigin) {
    throw new AppError(400, `the ledger key is named ${JSON.stringify(signer.name)} but PROBITY_LEDGER_ORIGIN is ${JSON.stringify(config.ledgerOrigin)}; they must be equal`, { title: 'Bad configuration' });
  }
  cache.set(cacheKey, signer);
  return signer;
}
