// Every kind of record the ledger holds, gathered from the features that write them: what the proof
// endpoint (/api/ledger/records/<type>/<id>) and `probity ledger verify --database` walk. A feature
// that commits a new kind of record adds its definitions here.
import { validationFailed } from '../lib/errors.ts';
import { CASES_LEDGER_TYPES } from '../features/cases/ledger-types.ts';
import { CALENDAR_LEDGER_TYPES } from '../features/calendar/ledger-types.ts';
import { EVIDENCE_LEDGER_TYPES } from '../features/ingest/ledger-types.ts';
import { INTEGRITY_LEDGER_TYPES } from '../features/integrity/ledger-types.ts';
import { RATINGS_LEDGER_TYPES } from '../features/ratings/ledger-types.ts';
import { REGISTRY_LEDGER_TYPES } from '../features/registry/ledger-types.ts';
import { SCORING_LEDGER_TYPES } from '../features/scoring/ledger-types.ts';
import type { LedgerTypeDef } from './record-types.ts';

const ALL: readonly LedgerTypeDef[] = [
  ...Object.values(REGISTRY_LEDGER_TYPES),
  ...Object.values(CALENDAR_LEDGER_TYPES),
  ...Object.values(EVIDENCE_LEDGER_TYPES),
  ...Object.values(RATINGS_LEDGER_TYPES),
  ...Object.values(SCORING_LEDGER_TYPES),
  ...Object.values(CASES_LEDGER_TYPES),
  ...Object.values(INTEGRITY_LEDGER_TYPES),
];

export const LEDGER_TYPES: Readonly<Record<string, LedgerTypeDef>> = Object.fromEntries(ALL.map((d) => [d.type, d]));
export const LEDGER_RECORD_TYPES: readonly string[] = ALL.map((d) => d.type);

export function ledgerType(type: string): LedgerTypeDef {
  const def = LEDGER_TYPES[type];
  if (!def) throw validationFailed([{ path: '/params/type', message: `must be one of ${LEDGER_RECORD_TYPES.join(', ')}` }]);
  return def;
}
