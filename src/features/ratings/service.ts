// Service ratings (好差评): the public rating, bulk ratings from external 好差评 systems, and the
// daily default rating. A 差评 (level 1–2, not defaulted) opens its rectification in the same
// transaction as the rating, so an acknowledged 差评 always has exactly one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { conflict, validationFailed, type FieldError } from '../../lib/errors.ts';
import { normalisePhone, phoneProblem } from '../../lib/identity.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { defaultCutoff, planDefaultScans, SETTLE_MS } from './default-scan.ts';
import { recordLedger, type RatingsLedgerRecord } from './ledger.ts';
import * as repo from './repo.ts';
import { MAX_COMMENT, MAX_TAG, MAX_TAGS, type RatingBody } from './schema.ts';
import { RATING_CHANNELS, type RatingChannel, type RatingOrigin } from './tables.ts';
import { writeRatings, type RatingWriter } from './writer.ts';

export interface RatingsDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
}

export const LEVEL_NAMES: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
export { isBadLevel } from './writer.ts';

const PHONE_PURPOSE = 'rating.phone';

// ---- shared checks ---------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

interface Sealed { nameEnc: Buffer | null; phoneEnc: Buffer | null; phoneIndex: Buffer | null }

function checkText(errors: FieldError[], path: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    errors.push({ path, message: 'must be a string' });
    return null;
  }
  const trimmed = value.trim();
  if ([...trimmed].length > max) errors.push({ path, message: `must be at most ${max} characters` });
  else if (CONTROL.test(trimmed)) errors.push({ path, message: 'must not contain control characters' });
  return trimmed || null;
}

function checkTags(errors: FieldError[], path: string, tags: unknown): string[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) {
    errors.push({ path, message: 'must be an array of strings' });
    return [];
  }
  if (tags.length > MAX_TAGS) errors.push({ path, message: `must have at most ${MAX_TAGS} items` });
  const out: string[] = [];
  tags.forEach((t, i) => {
    const v = typeof t === 'string' ? t.trim() : '';
    if (!v || [...v].length > MAX_TAG || CONTROL.test(v)) errors.push({ path: `${path}/${i}`, message: `must be a label of 1 to ${MAX_TAG} characters` });
    else if (out.includes(v)) errors.push({ path: `${path}/${i}`, message: 'repeats an earlier tag' });
    else out.push(v);
  });
  return out;
}

/** Encrypts a real-name rater; the phone is never echoed in an error. */
function sealRater(cipher: FieldCipher, errors: FieldError[], path: string, realName: { name?: unknown; phone?: unknown } | null | undefined): Sealed {
  if (!realName) return { nameEnc: null, phoneEnc: null, phoneIndex: null };
  const name = typeof realName.name === 'string' ? realName.name.trim() : '';
  if (!name || [...name].length > 50 || CONTROL.test(name)) errors.push({ path: `${path}/name`, message: 'must be a name of 1 to 50 characters' });
  const phone = typeof realName.phone === 'string' ? normalisePhone(realName.phone) : '';
  const problem = phoneProblem(phone);
  if (problem) errors.push({ path: `${path}/phone`, message: problem });
  if (errors.length) return { nameEnc: null, phoneEnc: null, phoneIndex: null };
  return { nameEnc: cipher.encrypt(name), phoneEnc: cipher.encrypt(phone), phoneIndex: cipher.blindIndex(PHONE_PURPOSE, phone) };
}

/** The blind index of a rater's phone, to find their ratings without decrypting. */
export const raterPhoneIndex = (cipher: FieldCipher, phone: string) => cipher.blindIndex(PHONE_PURPOSE, normalisePhone(phone));

const ledgerRecords = (type: RatingsLedgerRecord['type'], rows: repo.Row[]): RatingsLedgerRecord[] =>
  rows.map((row) => ({ type, key: String(row.id), version: Number(row.version), row }));

async function inTransaction<T>(db: Kysely<DB> | Transaction<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  return db.transaction().execute(fn);
}

// ---- public rating ---------------------------------------------------------------------------

/**
 * POST /api/public/ratings. Checks and seals the rating, then hands it to the group-commit writer:
 * one short transaction inserts it (looked up by transaction code), opens a rectification for a
 * 差评 and appends the ledger entries. The reply is sent after the commit, so an acknowledged
 * rating survives a crash. Without a writer in deps (tests, scripts) it is written on its own.
 */
