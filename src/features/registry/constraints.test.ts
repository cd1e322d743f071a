// The database's own guards on registry rows (decision 86): a staff row names an existing unit,
// checked per statement, and units are never deleted.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import type { Database } from '../../db/connection.ts';

let database: Database;
let unitId: number;
let regionId: number;
beforeAll(async () => {
  database = await createTestDatabase();
  const region = await database.db.insertInto('regions').values({ code: '110000', name: '北京市', level: 'province', path: '/1/' }).returning('id').executeTakeFirstOrThrow();
  const unit = await database.db.insertInto('units').values({ code: 'U1', name: '政务服务中心', category: 'window_service', region_id: region.id, path: '/1/' }).returning('id').executeTakeFirstOrThrow();
  unitId = unit.id;
  regionId = region.id;
});
afterAll(async () => database?.close());

const staffRow = (code: string, unit: number) => ({ code, name: '张三', unit_id: unit, position: '', level: 'base' as const, status: 'active' as const, content_hmac: Buffer.from(code) });

describe('staff units', () => {
  it('refuses a statement that inserts or updates staff onto a unit that does not exist, with the foreign key error', async () => {
    await expect(database.db.insertInto('staff').values([staffRow('S1', unitId), staffRow('S2', unitId + 1000)]).execute())
      .rejects.toMatchObject({ code: '23503', constraint: 'staff_unit_id_fkey' });
    expect(await database.db.selectFrom('staff').select('code').execute()).toEqual([]); // the whole statement, not only the bad row

    await database.db.insertInto('staff').values([staffRow('S1', unitId), staffRow('S2', unitId)]).execute();
    await expect(database.db.updateTable('staff').set({ unit_id: unitId + 1000 }).where('code', '=', 'S2').execute())
      .rejects.toMatchObject({ code: '23503', constraint: 'staff_unit_id_fkey' });
    await database.db.updateTable('staff').set({ position: '科长' }).where('code', '=', 'S2').execute();
    expect((await database.db.selectFrom('staff').select(['code', 'unit_id', 'position']).orderBy('code').execute()).map((r) => [r.code, r.unit_id, r.position]))
      .toEqual([['S1', unitId, ''], ['S2', unitId, '科长']]);
  });

  it('never deletes or truncates a unit, even one nothing refers to', async () => {
    const spare = await database.db.insertInto('units').values({ code: 'U2', name: '备用', category: 'window_service', region_id: regionId, path: '/2/' }).returning('id').executeTakeFirstOrThrow();
    await expect(database.db.deleteFrom('units').where('id', '=', spare.id).execute()).rejects.toMatchObject({ code: '23001' });
    await expect(sql`truncate units cascade`.execute(database.db)).rejects.toMatchObject({ code: '23001' });
    expect(await database.db.selectFrom('units').select('code').where('id', '=', spare.id).executeTakeFirst()).toEqual({ code: 'U2' });
  });
});
