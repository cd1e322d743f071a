// Staff (政务人员) rules: encryption and masking of personal fields, lifecycle, scope, access log.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { conflict, notFound, validationFailed, type FieldError } from '../../lib/errors.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { sealValues, type Sealer, type SealPlan } from '../../lib/sealer.ts';
import { maskIdNumber, maskPhone } from '../../lib/identity.ts';
import { parseSort, type Page, type PageQuery } from '../../lib/pagination.ts';
import { authorize, type Principal, type Scope } from '../auth/principal.ts';
import { recordAccess } from '../audit/service.ts';
import { commitChanges } from './changes.ts';
import { emptyBatch, type BatchResult, type Numbered } from './batch.ts';
import { unitRefsByCode } from './repo.ts';
import { parseStaff, statusTransitionProblem, type StaffInput } from './rules.ts';
import { unitRefInScope } from './scope.ts';
import * as staffRepo from './staff-repo.ts';

export interface RegistryDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
}

export interface StaffView {
  code: string;
  name: string;
  unitCode: string;
  unitName: string;
  position: string;
  level: string;
  status: string;
  enteredOn: string | null;
  departedOn: string | null;
  idNumber: string | null;
  phone: string | null;
  version: number;
  updatedAt: string;
}

type StaffRecord = NonNullable<Awaited<ReturnType<typeof staffRepo.findStaff>>>;

