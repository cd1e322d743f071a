import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { idNumberCheckChar } from '../../lib/identity.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 120 });
});
afterAll(async () => t?.close());

const validId = (first17 = '99010219900101123') => first17 + idNumberCheckChar(first17);

async function get(user: string | null, url: string) {
  return t.app.inject({ url, headers: user ? { cookie: await t.login(user) } : {} });
}

/** A staff member of the given unit subtree, read as admin. */
async function staffOf(unitCode: string) {
  const res = await get('admin', `/api/staff?unitCode=${unitCode}&pageSize=1`);
  return res.json().items[0] as { code: string };
}

describe('staff', () => {
  it('401 without sign-in', async () => {
    expect((await get(null, '/api/staff')).statusCode).toBe(401);
    expect((await get(null, '/api/units')).statusCode).toBe(401);
  });

  it('403 for roles that may not read personal records', async () => {
    const res = await get('observer', '/api/staff');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it("a unit head scoped to one county gets 404 for another county's staff", async () => {
    const own = await staffOf('U99010201');
    const other = await staffOf('U99010301');
    expect((await get('unit_head', `/api/staff/${own.code}`)).statusCode).toBe(200);
    const res = await get('unit_head', `/api/staff/${other.code}`);
    expect(res.statusCode).toBe(404);
    const list = await get('unit_head', '/api/staff?pageSize=500');
    expect(list.json().items.every((s: { unitCode: string }) => s.unitCode.startsWith('U990102'))).toBe(true);
    expect(list.json().items.some((s: { code: string }) => s.code === other.code)).toBe(false);
  });

  it('a civil servant sees only their own record', async () => {
    const list = await get('staff', '/api/staff');
    expect(list.json().total).toBe(1);
  });

  it('masks ID numbers and phones in every list and detail', async () => {
    const res = await get('organizer', '/api/staff?pageSize=20');
    for (const s of res.json().items) {
      if (s.idNumber) expect(s.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
      if (s.phone) expect(s.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
    }
  });

  it('creates a staff member (201) and refuses bad fields one by one (400)', async () => {
    const cookie = await t.login('organizer');
    const bad = await t.app.inject({
      method: 'POST', url: '/api/staff', headers: { cookie },
      payload: { code: 'T1', name: '测试', unitCode: 'U99010201', level: 'base', idNumber: '990102199001011230', phone: '12345', enteredOn: '2020-01-01' },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/body/idNumber', '/body/phone']);
    expect(bad.body).not.toContain('990102199001011230');

    const ok = await t.app.inject({
      method: 'POST', url: '/api/staff', headers: { cookie },
      payload: { code: 'T1', name: '测试', unitCode: 'U99010201', level: 'base', idNumber: validId(), phone: '13912345678', enteredOn: '2020-01-01' },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ code: 'T1', status: 'active', idNumber: `990***********${validId().slice(-4)}`, phone: '139****5678' });

    const again = await t.app.inject({ method: 'POST', url: '/api/staff', headers: { cookie }, payload: { code: 'T2', name: '重复', unitCode: 'U99010201', level: 'base', idNumber: validId(), enteredOn: '2020-01-01' } });
    expect(again.statusCode).toBe(400);
    expect(again.json().errors[0]).toMatchObject({ path: '/body/idNumber' });
  });

  it('moves status only forward, with the dates it needs', async () => {
    const cookie = await t.login('organizer');
    const depart = await t.app.inject({ method: 'PATCH', url: '/api/staff/T1', headers: { cookie }, payload: { status: 'departed' } });
    expect(depart.statusCode).toBe(400);
    expect(depart.json().errors[0].path).toBe('/body/departedOn');
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/staff/T1', headers: { cookie }, payload: { status: 'departed', departedOn: '2024-06-30' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'departed', version: 2 });
    const back = await t.app.inject({ method: 'PATCH', url: '/api/staff/T1', headers: { cookie }, payload: { status: 'active', departedOn: null } });
    expect(back.statusCode).toBe(400);
    expect(back.json().errors[0].path).toBe('/body/status');
  });

  it('unit heads may read but not write', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/staff/T1', headers: { cookie: await t.login('unit_head') }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
  });

  it('reveals in full only to an inspector with a reason, and logs every view', async () => {
    const code = (await staffOf('U99010201')).code;
    const noReason = await get('inspector', `/api/staff/${code}?reveal=true`);
    expect(noReason.statusCode).toBe(400);
    expect((await get('organizer', `/api/staff/${code}?reveal=true&reason=x`)).statusCode).toBe(403);
    const full = await get('inspector', `/api/staff/${code}?reveal=true&reason=${encodeURIComponent('案件核查')}`);
    expect(full.statusCode).toBe(200);
    expect(full.json().idNumber).toMatch(/^\d{17}[\dX]$/);

    const log = await get('inspector', `/api/access-log?staffCode=${code}`);
    expect(log.statusCode).toBe(200);
    const actions = log.json().items.map((e: { actor: string; action: string }) => `${e.actor}:${e.action}`);
    expect(actions).toContain('inspector:reveal');
    expect(log.json().items.find((e: { action: string }) => e.action === 'reveal').reason).toBe('案件核查');
    expect((await get('organizer', '/api/access-log')).statusCode).toBe(403);
  });
});

describe('units, regions and service items', () => {
  it('lists with the one page shape and refuses unknown sort keys', async () => {
    const res = await get('admin', '/api/units?pageSize=5&sort=-name');
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
    expect(res.json().items).toHaveLength(5);
    const bad = await get('admin', '/api/units?sort=password');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/querystring/sort');
  });

  it('filters units by a region subtree and keeps unit heads in their scope', async () => {
    const city = await get('admin', '/api/units?regionCode=990100&pageSize=500');
    expect(city.json().items.every((u: { regionCode: string }) => u.regionCode.startsWith('9901'))).toBe(true);
    expect((await get('unit_head', '/api/units/U99010301')).statusCode).toBe(404);
    expect((await get('unit_head', '/api/units/U99010201')).statusCode).toBe(200);
  });

  it('creates and updates a unit, with 409 for a taken code and 400 for a bad category', async () => {
    const cookie = await t.login('admin');
    const body = { code: 'UX1', name: '测试局', category: 'general_admin', regionCode: '990102' };
    expect((await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: body })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: body })).statusCode).toBe(409);
    const bad = await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: { ...body, code: 'UX2', category: 'police' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.some((e: { path: string }) => e.path === '/body/category')).toBe(true);
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/units/UX1', headers: { cookie }, payload: { name: '测试局（新）' } });
    expect(patched.json()).toMatchObject({ name: '测试局（新）', version: 2 });
  });

  it('moving a unit carries its sub-units into the new scope, and a unit cannot move under itself', async () => {
    const cookie = await t.login('admin');
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    expect((await post('/api/units', { code: 'MOVE_A', name: '甲科', category: 'general_admin', regionCode: '990102', parentCode: 'U99010201' })).statusCode).toBe(201);
    expect((await post('/api/units', { code: 'MOVE_B', name: '乙股', category: 'general_admin', regionCode: '990102', parentCode: 'MOVE_A' })).statusCode).toBe(201);
    expect((await post('/api/staff', { code: 'MOVE_S', name: '移动', unitCode: 'MOVE_B', level: 'base', enteredOn: '2022-01-01' })).statusCode).toBe(201);
    expect((await get('unit_head', '/api/staff/MOVE_S')).statusCode).toBe(200);
    expect((await get('unit_head2', '/api/staff/MOVE_S')).statusCode).toBe(404);

    const moved = await t.app.inject({ method: 'PATCH', url: '/api/units/MOVE_A', headers: { cookie }, payload: { parentCode: 'U99010301', regionCode: '990103' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await get('unit_head', '/api/staff/MOVE_S')).statusCode).toBe(404);
    expect((await get('unit_head2', '/api/staff/MOVE_S')).statusCode).toBe(200);

    const cycle = await t.app.inject({ method: 'PATCH', url: '/api/units/MOVE_A', headers: { cookie }, payload: { parentCode: 'MOVE_B' } });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().errors[0]).toMatchObject({ path: '/body/parentCode' });
  });

  it('service items: organizer creates, observer reads, unknown unit is a field error', async () => {
    const cookie = await t.login('organizer');
    const ok = await t.app.inject({ method: 'POST', url: '/api/service-items', headers: { cookie }, payload: { code: 'SVX', name: '测试事项', unitCode: 'U99010201', promisedDays: 5 } });
    expect(ok.statusCode).toBe(201);
    const bad = await t.app.inject({ method: 'POST', url: '/api/service-items', headers: { cookie }, payload: { code: 'SVY', name: '测试事项', unitCode: 'NOPE', promisedDays: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/unitCode');
    expect((await get('observer', '/api/service-items/SVX')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/service-items', headers: { cookie: await t.login('observer') }, payload: { code: 'SVZ', name: 'x', unitCode: 'U99010201', promisedDays: 1 } })).statusCode).toBe(403);
  });

  it('regions: list children of a city', async () => {
    const res = await get('observer', '/api/regions?parentCode=990100');
    expect(res.json().items.length).toBeGreaterThan(0);
    expect(res.json().items.every((r: { parentCode: string }) => r.parentCode === '990100')).toBe(true);
    expect((await get('observer', '/api/regions/000000')).statusCode).toBe(404);
  });
});
