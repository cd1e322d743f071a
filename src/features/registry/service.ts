// Regions, units and service items: listing within scope, and batch writes shared by API and import.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../lib/errors.ts';
import { parseSort, type PageQuery } from '../../lib/pagination.ts';
import { authorize, type Principal, type Scope } from '../auth/principal.ts';
import { emptyBatch, type BatchResult, type Numbered } from './batch.ts';
import { commitChanges } from './changes.ts';
import * as repo from './repo.ts';
import { parseRegion, parseServiceItem, parseUnit, type Parsed, type RegionInput, type ServiceItemInput, type UnitInput } from './rules.ts';
import { unitRefInScope } from './scope.ts';

type Executor = Kysely<DB> | Transaction<DB>;

// ---- views ---------------------------------------------------------------------------------

type RegionRow = NonNullable<Awaited<ReturnType<typeof repo.findRegion>>>;
type UnitRow = NonNullable<Awaited<ReturnType<typeof repo.findUnit>>>;
type ServiceRow = NonNullable<Awaited<ReturnType<typeof repo.findServiceItem>>>;

const regionView = (r: RegionRow) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, version: r.version, updatedAt: r.updated_at.toISOString() });
const unitView = (u: UnitRow) => ({
  code: u.code, name: u.name, category: u.category, regionCode: u.region_code, regionName: u.region_name,
  parentCode: u.parent_code, version: u.version, updatedAt: u.updated_at.toISOString(),
});
const serviceView = (s: ServiceRow) => ({
  code: s.code, name: s.name, unitCode: s.unit_code, unitName: s.unit_name, promisedDays: s.promised_days, version: s.version, updatedAt: s.updated_at.toISOString(),
});

// ---- reads ---------------------------------------------------------------------------------

export async function listRegions(db: Kysely<DB>, principal: Principal | null, q: PageQuery & { parentCode?: string; level?: RegionInput['level'] }) {
  authorize(principal, 'registry.read');
  const sort = parseSort(q.sort, { code: 'r.code', name: 'r.name', level: 'r.level' }, { column: 'r.code', direction: 'asc' });
  const { items, total } = await repo.listRegions(db, q, sort);
  return { items: items.map(regionView), page: q.page, pageSize: q.pageSize, total };
}

export async function getRegion(db: Kysely<DB>, principal: Principal | null, code: string) {
  authorize(principal, 'registry.read');
  const row = await repo.findRegion(db, code);
  if (!row) throw notFound(`Region ${code}`);
  return regionView(row);
}

export async function listUnits(db: Kysely<DB>, principal: Principal | null, q: PageQuery & Omit<repo.UnitFilter, 'page' | 'pageSize' | 'q'>) {
  const p = authorize(principal, 'registry.read');
  const sort = parseSort(q.sort, { code: 'u.code', name: 'u.name', category: 'u.category', updatedAt: 'u.updated_at' }, { column: 'u.code', direction: 'asc' });
  const { items, total } = await repo.listUnits(db, p.scope, q, sort);
  return { items: items.map(unitView), page: q.page, pageSize: q.pageSize, total };
}

export async function getUnit(db: Kysely<DB>, principal: Principal | null, code: string) {
  const p = authorize(principal, 'registry.read');
  const row = await repo.findUnit(db, p.scope, code);
  if (!row) throw notFound(`Unit ${code}`);
  return unitView(row);
}

export async function listServiceItems(db: Kysely<DB>, principal: Principal | null, q: PageQuery & { unitCode?: string }) {
  const p = authorize(principal, 'registry.read');
  const sort = parseSort(q.sort, { code: 's.code', name: 's.name', promisedDays: 's.promised_days' }, { column: 's.code', direction: 'asc' });
  const { items, total } = await repo.listServiceItems(db, p.scope, q, sort);
  return { items: items.map(serviceView), page: q.page, pageSize: q.pageSize, total };
}

export async function getServiceItem(db: Kysely<DB>, principal: Principal | null, code: string) {
  const p = authorize(principal, 'registry.read');
  const row = await repo.findServiceItem(db, p.scope, code);
  if (!row) throw notFound(`Service item ${code}`);
  return serviceView(row);
}

// ---- batch writes --------------------------------------------------------------------------

/** Regions in file order, so a parent earlier in the batch resolves for its children. */
export async function applyRegionBatch(trx: Executor, scope: Scope, items: Numbered<RegionInput>[]): Promise<BatchResult> {
  const result = emptyBatch();
  if (scope.kind !== 'all' && items.length) throw forbidden('Only a province-wide account may change the region tree');
  for (const { row, input } of items) {
    const parent = input.parentCode ? (await repo.regionIdsByCode(trx, [input.parentCode])).get(input.parentCode) : undefined;
    if (input.parentCode && !parent) {
      result.errors.push({ row, field: 'parentCode', reason: `no region with code ${input.parentCode}` });
      continue;
    }
    const r = await repo.upsertRegion(trx, { code: input.code, name: input.name, level: input.level, parentId: parent?.id ?? null, parentPath: parent?.path ?? '/' });
    if (r.change === 'cycle') result.errors.push({ row, field: 'parentCode', reason: 'would place the region under itself' });
    else if (r.change === 'unchanged') result.unchanged++;
    else result.changed.push({ type: 'region', id: r.id, code: input.code, version: r.version, inserted: r.change === 'inserted' });
  }
  return result;
}