function present(cipher: FieldCipher, row: StaffRecord, reveal: boolean): StaffView {
  const show = (enc: Uint8Array | null, mask: (s: string) => string) => {
    if (!enc) return null;
    const plain = cipher.decrypt(enc);
    return reveal ? plain : mask(plain);
  };
  return {
    code: row.code,
    name: row.name,
    unitCode: row.unit_code,
    unitName: row.unit_name,
    position: row.position,
    level: row.level,
    status: row.status,
    enteredOn: row.entered_on,
    departedOn: row.departed_on,
    idNumber: show(row.id_number_enc, maskIdNumber),
    phone: show(row.phone_enc, maskPhone),
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}

const visibility = (p: Principal): staffRepo.StaffVisibility => ({
  scope: p.scope,
  onlyStaffId: p.role === 'staff' ? (p.staffId ?? -1) : null,
});

const SORTS = { code: 'st.code', name: 'st.name', status: 'st.status', updatedAt: 'st.updated_at', unitCode: 'u.code' };

export async function listStaff(
  deps: RegistryDeps,
  principal: Principal | null,
  query: PageQuery & Omit<staffRepo.StaffFilter, 'page' | 'pageSize' | 'q'>,
): Promise<Page<StaffView>> {
  const p = authorize(principal, 'staff.read');
  const sort = parseSort(query.sort, SORTS, { column: 'st.code', direction: 'asc' });
  const { items, total } = await staffRepo.listStaff(deps.db, visibility(p), query, sort);
  return { items: items.map((r) => present(deps.cipher, r, false)), page: query.page, pageSize: query.pageSize, total };
}

/** A person's record. Every view is written to the access log; revealing needs a reason. */
export async function getStaff(deps: RegistryDeps, principal: Principal | null, code: string, opts: { reveal?: boolean; reason?: string } = {}) {
  const p = authorize(principal, 'staff.read');
  if (opts.reveal) {
    authorize(p, 'staff.reveal');
    if (!opts.reason?.trim()) throw validationFailed([{ path: '/querystring/reason', message: 'is required to reveal personal data' }]);
  }
  const row = await staffRepo.findStaff(deps.db, visibility(p), code);
  if (!row) throw notFound(`Staff ${code}`);
  await recordAccess(deps.db, p, { subjectType: 'staff', subjectId: row.id, action: opts.reveal ? 'reveal' : 'view', reason: opts.reason ?? null });
  return present(deps.cipher, row, Boolean(opts.reveal));
}

/** A checked input with its personal fields already encrypted and indexed: the CPU-heavy half of a write. */
export interface SealedStaff {
  input: StaffInput;
  fields: Pick<staffRepo.StaffRow, 'id_number_enc' | 'id_number_index' | 'phone_enc' | 'phone_index' | 'content_hmac'>;
}

// What sealing does with a staff row's values, in order (see SealPlan): encrypt the ID number, index
// it, encrypt the phone, and the keyed digest of the whole row's plaintext. The phone has no blind
// index (decision 87): nothing looks staff up by phone, and it was a third of sealing's HMACs.
const STAFF_PLAN: SealPlan = [null, 'id_number', null, 'staff_row'];
const STAFF_PLAN_WIDTH = STAFF_PLAN.length;

function putSealValues(values: (string | null)[], at: number, input: StaffInput): void {
  const digestOf = [input.code, input.name, input.unitCode, input.position, input.level, input.status, input.enteredOn, input.departedOn, input.idNumber, input.phone];
  values[at] = input.idNumber || null;
  values[at + 1] = input.idNumber || null;
  values[at + 2] = input.phone || null;
  values[at + 3] = JSON.stringify(digestOf);
}

function sealedFrom(input: StaffInput, sealed: (string | null)[], at: number): SealedStaff {
  return {
    input,
    fields: { id_number_enc: sealed[at]!, id_number_index: sealed[at + 1]!, phone_enc: sealed[at + 2]!, phone_index: null, content_hmac: sealed[at + 3]! },
  };
}

/**
 * Encrypts and indexes the personal fields and computes the row's keyed content digest. Kept apart
 * from the database write so bulk imports can seal the next batch while the previous one is written.
 */
export function sealStaff(cipher: FieldCipher, input: StaffInput): SealedStaff {
  const values: (string | null)[] = new Array(STAFF_PLAN_WIDTH);
  putSealValues(values, 0, input);
  return sealedFrom(input, sealValues(cipher, STAFF_PLAN, values), 0);
}

/** sealStaff for a batch, through a sealer (on bulk imports, a worker thread): the same fields. */
export async function sealStaffBatch(sealer: Sealer, inputs: readonly StaffInput[]): Promise<SealedStaff[]> {
  const values: (string | null)[] = new Array(inputs.length * STAFF_PLAN_WIDTH);
  for (let i = 0; i < inputs.length; i++) putSealValues(values, i * STAFF_PLAN_WIDTH, inputs[i]!);
  const sealed = await sealer.seal(STAFF_PLAN, values);
  return inputs.map((input, i) => sealedFrom(input, sealed, i * STAFF_PLAN_WIDTH));
}

function toStaffRow({ input, fields }: SealedStaff, unitId: number): staffRepo.StaffRow {
  return {
    code: input.code,
    name: input.name,
    unit_id: unitId,
    position: input.position,
    level: input.level,
    status: input.status,
    entered_on: input.enteredOn,
    departed_on: input.departedOn,
    id_number_enc: fields.id_number_enc,
    id_number_index: fields.id_number_index,
    phone_enc: fields.phone_enc,
    phone_index: fields.phone_index,
    content_hmac: fields.content_hmac,
  };
}

/** The stored row of a written staff record, every ledger column (bytes as base64, their canonical form). */
function storedForm(row: staffRepo.StaffRow, w: staffRepo.WrittenStaff): Record<string, unknown> {
  return {
    id: w.id, code: row.code, name: row.name, unit_id: row.unit_id, position: row.position, level: row.level, status: row.status,
    entered_on: row.entered_on, departed_on: row.departed_on, id_number_enc: row.id_number_enc, id_number_index: row.id_number_index,
    phone_enc: row.phone_enc, phone_index: row.phone_index, content_hmac: row.content_hmac,
    version: w.version, created_at: w.created_at, updated_at: w.updated_at,
  };
}

/**
 * Writes a batch of sealed staff inside the caller's transaction. Rows that reference an unknown or
 * out-of-scope unit, or an ID number that belongs to someone else, become row errors; every other row
 * is written. The caller guarantees codes are unique within the batch.
 */
export async function applyStaffBatch(trx: Transaction<DB> | Kysely<DB>, scope: Scope, items: Numbered<SealedStaff>[]): Promise<BatchResult> {
  const result = emptyBatch();
  const units = await unitRefsByCode(trx, [...new Set(items.map((i) => i.input.input.unitCode))]);
  const candidates: { item: Numbered<SealedStaff>; row: staffRepo.StaffRow }[] = [];
  for (const item of items) {
    const unit = units.get(item.input.input.unitCode);
    if (!unit || !unitRefInScope(unit, scope)) {
      result.errors.push({ row: item.row, field: 'unitCode', reason: `no unit with code ${item.input.input.unitCode} in your scope` });
      continue;
    }
    candidates.push({ item, row: toStaffRow(item.input, unit.id) });
  }
  const owners = await staffRepo.ownersOfIdNumbers(trx, candidates.flatMap((c) => (c.row.id_number_index ? [c.row.id_number_index] : [])));
  const rows: staffRepo.StaffRow[] = [];
  for (const c of candidates) {
    const owner = c.row.id_number_index ? owners.get(c.row.id_number_index) : undefined;
    if (owner && owner !== c.row.code) {
      result.errors.push({ row: c.item.row, field: 'idNumber', reason: `belongs to staff ${owner} already` });
      continue;
    }
    rows.push(c.row);
  }
  const written = await staffRepo.upsertStaff(trx, rows);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  result.changed = written.map((w) => ({
    type: 'staff' as const, id: w.id, code: w.code, version: w.version, inserted: w.inserted,
    // Exactly the stored row: the values sent (stored as given) and what the database added.
    stored: storedForm(byCode.get(w.code)!, w),
  }));
  result.unchanged = rows.length - written.length;
  return result;
}

function throwRowErrors(batch: BatchResult): void {
  if (batch.errors.length) {
    const errors: FieldError[] = batch.errors.map((e) => ({ path: `/body/${e.field}`, message: e.reason }));
    throw validationFailed(errors);
  }
}

function parseOrThrow(raw: Record<string, unknown>): StaffInput {
  const parsed = parseStaff(raw);
  if (!parsed.ok) throw validationFailed(parsed.errors.map((e) => ({ path: `/body/${e.path}`, message: e.message })));
  return parsed.value;
}

export async function createStaff(deps: RegistryDeps, principal: Principal | null, body: Record<string, unknown>) {
  const p = authorize(principal, 'registry.write');
  const input = parseOrThrow(body);
  return deps.db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('staff').select('id').where('code', '=', input.code).executeTakeFirst()) {
      throw conflict(`staff ${input.code} already exists`, [{ path: '/body/code', message: 'is already taken' }]);
    }
    const batch = await applyStaffBatch(trx, p.scope, [{ row: 1, input: sealStaff(deps.cipher, input) }]);
    throwRowErrors(batch);
    await commitChanges(trx, batch.changed);
    return input.code;
  });
}

export async function updateStaff(deps: RegistryDeps, principal: Principal | null, code: string, patch: Record<string, unknown>) {
  const p = authorize(principal, 'registry.write');
  return deps.db.transaction().execute(async (trx) => {
    const current = await staffRepo.findStaff(trx, visibility(p), code);
    if (!current) throw notFound(`Staff ${code}`);
    const base = present(deps.cipher, current, true);
    const input = parseOrThrow({ ...base, ...patch, code });
    const transition = statusTransitionProblem(current.status, input.status);
    if (transition) throw validationFailed([{ path: '/body/status', message: transition }]);
    const batch = await applyStaffBatch(trx, p.scope, [{ row: 1, input: sealStaff(deps.cipher, input) }]);
    throwRowErrors(batch);
    await commitChanges(trx, batch.changed);
    return code;
  });
}
