// Creating cases: the public report (随手拍, anonymous with a receipt code or real-name), cases staff
// enter from letters, the hotline and visits, and Open311 requests all end in createCase, which routes
// the case (首接负责), classifies it, starts the first-response clock and commits it to the ledger.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { validationFailed, type FieldError } from '../../lib/errors.ts';
import { normalisePhone, phoneProblem } from '../../lib/identity.ts';
import { classifyCase, CONDUCT_CATEGORIES } from './classify.ts';
import type { MediaStore } from './media.ts';
import { hashReceipt, newReceiptCode } from './receipt.ts';
import { writeCases, type CaseWriter, type PreparedCase } from './writer.ts';
import * as repo from './repo.ts';
import type { CasesSettings } from './settings.ts';
import type { CaseChannel } from './tables.ts';

export interface CasesDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
  settings: CasesSettings;
  media: MediaStore;
  /** Group commit of new cases; without it (tests, scripts) each case is its own transaction. */
  writer?: CaseWriter;
}

export const MAX_TEXT = 4000;

export interface NewCase {
  text?: string;
  category?: string;
  subjectUnitCode?: string;
  subjectStaffCode?: string;
  lat?: string | number;
  long?: string | number;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  reporterEmail?: string;
}

/** A stored file ready to be attached: already in the media store. */
export interface AttachedMedia {
  kind: 'image' | 'video' | 'link';
  mime: string;
  sha256: string | null;
  thumbSha256: string | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  url: string | null;
}

export interface CheckedCase {
  text: string;
  category: string | undefined;
  subjectUnitId: number | null;
  subjectStaffId: number | null;
  unitId: number;
  lat: number | null;
  long: number | null;
  address: string | null;
  reporter: { name: string; phone: string | null; email: string | null } | null;
}

