// Ledger entries (存证条目). An entry commits to one version of one record and holds no personal
// data — only identifiers, a time and a digest — so the whole log can be public. One line of
// ASCII text, so entries are readable with `cut`/`awk` and trivially re-implementable:
//
//   probity/v1 <type> <id> <version> <time> <sha256>\n
//
// type     /^[a-z][a-z0-9_.-]{0,63}$/        e.g. "unit", "staff", "case.event"
// id       /^[A-Za-z0-9._:@-]{1,128}$/, not "." or ".."   the record's id (UUID, code, …); no spaces or '/'
//          (any registry code, which may begin with _ . -, is an id as it is; see docs/ledger.md)
// version  decimal integer ≥ 1, no leading zeros; each change of a record gets the next version
// time     RFC 3339 UTC with milliseconds, exactly as Date#toISOString: 2024-05-01T08:30:00.000Z
// sha256   lowercase hex SHA-256 of the record's canonical JSON (see canonical.ts)
import { recordDigest } from './canonical.ts';

export const ENTRY_PREFIX = 'probity/v1';

export interface LedgerEntry {
  type: string;
  id: string;
  version: number;
  time: Date;
  /** Lowercase hex SHA-256 of the record's canonical form. */
  digest: string;
}

export class EntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntryError';
  }
}

export const TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
// "." and ".." are refused because an id is also a URL path segment (/api/ledger/records/<type>/<id>).
export const ID_PATTERN = /^(?!\.\.?$)[A-Za-z0-9._:@-]{1,128}$/;
const VERSION_PATTERN = /^[1-9][0-9]{0,15}$/;
const TIME_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

// Entries of one batch share their time: the last one checked and formatted is kept.
let lastTime = Number.NaN;
let lastIso = '';

/** Checks an entry's fields; returns its time as the entry writes it. */
function validate(e: LedgerEntry): string {
  if (!TYPE_PATTERN.test(e.type)) throw new EntryError(`bad record type ${JSON.stringify(e.type)}`);
  if (!ID_PATTERN.test(e.id)) throw new EntryError(`bad record id ${JSON.stringify(e.id)}`);
  if (!Number.isSafeInteger(e.version) || e.version < 1) throw new EntryError(`bad version ${e.version}`);
  const t = e.time instanceof Date ? e.time.getTime() : Number.NaN;
  if (t !== lastTime) {
    const iso = Number.isNaN(t) ? '' : e.time.toISOString();
    if (!TIME_PATTERN.test(iso)) throw new EntryError('bad time (must be a valid Date in years 0000–9999)');
    lastTime = t;
    lastIso = iso;
  }
  if (!DIGEST_PATTERN.test(e.digest)) throw new EntryError('digest must be 64 lowercase hex digits');
  return lastIso;
}

/** The entry line as text (pure ASCII): what encodeEntry encodes, for writers that send text. */
export function entryLine(e: LedgerEntry): string {
  const time = validate(e);
  return `${ENTRY_PREFIX} ${e.type} ${e.id} ${e.version} ${time} ${e.digest}\n`;
}

/** The entry line as UTF-8 bytes (pure ASCII in fact). */
export function encodeEntry(e: LedgerEntry): Buffer {
  return Buffer.from(entryLine(e), 'utf8');
}

/** Parses and validates an entry; accepts only the exact form encodeEntry produces. */
export function parseEntry(bytes: Uint8Array | string): LedgerEntry {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1');
  if (!text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) throw new EntryError('entry must be one line ending in a newline');
  const fields = text.slice(0, -1).split(' ');
  if (fields.length !== 6 || fields[0] !== ENTRY_PREFIX) throw new EntryError(`entry must be "${ENTRY_PREFIX} <type> <id> <version> <time> <sha256>"`);
  const [, type, id, version, time, digest] = fields as [string, string, string, string, string, string];
  if (!VERSION_PATTERN.test(version)) throw new EntryError(`bad version ${JSON.stringify(version)}`);
  if (!TIME_PATTERN.test(time)) throw new EntryError(`bad time ${JSON.stringify(time)}`);
  const date = new Date(time);
  // Rejects impossible dates such as 2024-02-30 that Date would silently roll over.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== time) throw new EntryError(`bad time ${JSON.stringify(time)}`);
  const entry = { type, id, version: Number(version), time: date, digest };
  validate(entry);
  return entry;
}

/** The entry for a record value: digest = SHA-256 of its canonical JSON. */
export function entryForRecord(type: string, id: string, version: number, time: Date, record: unknown): LedgerEntry {
  return { type, id, version, time, digest: recordDigest(record) };
}
