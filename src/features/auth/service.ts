// Sign-in rules: password check with lockout, sessions, bearer tokens, user and token creation.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { AppError, conflict, unauthorized, validationFailed, type FieldError } from '../../lib/errors.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.ts';
import { recordToLedger } from '../registry/ledger-types.ts';
import * as repo from './repo.ts';
import { ROLES, TOKEN_ROLES, type Principal, type Role, type Scope } from './principal.ts';

export interface AuthDeps {
  db: Kysely<DB>;
  sessionHours: number;
}

export const LOCK_THRESHOLD = 5; // consecutive failures before a temporary lockout
export const LOCK_MINUTES = 15;
const MIN_PASSWORD = 8;

// Verifying against this when the user is unknown keeps the timing of both failures alike.
let dummyHash: Promise<string> | undefined;

export async function login(deps: AuthDeps, username: string, password: string, now = new Date()) {
  const user = await repo.findUserByUsername(deps.db, username);
  if (!user || user.disabled) {
    await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-password')));
    throw unauthorized('用户名或密码错误 (wrong username or password)');
  }
  if (user.locked_until && user.locked_until > now) {
    throw lockedError(user.locked_until, now);
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    const after = await repo.recordLoginFailure(deps.db, user.id, LOCK_THRESHOLD, lockUntil);
    if (after.locked_until && after.locked_until > now) throw lockedError(after.locked_until, now);
    throw unauthorized('用户名或密码错误 (wrong username or password)');
  }
  await repo.recordLoginSuccess(deps.db, user.id);
  const token = randomToken('ps');
  const expiresAt = new Date(now.getTime() + deps.sessionHours * 3600_000);
  await repo.insertSession(deps.db, sha256Hex(token), user.id, expiresAt);
  return { token, expiresAt, user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role } };
}

function lockedError(until: Date, now: Date): AppError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new AppError(429, `账户已临时锁定，请 ${minutes} 分钟后再试 (account locked for ${minutes} more minute(s) after repeated failures)`, {
    title: 'Account Locked',
  });
}

export async function logout(deps: AuthDeps, token: string) {
  await repo.deleteSession(deps.db, sha256Hex(token));
}

function scopeOf(row: { scope_region_id: number | null; scope_unit_id: number | null; region_path: string | null; unit_path: string | null }): Scope {
  if (row.scope_unit_id && row.unit_path) return { kind: 'unit', unitId: row.scope_unit_id, path: row.unit_path };
  if (row.scope_region_id && row.region_path) return { kind: 'region', regionId: row.scope_region_id, path: row.region_path };
  return { kind: 'all' };
}

export async function principalFromSession(deps: AuthDeps, token: string, now = new Date()): Promise<Principal | null> {
  const row = await repo.findSessionUser(deps.db, sha256Hex(token));
  if (!row || row.disabled || row.expires_at <= now) return null;
  return { kind: 'user', id: row.id, name: row.username, role: row.role as Role, scope: scopeOf(row), staffId: row.staff_id };
}

export async function principalFromBearer(deps: AuthDeps, token: string): Promise<Principal | null> {
  const row = await repo.findToken(deps.db, sha256Hex(token));
  if (!row) return null;
  await repo.touchToken(deps.db, row.id);
  return { kind: 'token', id: row.id, name: row.name, role: row.role as Role, scope: { kind: 'all' }, staffId: null };
}

export interface NewUser {
  username: string;
  password: string;
  role: string;
  displayName?: string;
  scopeCode?: string;
  staffCode?: string;
}

export async function addUser(deps: Pick<AuthDeps, 'db'>, input: NewUser) {
  const errors: FieldError[] = [];
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(input.username)) errors.push({ path: 'username', message: 'must be 2–64 letters, digits, _ . -' });
  if (input.password.length < MIN_PASSWORD) errors.push({ path: 'password', message: `must be at least ${MIN_PASSWORD} characters` });
  if (!(ROLES as readonly string[]).includes(input.role)) errors.push({ path: 'role', message: `must be one of ${ROLES.join(', ')}` });
  let regionId: number | null = null;
  let unitId: number | null = null;
  let staffId: number | null = null;
  if (input.scopeCode) {
    const unit = await deps.db.selectFrom('units').select('id').where('code', '=', input.scopeCode).executeTakeFirst();
    const region = unit ? undefined : await deps.db.selectFrom('regions').select('id').where('code', '=', input.scopeCode).executeTakeFirst();
    if (unit) unitId = unit.id;
    else if (region) regionId = region.id;
    else errors.push({ path: 'scope', message: `no unit or region has code ${input.scopeCode}` });
  }
  if (input.staffCode) {
    const staff = await deps.db.selectFrom('staff').select('id').where('code', '=', input.staffCode).executeTakeFirst();
    if (staff) staffId = staff.id;
    else errors.push({ path: 'staff', message: `no staff member has code ${input.staffCode}` });
  }
  if (input.role === 'staff' && !input.staffCode) errors.push({ path: 'staff', message: 'a staff account must be linked to a staff record' });
  if (errors.length) throw validationFailed(errors);
  if (await repo.findUserByUsername(deps.db, input.username)) throw conflict(`user ${input.username} already exists`);
  const passwordHash = await hashPassword(input.password);
  // The account and its ledger entry commit together.
  const user = await deps.db.transaction().execute(async (trx) => {
    const row = await repo.insertUser(trx, {
      username: input.username,
      display_name: input.displayName ?? input.username,
      password_hash: passwordHash,
      role: input.role,
      scope_region_id: regionId,
      scope_unit_id: unitId,
      staff_id: staffId,
    });
    await recordToLedger(trx, 'user', [row.id]);
    return row;
  });
  return { id: user.id, username: user.username, role: user.role };
}

export async function addToken(deps: Pick<AuthDeps, 'db'>, input: { name: string; role: string }) {
  const errors: FieldError[] = [];
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(input.name)) errors.push({ path: 'name', message: 'must be 2–64 letters, digits, _ . -' });
  if (!(TOKEN_ROLES as readonly string[]).includes(input.role)) errors.push({ path: 'role', message: `must be one of ${TOKEN_ROLES.join(', ')}` });
  if (errors.length) throw validationFailed(errors);
  const token = randomToken('pt');
  try {
    const row = await repo.insertToken(deps.db, { name: input.name, token_hash: sha256Hex(token), role: input.role });
    return { ...row, token };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict(`a token named ${input.name} already exists`);
    throw err;
  }
}
