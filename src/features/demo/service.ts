// Loads the demo province through the ordinary registry rules (the same batch writers an import
// uses), so demo data is held to the same checks and reaches the ledger the same way.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import type { Scope } from '../auth/principal.ts';
import { addUser } from '../auth/service.ts';
import type { BatchResult, Numbered } from '../registry/batch.ts';
import { commitChanges } from '../registry/changes.ts';
import { applyRegionBatch, applyServiceItemBatch, applyUnitBatch } from '../registry/service.ts';
import { applyStaffBatch, sealStaff } from '../registry/staff-service.ts';
import { loadDefaultCalendar } from '../calendar/service.ts';
import { loadDemoActivity } from './activity-service.ts';
import { generateDemoProvince, type DemoOptions, type DemoUser } from './generator.ts';
import { seedDefaultFramework } from '../scoring/default-framework.ts';

export interface DemoDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
}

const ALL: Scope = { kind: 'all' };
const META_KEY = 'demo';

export async function demoLoaded(db: Kysely<DB>): Promise<boolean> {
  return Boolean(await db.selectFrom('meta').select('key').where('key', '=', META_KEY).executeTakeFirst());
}

async function inBatches<T>(deps: DemoDeps, rows: T[], size: number, apply: (trx: any, items: Numbered<T>[]) => Promise<BatchResult>) {
  for (let i = 0; i < rows.length; i += size) {
    const items = rows.slice(i, i + size).map((input, k) => ({ row: i + k + 1, input }));
    await deps.db.transaction().execute(async (trx) => {
      const result = await apply(trx, items);
      if (result.errors.length) throw new Error(`demo data refused: ${JSON.stringify(result.errors.slice(0, 3))}`);
      await commitChanges(trx, result.changed);
    });
  }
}

/**
 * Idempotent: records are upserted by code and existing users are left as they are. With
 * `transactions` > 0 the province also gets a year of activity (activity-service.ts), once.
 */
export async function loadDemo(deps: DemoDeps, options: DemoOptions & { transactions?: number }, onStep?: (step: string) => void): Promise<{ users: DemoUser[]; staff: number; units: number }> {
  const demo = generateDemoProvince(options);
  onStep?.('working-day calendar 2025–2026');
  await loadDefaultCalendar(deps.db);
  onStep?.(`regions ${demo.regions.length}`);
  await inBatches(deps, demo.regions, 500, (trx, items) => applyRegionBatch(trx, ALL, items));
  onStep?.(`units ${demo.units.length}`);
  await inBatches(deps, demo.units, 500, (trx, items) => applyUnitBatch(trx, ALL, items));
  onStep?.(`service items ${demo.serviceItems.length}`);
  await inBatches(deps, demo.serviceItems, 2000, (trx, items) => applyServiceItemBatch(trx, ALL, items));
  onStep?.(`staff ${demo.staff.length}`);
  await inBatches(deps, demo.staff.map((s) => sealStaff(deps.cipher, s)), 2000, (trx, items) => applyStaffBatch(trx, ALL, items));
  onStep?.(`users ${demo.users.length}`);
  for (const u of demo.users) {
    const exists = await deps.db.selectFrom('users').select('id').where('username', '=', u.username).executeTakeFirst();
    // With no staff generated there is nobody for the civil-servant account to belong to.
    if (exists || (u.role === 'staff' && !u.staffCode)) continue;
    await addUser(deps, {
      username: u.username, password: u.password, role: u.role, displayName: u.displayName,
      scopeCode: u.scopeUnitCode ?? u.scopeRegionCode ?? undefined, staffCode: u.staffCode ?? undefined,
    });
  }
  onStep?.('default indicator framework');
  await seedDefaultFramework(deps.db);
  if (options.transactions) {
    await loadDemoActivity(deps, demo.serviceItems, { transactions: options.transactions, seed: options.seed === undefined ? undefined : String(options.seed) }, onStep);
  }
  await deps.db.insertInto('meta').values({ key: META_KEY, value: JSON.stringify({ seed: String(options.seed ?? ''), staff: demo.staff.length }) })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))).execute();
  return { users: demo.users, staff: demo.staff.length, units: demo.units.length };
}