export async function submitPublicRating(deps: RatingsDeps & { writer?: RatingWriter }, body: RatingBody, now = new Date()): Promise<{ ratingId: number }> {
  const errors: FieldError[] = [];
  const comment = checkText(errors, '/body/comment', body.comment, MAX_COMMENT);
  const tags = checkTags(errors, '/body/tags', body.tags);
  const sealed = sealRater(deps.cipher, errors, '/body/realName', body.realName);
  if (errors.length) throw validationFailed(errors);
  const rating: repo.BulkRating = { code: body.transactionCode, level: body.level, channel: body.channel ?? 'per_matter', ratedAt: now, comment, tags, ...sealed };
  const result = deps.writer
    ? await deps.writer.submit(rating)
    : (await deps.db.transaction().execute((trx) => writeRatings(trx, [rating], 'public', now, 'public'))).results[0]!;
  if (result.kind === 'unknown') {
    throw validationFailed([{ path: '/body/transactionCode', message: 'no service transaction has this code; check the code on your receipt' }]);
  }
  if (result.kind === 'rated') {
    throw conflict('This transaction has been rated already: every transaction is rated once, and a rating cannot be changed', [
      { path: '/body/transactionCode', message: 'has been rated already' },
    ]);
  }
  return { ratingId: Number(result.row.id) };
}

// ---- bulk ratings from external 好差评 systems ------------------------------------------------

export interface IngestRatingRow {
  transactionCode: string;
  level: number;
  channel: string;
  ratedAt: Date | string;
  comment?: string | null;
  tags?: string[] | null;
  realName?: { name: string; phone: string } | null;
}

export interface IngestRatingOutcome {
  /** Position of the row in the input array. */
  index: number;
  status: 'inserted' | 'unchanged' | 'rejected';
  ratingId?: number;
  /** For rejected rows: the field at fault and why (never a personal value). */
  field?: string;
  reason?: string;
}

