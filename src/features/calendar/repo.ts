// SQL of the working-day calendar: the only place that reads or writes calendar_days.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { CalendarDayKind } from './tables.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface CalendarDayRow {
  id: number;
  day: string;
  kind: CalendarDayKind;
  name: string;
  deleted: boolean;
  version: number;
  updated_by_username: string | null;
  updated_at: Date;
}

const columns = ['c.id', 'c.day', 'c.kind', 'c.name', 'c.deleted', 'c.version', 'c.updated_at', 'u.username as updated_by_username'] as const;

const withUser = (db: Executor) => db.selectFrom('calendar_days as c').leftJoin('users as u', 'u.id', 'c.updated_by');

/** Every live exception: what the in-memory calendar is built from. */
export async function allLiveDays(db: Executor): Promise<{ day: string; kind: CalendarDayKind }[]> {
  return db.selectFrom('calendar_days').select(['day', 'kind']).where('deleted', '=', false).orderBy('day').execute();
}

export async function liveDaysInRange(db: Executor, from: string, to: string): Promise<CalendarDayRow[]> {
  return withUser(db).select(columns).where('c.deleted', '=', false).where('c.day', '>=', from).where('c.day', '<=', to).orderBy('c.day').execute();
}

/** Years that have at least one live exception: the years the calendar was actually filled in for. */
export async function coveredYears(db: Executor): Promise<number[]> {
  const rows = await db.selectFrom('calendar_days')
    .select((eb) => eb.fn<number>('date_part', [eb.val('year'), eb.ref('day')]).as('year'))
    .where('deleted', '=', false).groupBy('year').orderBy('year').execute();
  return rows.map((r) => Number(r.year));
}

export async function findDay(db: Executor, day: string): Promise<CalendarDayRow | undefined> {
  return withUser(db).select(columns).where('c.day', '=', day).executeTakeFirst();
}

export async function findDays(db: Executor, days: string[]) {
  if (!days.length) return [];
  return db.selectFrom('calendar_days').select(['id', 'day', 'kind', 'name', 'deleted', 'version']).where('day', 'in', days).execute();
}

export type Change = 'inserted' | 'updated' | 'unchanged';

/**
 * Sets a day's exception. Unchanged content (live, same kind and name) writes nothing; otherwise the
 * version goes up (a deleted day comes back as a new version of the same record).
 */
export async function upsertDay(db: Executor, v: { day: string; kind: CalendarDayKind; name: string; userId: number | null }): Promise<{ id: number; version: number; change: Change }> {
  const existing = await db.selectFrom('calendar_days').select(['id', 'kind', 'name', 'deleted', 'version']).where('day', '=', v.day).forUpdate().executeTakeFirst();
  if (existing) {
    if (!existing.deleted && existing.kind === v.kind && existing.name === v.name) return { id: existing.id, version: existing.version, change: 'unchanged' };
    const row = await db.updateTable('calendar_days')
      .set((eb) => ({ kind: v.kind, name: v.name, deleted: false, updated_by: v.userId, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', existing.id).returning(['id', 'version']).executeTakeFirstOrThrow();
    return { ...row, change: 'updated' };
  }
  const row = await db.insertInto('calendar_days').values({ day: v.day, kind: v.kind, name: v.name, updated_by: v.userId })
    .onConflict((oc) => oc.column('day').doNothing()).returning(['id', 'version']).executeTakeFirst();
  // A concurrent writer inserted the same day first: update that row instead.
  if (!row) return upsertDay(db, v);
  return { ...row, change: 'inserted' };
}

/** Marks a live day deleted (a new version); undefined when there is no live exception that day. */
export async function deleteDay(db: Executor, day: string, userId: number | null): Promise<{ id: number; version: number } | undefined> {
  return db.updateTable('calendar_days')
    .set((eb) => ({ deleted: true, updated_by: userId, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('day', '=', day).where('deleted', '=', false).returning(['id', 'version']).executeTakeFirst();
}


/** Inserts days that have no record yet in one statement; returns those inserted (a concurrent writer's days are skipped). */
export async function insertNewDays(db: Executor, rows: { day: string; kind: CalendarDayKind; name: string }[], userId: number | null) {
  if (!rows.length) return [];
  return db.insertInto('calendar_days').values(rows.map((r) => ({ ...r, updated_by: userId })))
    .onConflict((oc) => oc.column('day').doNothing()).returning(['id', 'day', 'version']).execute();
}
