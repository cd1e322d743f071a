// SQL for regions, units and service items. Staff live in staff-repo.ts.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, RegionLevel, UnitCategory } from '../../db/types.ts';
import { offsetOf, type SortSpec } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from './scope.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

// ---- regions -------------------------------------------------------------------------------

const regionColumns = ['r.id', 'r.code', 'r.name', 'r.level', 'r.path', 'r.version', 'r.updated_at', 'p.code as parent_code'] as const;

export async function findRegion(db: Executor, code: string) {
  return db.selectFrom('regions as r').leftJoin('regions as p', 'p.id', 'r.parent_id').select(regionColumns).where('r.code', '=', code).executeTakeFirst();
}

export async function regionIdsByCode(db: Executor, codes: string[]) {
  if (!codes.length) return new Map<string, { id: number; path: string; level: RegionLevel }>();
  const rows = await db.selectFrom('regions').select(['id', 'code', 'path', 'level']).where('code', 'in', codes).execute();
  return new Map(rows.map((r) => [r.code, { id: r.id, path: r.path, level: r.level }]));
}

export async function listRegions(db: Executor, q: { parentCode?: string; level?: RegionLevel; q?: string; page: number; pageSize: number }, sort: SortSpec<string>) {
  let query = db.selectFrom('regions as r').leftJoin('regions as p', 'p.id', 'r.parent_id');
  if (q.parentCode) query = query.where('p.code', '=', q.parentCode);
  if (q.level) query = query.where('r.level', '=', q.level);
  if (q.q) query = query.where((eb) => eb.or([eb('r.name', 'like', `%${q.q}%`), eb('r.code', 'like', `${q.q}%`)]));
  const [items, total] = await Promise.all([
    query.select(regionColumns).orderBy(sql.ref(sort.column), sort.direction).orderBy('r.id').limit(q.pageSize).offset(offsetOf(q)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Inserts or updates by code; returns the row and whether anything changed. */
export async function upsertRegion(db: Executor, v: { code: string; name: string; level: RegionLevel; parentId: number | null; parentPath: string }) {
  const existing = await db.selectFrom('regions').select(['id', 'name', 'level', 'parent_id', 'path', 'version']).where('code', '=', v.code).executeTakeFirst();
  if (existing) {
    if (existing.name === v.name && existing.level === v.level && existing.parent_id === v.parentId) return { id: existing.id, version: existing.version, change: 'unchanged' as const };
    if (v.parentPath.startsWith(existing.path)) return { id: existing.id, version: existing.version, change: 'cycle' as const };
    const path = `${v.parentPath}${existing.id}/`;
    const row = await db.updateTable('regions')
      .set((eb) => ({ name: v.name, level: v.level, parent_id: v.parentId, path, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', existing.id).returning(['id', 'version']).executeTakeFirstOrThrow();
    await movePaths(db, 'regions', existing.path, path);
    return { ...row, change: 'updated' as const };
  }
  const inserted = await db.insertInto('regions').values({ code: v.code, name: v.name, level: v.level, parent_id: v.parentId, path: '' }).returning('id').executeTakeFirstOrThrow();
  const row = await db.updateTable('regions').set({ path: `${v.parentPath}${inserted.id}/` }).where('id', '=', inserted.id).returning(['id', 'version']).executeTakeFirstOrThrow();
  return { ...row, change: 'inserted' as const };
}

/** Re-roots the materialised paths of a moved subtree (descendants keep their place under it). */
async function movePaths(db: Executor, table: 'regions' | 'units', from: string, to: string) {
  if (from === to) return;
  await sql`update ${sql.table(table)} set path = ${to} || substr(path, ${from.length + 1}) where path like ${from + '%'} and path <> ${to}`.execute(db);
}

// ---- units ---------------------------------------------------------------------------------

const unitColumns = [
  'u.id', 'u.code', 'u.name', 'u.category', 'u.path', 'u.version', 'u.updated_at', 'u.region_id',
  'r.code as region_code', 'r.name as region_name', 'p.code as parent_code',
] as const;

function unitsQuery(db: Executor, scope: Scope) {
  return db
    .selectFrom('units as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .where((eb) => unitInScope(eb, scope));
}

export async function findUnit(db: Executor, scope: Scope, code: string) {
  return unitsQuery(db, scope).select(unitColumns).where('u.code', '=', code).executeTakeFirst();
}

export interface UnitFilter { regionCode?: string; parentCode?: string; category?: UnitCategory; q?: string; page: number; pageSize: number }

export async function listUnits(db: Executor, scope: Scope, f: UnitFilter, sort: SortSpec<string>) {
  let query = unitsQuery(db, scope);
  if (f.regionCode) {
    // A region filter means the region's whole subtree: a city's units include its counties'.
    query = query.where('r.path', 'like', db.selectFrom('regions').select(sql<string>`path || '%'`.as('p')).where('code', '=', f.regionCode));
  }
  if (f.parentCode) query = query.where('p.code', '=', f.parentCode);
  if (f.category) query = query.where('u.category', '=', f.category);
  if (f.q) query = query.where((eb) => eb.or([eb('u.name', 'like', `%${f.q}%`), eb('u.code', 'like', `${f.q}%`)]));
  const [items, total] = await Promise.all([
    query.select(unitColumns).orderBy(sql.ref(sort.column), sort.direction).orderBy('u.id').limit(f.pageSize).offset(offsetOf(f)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Unit references by code, ignoring scope: for resolving references during writes. */
export async function unitRefsByCode(db: Executor, codes: string[]) {
  const refs = new Map<string, UnitRef>();
  if (!codes.length) return refs;
  const rows = await db.selectFrom('units as u').innerJoin('regions as r', 'r.id', 'u.region_id')
    .select(['u.id', 'u.code', 'u.path', 'r.path as region_path']).where('u.code', 'in', codes).execute();
  for (const r of rows) refs.set(r.code, { id: r.id, path: r.path, regionPath: r.region_path });
  return refs;
}

export interface UnitRef { id: number; path: string; regionPath: string }

export async function upsertUnit(db: Executor, v: { code: string; name: string; category: UnitCategory; regionId: number; parentId: number | null; parentPath: string }) {
  const existing = await db.selectFrom('units').select(['id', 'name', 'category', 'region_id', 'parent_id', 'path', 'version']).where('code', '=', v.code).executeTakeFirst();
  if (existing) {
    if (existing.name === v.name && existing.category === v.category && existing.region_id === v.regionId && existing.parent_id === v.parentId) {
      return { id: existing.id, version: existing.version, change: 'unchanged' as const };
    }
    if (v.parentPath.startsWith(existing.path)) return { id: existing.id, version: existing.version, change: 'cycle' as const };
    const path = `${v.parentPath}${existing.id}/`;
    const row = await db.updateTable('units')
      .set((eb) => ({ name: v.name, category: v.category, region_id: v.regionId, parent_id: v.parentId, path, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', existing.id).returning(['id', 'version']).executeTakeFirstOrThrow();
    await movePaths(db, 'units', existing.path, path);
    return { ...row, change: 'updated' as const };
  }
  const inserted = await db.insertInto('units').values({ code: v.code, name: v.name, category: v.category, region_id: v.regionId, parent_id: v.parentId, path: '' }).returning('id').executeTakeFirstOrThrow();
  const row = await db.updateTable('units').set({ path: `${v.parentPath}${inserted.id}/` }).where('id', '=', inserted.id).returning(['id', 'version']).executeTakeFirstOrThrow();
  return { ...row, change: 'inserted' as const };
}

// ---- service items (政务服务事项) -------------------------------------------------------------

const serviceColumns = ['s.id', 's.code', 's.name', 's.promised_days', 's.version', 's.updated_at', 'u.code as unit_code', 'u.name as unit_name'] as const;

function servicesQuery(db: Executor, scope: Scope) {
  return db.selectFrom('service_items as s').innerJoin('units as u', 'u.id', 's.unit_id').where((eb) => unitInScope(eb, scope));
}

export async function findServiceItem(db: Executor, scope: Scope, code: string) {
  return servicesQuery(db, scope).select(serviceColumns).where('s.code', '=', code).executeTakeFirst();
}

export async function listServiceItems(db: Executor, scope: Scope, f: { unitCode?: string; q?: string; page: number; pageSize: number }, sort: SortSpec<string>) {
  let query = servicesQuery(db, scope);
  if (f.unitCode) query = query.where('u.code', '=', f.unitCode);
  if (f.q) query = query.where((eb) => eb.or([eb('s.name', 'like', `%${f.q}%`), eb('s.code', 'like', `${f.q}%`)]));
  const [items, total] = await Promise.all([
    query.select(serviceColumns).orderBy(sql.ref(sort.column), sort.direction).orderBy('s.id').limit(f.pageSize).offset(offsetOf(f)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export interface ServiceItemRow { code: string; name: string; unit_id: number; promised_days: number }

/** Batch upsert by code. Rows whose content is the same are left alone and not returned. */
export async function upsertServiceItems(db: Executor, rows: ServiceItemRow[]) {
  if (!rows.length) return [];
  return db
    .insertInto('service_items')
    .values(rows)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'), unit_id: eb.ref('excluded.unit_id'), promised_days: eb.ref('excluded.promised_days'),
        version: sql`service_items.version + 1`, updated_at: new Date(),
      })).where((eb) => eb.or([
        eb('service_items.name', '<>', eb.ref('excluded.name')),
        eb('service_items.unit_id', '<>', eb.ref('excluded.unit_id')),
        eb('service_items.promised_days', '<>', eb.ref('excluded.promised_days')),
      ])),
    )
    .returning(['id', 'code', 'version', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();
}