export interface IngestRatingsResult {
  outcomes: IngestRatingOutcome[];
  inserted: number;
  unchanged: number;
  rejected: number;
  rectificationsOpened: number;
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Ratings from an external 好差评 system, e.g. a batch of an NDJSON ingest. Rows are checked one by
 * one; good rows are written set-based in one transaction (the caller's, when `db` is one).
 * Idempotent: a row equal to the stored rating of its transaction (level, channel, time, comment)
 * is 'unchanged'; a different rating of an already rated transaction is rejected. A 差评 opens its
 * rectification with deadlines counted from its ratedAt.
 */
export async function ingestRatings(
  deps: { db: Kysely<DB> | Transaction<DB>; cipher: FieldCipher },
  rows: readonly IngestRatingRow[],
  opts: { now?: Date; origin?: Extract<RatingOrigin, 'import'> } = {},
): Promise<IngestRatingsResult> {
  const now = opts.now ?? new Date();
  const outcomes: IngestRatingOutcome[] = new Array(rows.length);
  const good: { index: number; rating: repo.BulkRating }[] = [];
  const seen = new Set<string>();
  rows.forEach((r, index) => {
    const reject = (field: string, reason: string) => (outcomes[index] = { index, status: 'rejected', field, reason });
    const errors: FieldError[] = [];
    const code = typeof r.transactionCode === 'string' ? r.transactionCode.trim() : '';
    if (!code || code.length > 64 || /\s/.test(code)) errors.push({ path: 'transactionCode', message: 'must be a code of 1 to 64 characters without spaces' });
    if (!Number.isInteger(r.level) || r.level < 1 || r.level > 5) errors.push({ path: 'level', message: 'must be an integer from 1 to 5' });
    if (!(RATING_CHANNELS as readonly string[]).includes(r.channel)) errors.push({ path: 'channel', message: `must be one of ${RATING_CHANNELS.join(', ')}` });
    const ratedAt = r.ratedAt instanceof Date ? r.ratedAt : new Date(typeof r.ratedAt === 'string' ? r.ratedAt : NaN);
    if (Number.isNaN(ratedAt.getTime())) errors.push({ path: 'ratedAt', message: 'must be a date-time (RFC 3339)' });
    else if (ratedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) errors.push({ path: 'ratedAt', message: 'is in the future' });
    const comment = checkText(errors, 'comment', r.comment, MAX_COMMENT);
    const tags = checkTags(errors, 'tags', r.tags);
    const sealed = sealRater(deps.cipher, errors, 'realName', r.realName);
    if (errors.length) return reject(errors[0]!.path, errors[0]!.message);
    if (seen.has(code)) return reject('transactionCode', 'appears twice in this batch (one rating per transaction)');
    seen.add(code);
    good.push({ index, rating: { code, level: r.level, channel: r.channel as RatingChannel, ratedAt, comment, tags, ...sealed } });
  });

  let rectificationsOpened = 0;
  if (good.length) {
    await inTransaction(deps.db, async (trx) => {
      const written = await writeRatings(trx, good.map((g) => g.rating), opts.origin ?? 'import', now, 'import');
      rectificationsOpened = written.rectificationsOpened;
      good.forEach(({ index, rating }, i) => {
        const r = written.results[i]!;
        if (r.kind === 'inserted') outcomes[index] = { index, status: 'inserted', ratingId: Number(r.row.id) };
        else if (r.kind === 'unknown') outcomes[index] = { index, status: 'rejected', field: 'transactionCode', reason: 'no service transaction has this code' };
        else if (sameRating(r.existing, rating)) outcomes[index] = { index, status: 'unchanged', ratingId: Number(r.existing.id) };
        else outcomes[index] = { index, status: 'rejected', field: 'transactionCode', reason: 'the transaction has been rated already with a different rating' };
      });
    });
  }
  const count = (s: IngestRatingOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { outcomes, inserted: count('inserted'), unchanged: count('unchanged'), rejected: count('rejected'), rectificationsOpened };
}

function sameRating(e: repo.ExistingRating, r: repo.BulkRating): boolean {
  return e.level === r.level && e.channel === r.channel && e.rated_at?.getTime() === r.ratedAt.getTime() && (e.comment ?? null) === r.comment;
}

// ---- default ratings -------------------------------------------------------------------------

export interface DefaultRatingOptions {
  /** Days after completion without a rating (default 7). */
  afterDays: number;
  /** The level applied (default 3 基本满意). */
  level: number;
  /** Rows per transaction (default 5,000): keeps each transaction short on a big backlog. */
  batchSize?: number;
  /** Look at every completed transaction, not only those since the last run's mark (default-scan.ts). */
  full?: boolean;
}

/**
 * The daily default-rating job (默认评价): every completed transaction without a rating `afterDays`
 * days after completion gets `level` with defaulted = true, rated at completion + afterDays.
 * Set-based, in batches, idempotent. Defaulted ratings never open a rectification. A finished run
 * leaves a mark so the next looks only at what may have changed since (default-scan.ts).
 */
export async function applyDefaultRatings(db: Kysely<DB>, now: Date, opts: DefaultRatingOptions): Promise<{ rated: number }> {
  const limit = opts.batchSize ?? 5000;
  const cutoff = defaultCutoff(now, opts.afterDays);
  const settled = await repo.settledTransactionId(db, new Date(Date.now() - SETTLE_MS));
  let rated = 0;
  for (const scan of planDefaultScans(await repo.loadDefaultScanMark(db), cutoff, opts.full)) {
    for (;;) {
      const n = await db.transaction().execute(async (trx) => {
        const rows = await repo.insertDefaultRatings(trx, { now, afterDays: opts.afterDays, level: opts.level, limit, scan });
        await recordLedger(trx, ledgerRecords('rating', rows));
        return rows.length;
      });
      rated += n;
      if (n < limit) break;
    }
  }
  await repo.saveDefaultScanMark(db, { completedThrough: cutoff, idThrough: settled });
  return { rated };
}

/** POST /api/ratings/default-run: an administrator runs the job now. */
export async function runDefaultRatings(db: Kysely<DB>, principal: Principal | null, defaults: { afterDays: number; level: number }, body: { afterDays?: number; level?: number; full?: boolean }, now = new Date()) {
  authorize(principal, 'ratings.default_run');
  const afterDays = body.afterDays ?? defaults.afterDays;
  const level = body.level ?? defaults.level;
  const full = body.full ?? false;
  const { rated } = await applyDefaultRatings(db, now, { afterDays, level, full });
  return { rated, afterDays, level, full, ranAt: now.toISOString() };
}
