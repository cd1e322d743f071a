import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export async function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Executor, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordLoginFailure(db: Executor, userId: number, lockThreshold: number, lockUntil: Date) {
  return db
    .updateTable('users')
    .set((eb) => ({
      failed_logins: eb('failed_logins', '+', 1),
      locked_until: eb.case().when('failed_logins', '>=', lockThreshold - 1).then(lockUntil).else(eb.ref('locked_until')).end(),
    }))
    .where('id', '=', userId)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export async function recordLoginSuccess(db: Executor, userId: number) {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function insertSession(db: Executor, tokenHash: string, userId: number, expiresAt: Date) {
  await db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt }).execute();
}

export async function deleteSession(db: Executor, tokenHash: string) {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Executor) {
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
}

/** The session's user with the path of their scope, in one round trip. */
export async function findSessionUser(db: Executor, tokenHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('regions as r', 'r.id', 'u.scope_region_id')
    .leftJoin('units as un', 'un.id', 'u.scope_unit_id')
    .select([
      'u.id', 'u.username', 'u.role', 'u.disabled', 'u.staff_id', 'u.scope_region_id', 'u.scope_unit_id',
      'r.path as region_path', 'un.path as unit_path', 's.expires_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function scopePaths(db: Executor, regionId: number | null, unitId: number | null) {
  const region = regionId ? await db.selectFrom('regions').select('path').where('id', '=', regionId).executeTakeFirst() : undefined;
  const unit = unitId ? await db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirst() : undefined;
  return { regionPath: region?.path ?? null, unitPath: unit?.path ?? null };
}

export async function findToken(db: Executor, tokenHash: string) {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function touchToken(db: Executor, id: number) {
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}

export async function insertToken(db: Executor, values: { name: string; token_hash: string; role: string }) {
  return db.insertInto('api_tokens').values(values).returning(['id', 'name', 'role', 'created_at']).executeTakeFirstOrThrow();
}

export async function insertUser(
  db: Executor,
  values: { username: string; display_name: string; password_hash: string; role: string; scope_region_id: number | null; scope_unit_id: number | null; staff_id: number | null },
) {
  return db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateUserPassword(db: Executor, id: number, passwordHash: string) {
  await db.updateTable('users').set((eb) => ({ password_hash: passwordHash, version: eb('version', '+', 1), updated_at: new Date() })).where('id', '=', id).execute();
}

export async function listUsers(db: Executor) {
  return db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'scope_region_id', 'scope_unit_id', 'staff_id', 'disabled']).orderBy('id').execute();
}