function num(v: string | number | undefined): number | null | undefined {
  if (v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Checks the fields of a new case and resolves its units. `prefix` is where the fields live in the
 * request (/body). Every problem is reported at once.
 */
export async function checkNewCase(deps: Pick<CasesDeps, 'db' | 'settings'>, input: NewCase, opts: { realName: boolean; prefix?: string; fieldNames?: Partial<Record<keyof NewCase, string>> }): Promise<CheckedCase> {
  const prefix = opts.prefix ?? '/body';
  const name = (k: keyof NewCase) => `${prefix}/${opts.fieldNames?.[k] ?? k}`;
  const errors: FieldError[] = [];
  const text = input.text?.trim() ?? '';
  if (!text) errors.push({ path: name('text'), message: 'is required: say what happened (请描述问题)' });
  else if ([...text].length > MAX_TEXT) errors.push({ path: name('text'), message: `must be at most ${MAX_TEXT} characters` });
  const category = input.category?.trim() || undefined;
  if (category && !(CONDUCT_CATEGORIES as readonly string[]).includes(category)) errors.push({ path: name('category'), message: `must be one of ${CONDUCT_CATEGORIES.join(', ')}` });
  const lat = num(input.lat);
  const long = num(input.long);
  if (lat === undefined || (lat !== null && (lat < -90 || lat > 90))) errors.push({ path: name('lat'), message: 'must be a latitude from -90 to 90' });
  if (long === undefined || (long !== null && (long < -180 || long > 180))) errors.push({ path: name('long'), message: 'must be a longitude from -180 to 180' });
  if ((lat === null) !== (long === null) && lat !== undefined && long !== undefined) errors.push({ path: name(lat === null ? 'lat' : 'long'), message: 'lat and long go together' });
  const address = input.address?.trim() || null;
  if (address && [...address].length > 500) errors.push({ path: name('address'), message: 'must be at most 500 characters' });

  let subjectUnitId: number | null = null;
  let subjectStaffId: number | null = null;
  let unitId: number | undefined;
  if (input.subjectStaffCode?.trim()) {
    const s = await repo.staffByCode(deps.db, input.subjectStaffCode.trim());
    if (!s) errors.push({ path: name('subjectStaffCode'), message: 'no such person' });
    else { subjectStaffId = s.id; unitId = s.unit_id; subjectUnitId = s.unit_id; }
  }
  if (input.subjectUnitCode?.trim()) {
    const u = await repo.unitByCode(deps.db, input.subjectUnitCode.trim());
    if (!u) errors.push({ path: name('subjectUnitCode'), message: 'no such unit' });
    else if (subjectStaffId && subjectUnitId !== u.id) errors.push({ path: name('subjectUnitCode'), message: 'the person does not work in this unit' });
    else { subjectUnitId = u.id; unitId = u.id; }
  }
  unitId ??= await repo.intakeUnit(deps.db, deps.settings.intakeUnitCode);
  if (unitId === undefined) errors.push({ path: name('subjectUnitCode'), message: 'there is no unit to route the case to yet' });

  let reporter: CheckedCase['reporter'] = null;
  if (opts.realName) {
    const rname = input.reporterName?.trim();
    if (!rname) errors.push({ path: name('reporterName'), message: 'is required for a real-name report' });
    else if ([...rname].length > 50) errors.push({ path: name('reporterName'), message: 'must be at most 50 characters' });
    let phone: string | null = null;
    if (input.reporterPhone?.trim()) {
      phone = normalisePhone(input.reporterPhone);
      const problem = phoneProblem(phone);
      if (problem) errors.push({ path: name('reporterPhone'), message: problem });
    }
    const email = input.reporterEmail?.trim() || null;
    if (email && !/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)) errors.push({ path: name('reporterEmail'), message: 'is not an e-mail address' });
    if (!phone && !email && rname) errors.push({ path: name('reporterPhone'), message: 'a real-name report needs a phone number or an e-mail to be revisited' });
    reporter = { name: rname ?? '', phone, email };
  }
  if (errors.length) throw validationFailed(errors);
  return { text, category, subjectUnitId, subjectStaffId, unitId: unitId!, lat: lat ?? null, long: long ?? null, address, reporter };
}

export interface Created {
  id: number;
  receiptCode: string | null;
  open311Token: string | null;
  row: repo.StoredCase;
}

export interface CreateOptions {
  channel: CaseChannel;
  anonymousReceipt: boolean;
  media: AttachedMedia[];
  actor: { userId: number | null; role: string };
  now?: Date;
  open311Token?: boolean;
}

/**
 * Everything about a new case that needs no database: its classification, receipt code (and slow
 * hash), Open311 token and sealed personal fields. Done before the write, outside any transaction.
 */
export async function prepareCase(deps: CasesDeps, c: CheckedCase, opts: CreateOptions): Promise<PreparedCase> {
  const now = opts.now ?? new Date();
  const classified = classifyCase(c.text);
  const receipt = opts.anonymousReceipt ? newReceiptCode() : null;
  const receiptHash = receipt ? await hashReceipt(receipt.code, deps.settings.receiptScryptN) : null;
  const token = opts.open311Token ? crypto.randomBytes(12).toString('base64url') : null;
  const { cipher } = deps;
  return {
    receiptCode: receipt?.code ?? null,
    values: {
      receipt_id: receipt?.receiptId ?? null,
      receipt_hash: receiptHash,
      open311_token: token,
      channel: opts.channel,
      status: 'submitted',
      text: c.text,
      category: c.category ?? classified.category,
      category_confidence: c.category ? 1 : classified.confidence,
      category_source: c.category ? 'reporter' : 'classifier',
      classifier_category: classified.category,
      subject_unit_id: c.subjectUnitId,
      subject_staff_id: c.subjectStaffId,
      unit_id: c.unitId,
      lat: c.lat,
      long: c.long,
      address: c.address,
      real_name: c.reporter !== null,
      reporter_name_enc: c.reporter ? cipher.encrypt(c.reporter.name) : null,
      reporter_phone_enc: c.reporter?.phone ? cipher.encrypt(c.reporter.phone) : null,
      reporter_phone_index: c.reporter?.phone ? cipher.blindIndex('case.reporter_phone', c.reporter.phone) : null,
      reporter_email_enc: c.reporter?.email ? cipher.encrypt(c.reporter.email) : null,
      submitted_at: now,
      // first_response_due and deadline: set by the repo from the configured hours.
      first_response_due: now,
    },
    media: opts.media,
    actor: opts.actor,
  };
}

/**
 * Writes a checked case with its media, first event and ledger entries in one transaction: through
 * the group-commit writer when deps has one (the server's public intake), else on its own.
 */
export async function createCase(deps: CasesDeps, c: CheckedCase, opts: CreateOptions): Promise<Created> {
  const prepared = await prepareCase(deps, c, opts);
  const row = deps.writer
    ? await deps.writer.submit(prepared)
    : (await deps.db.transaction().execute((trx) => writeCases(trx, [prepared], deps.settings.firstResponseHours)))[0]!;
  return { id: Number(row.id), receiptCode: prepared.receiptCode, open311Token: row.open311_token, row };
}