export async function applyUnitBatch(trx: Executor, scope: Scope, items: Numbered<UnitInput>[]): Promise<BatchResult> {
  const result = emptyBatch();
  const regions = await repo.regionIdsByCode(trx, [...new Set(items.map((i) => i.input.regionCode))]);
  for (const { row, input } of items) {
    const region = regions.get(input.regionCode);
    if (!region) {
      result.errors.push({ row, field: 'regionCode', reason: `no region with code ${input.regionCode}` });
      continue;
    }
    const parent = input.parentCode ? (await repo.unitRefsByCode(trx, [input.parentCode])).get(input.parentCode) : undefined;
    if (input.parentCode && !parent) {
      result.errors.push({ row, field: 'parentCode', reason: `no unit with code ${input.parentCode}` });
      continue;
    }
    const inScope = parent ? unitRefInScope(parent, scope) : scope.kind === 'all' || (scope.kind === 'region' && region.path.startsWith(scope.path));
    if (!inScope) {
      result.errors.push({ row, field: parent ? 'parentCode' : 'regionCode', reason: 'is outside your data scope' });
      continue;
    }
    const r = await repo.upsertUnit(trx, { code: input.code, name: input.name, category: input.category, regionId: region.id, parentId: parent?.id ?? null, parentPath: parent?.path ?? '/' });
    if (r.change === 'cycle') result.errors.push({ row, field: 'parentCode', reason: 'would place the unit under itself' });
    else if (r.change === 'unchanged') result.unchanged++;
    else result.changed.push({ type: 'unit', id: r.id, code: input.code, version: r.version, inserted: r.change === 'inserted' });
  }
  return result;
}

export async function applyServiceItemBatch(trx: Executor, scope: Scope, items: Numbered<ServiceItemInput>[]): Promise<BatchResult> {
  const result = emptyBatch();
  const units = await repo.unitRefsByCode(trx, [...new Set(items.map((i) => i.input.unitCode))]);
  const rows: repo.ServiceItemRow[] = [];
  for (const { row, input } of items) {
    const unit = units.get(input.unitCode);
    if (!unit || !unitRefInScope(unit, scope)) {
      result.errors.push({ row, field: 'unitCode', reason: `no unit with code ${input.unitCode} in your scope` });
      continue;
    }
    rows.push({ code: input.code, name: input.name, unit_id: unit.id, promised_days: input.promisedDays });
  }
  const written = await repo.upsertServiceItems(trx, rows);
  result.changed = written.map((w) => ({ type: 'service_item' as const, id: w.id, code: w.code, version: w.version, inserted: w.inserted }));
  result.unchanged = rows.length - written.length;
  return result;
}

// ---- single writes through the API ---------------------------------------------------------

export interface Kind<T> {
  label: string;
  table: 'regions' | 'units' | 'service_items';
  parse: (raw: Record<string, unknown>) => Parsed<T>;
  apply: (trx: Executor, scope: Scope, items: Numbered<T>[]) => Promise<BatchResult>;
}

export const REGION: Kind<RegionInput> = { label: 'Region', table: 'regions', parse: parseRegion, apply: applyRegionBatch };
export const UNIT: Kind<UnitInput> = { label: 'Unit', table: 'units', parse: parseUnit, apply: applyUnitBatch };
export const SERVICE_ITEM: Kind<ServiceItemInput> = { label: 'Service item', table: 'service_items', parse: parseServiceItem, apply: applyServiceItemBatch };

/** Create (existing = undefined) or update one record, inside one transaction with its ledger entry. */
export async function writeOne<T extends { code: string }>(
  db: Kysely<DB>,
  principal: Principal | null,
  kind: Kind<T>,
  body: Record<string, unknown>,
  mode: { create: true } | { create: false; code: string; load: () => Promise<Record<string, unknown>> },
): Promise<string> {
  const p = authorize(principal, 'registry.write');
  const raw = mode.create ? body : { ...(await mode.load()), ...body, code: mode.code };
  const parsed = kind.parse(raw);
  if (!parsed.ok) throw validationFailed(parsed.errors.map((e) => ({ path: `/body/${e.path}`, message: e.message })));
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom(kind.table).select('id').where('code', '=', parsed.value.code).executeTakeFirst();
    if (mode.create && exists) throw conflict(`${kind.label} ${parsed.value.code} already exists`, [{ path: '/body/code', message: 'is already taken' }]);
    const batch = await kind.apply(trx, p.scope, [{ row: 1, input: parsed.value }]);
    if (batch.errors.length) throw validationFailed(batch.errors.map((e) => ({ path: `/body/${e.field}`, message: e.reason })));
    await commitChanges(trx, batch.changed);
    return parsed.value.code;
  });
}
