import { describe, expect, it } from 'vitest';
import { idNumberProblem, phoneProblem } from '../../lib/identity.ts';
import { DEMO_PROVINCE_CODE, demoPassword, generateDemoProvince, type DemoProvince } from './generator.ts';

const demo = generateDemoProvince({ staff: 2000, seed: 'test' });

/** Every code is unique and every reference points to something earlier in its array (or a region). */
function checkIntegrity(p: DemoProvince) {
  const regions = new Map<string, number>();
  p.regions.forEach((r, i) => {
    expect(regions.has(r.code), `duplicate region ${r.code}`).toBe(false);
    if (r.parentCode !== null) expect(regions.has(r.parentCode), `region ${r.code} parent`).toBe(true);
    regions.set(r.code, i);
  });
  const units = new Map<string, string>();
  for (const u of p.units) {
    expect(units.has(u.code), `duplicate unit ${u.code}`).toBe(false);
    expect(regions.has(u.regionCode), `unit ${u.code} region`).toBe(true);
    if (u.parentCode !== null) expect(units.has(u.parentCode), `unit ${u.code} parent`).toBe(true);
    units.set(u.code, u.category);
  }
  const items = new Set<string>();
  for (const s of p.serviceItems) {
    expect(items.has(s.code)).toBe(false);
    items.add(s.code);
    expect(units.get(s.unitCode)).toMatch(/^(window_service|law_enforcement)$/);
    expect(Number.isInteger(s.promisedDays) && s.promisedDays >= 0 && s.promisedDays <= 20).toBe(true);
  }
  const staff = new Set<string>();
  for (const s of p.staff) {
    expect(staff.has(s.code)).toBe(false);
    staff.add(s.code);
    expect(units.has(s.unitCode), `staff ${s.code} unit`).toBe(true);
  }
  for (const u of p.users) {
    if (u.scopeRegionCode !== null) expect(regions.has(u.scopeRegionCode)).toBe(true);
    if (u.scopeUnitCode !== null) expect(units.has(u.scopeUnitCode)).toBe(true);
    if (u.staffCode !== null) expect(staff.has(u.staffCode)).toBe(true);
    expect(u.scopeRegionCode === null || u.scopeUnitCode === null).toBe(true);
  }
}

describe('generateDemoProvince', () => {
  it('is deterministic: same options give the same province, another seed other people', () => {
    expect(generateDemoProvince({ staff: 2000, seed: 'test' })).toEqual(demo);
    const other = generateDemoProvince({ staff: 2000, seed: 'another' });
    expect(other.staff).not.toEqual(demo.staff);
    expect(other.staff.map((s) => s.name)).not.toEqual(demo.staff.map((s) => s.name));
    expect(other.staff.map((s) => s.idNumber)).not.toEqual(demo.staff.map((s) => s.idNumber));
    // The structure stays, so demo scopes are the same whatever the seed.
    expect(other.units).toEqual(demo.units);
    expect(other.users.map(({ staffCode, displayName, ...u }) => u)).toEqual(demo.users.map(({ staffCode, displayName, ...u }) => u));
  });

  it('generates exactly the number of staff asked for', () => {
    expect(demo.staff).toHaveLength(2000);
    for (const n of [0, 1, 2, 7, 100, 1234]) expect(generateDemoProvince({ staff: n, seed: n }).staff).toHaveLength(n);
    expect(() => generateDemoProvince({ staff: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateDemoProvince({ staff: 1.5, seed: 1 })).toThrow(RangeError);
  });

  it('builds a fictional province of 4 cities, 3–4 counties each, 3–5 townships each, with valid codes', () => {
    const { regions } = demo;
    expect(regions[0]).toEqual({ code: DEMO_PROVINCE_CODE, name: '清源省', level: 'province', parentCode: null });
    const cities = regions.filter((r) => r.level === 'city');
    expect(cities).toHaveLength(4);
    for (const city of cities) {
      expect(city.code).toMatch(/^99\d\d00$/);
      const counties = regions.filter((r) => r.parentCode === city.code);
      expect(counties.length).toBeGreaterThanOrEqual(3);
      expect(counties.length).toBeLessThanOrEqual(4);
      for (const county of counties) {
        expect(county.level).toBe('county');
        expect(county.code).toMatch(new RegExp(`^${city.code.slice(0, 4)}\\d\\d$`));
        expect(county.name).toMatch(/[区县市]$/);
        const towns = regions.filter((r) => r.parentCode === county.code);
        expect(towns.length).toBeGreaterThanOrEqual(3);
        expect(towns.length).toBeLessThanOrEqual(5);
        for (const t of towns) {
          expect(t.level).toBe('township');
          expect(t.code).toMatch(new RegExp(`^${county.code}0\\d\\d$`));
          expect(t.name).toMatch(/(街道|镇|乡)$/);
        }
      }
    }
  });

  it('keeps every reference resolvable, with parents before children', () => {
    checkIntegrity(demo);
    checkIntegrity(generateDemoProvince({ staff: 100, seed: 'small' }));
  });

  it('has units of all three categories, named after their region, with sub-units and service items', () => {
    const { units, regions, serviceItems } = demo;
    expect(units.length).toBeGreaterThanOrEqual(300);
    expect(units.length).toBeLessThanOrEqual(600);
    for (const c of ['window_service', 'law_enforcement', 'general_admin'] as const) {
      expect(units.filter((u) => u.category === c).length, c).toBeGreaterThan(30);
    }
    const regionName = new Map(regions.map((r) => [r.code, r.name]));
    for (const u of units) {
      expect(u.code).toMatch(new RegExp(`^U${u.regionCode}\\d\\d$`));
      expect(u.name).toContain(regionName.get(u.regionCode)!);
    }
    expect(units.filter((u) => u.parentCode !== null).length).toBeGreaterThan(20);
    expect(units.some((u) => u.name === '青川市市场监督管理局' && u.category === 'law_enforcement')).toBe(true);
    // Every township has its 便民服务中心 and 综合行政执法队.
    for (const t of regions.filter((r) => r.level === 'township')) {
      const here = units.filter((u) => u.regionCode === t.code);
      expect(here.map((u) => u.category).sort()).toEqual(['law_enforcement', 'window_service']);
    }
    // Every window-service and law-enforcement unit offers at least one service item.
    const withItems = new Set(serviceItems.map((s) => s.unitCode));
    for (const u of units) if (u.category !== 'general_admin') expect(withItems.has(u.code), u.name).toBe(true);
    expect(serviceItems.some((s) => s.promisedDays === 0)).toBe(true);
  });

  it('issues valid, unique ID numbers whose prefix is the county (or higher) code of the unit', () => {
    const unitRegion = new Map(demo.units.map((u) => [u.code, u.regionCode]));
    const ids = new Set<string>();
    for (const s of demo.staff) {
      expect(idNumberProblem(s.idNumber), s.idNumber).toBeNull();
      ids.add(s.idNumber);
      const region = unitRegion.get(s.unitCode)!;
      expect(s.idNumber.slice(0, 6)).toBe(region.slice(0, 6));
      const year = Number(s.idNumber.slice(6, 10));
      expect(year).toBeGreaterThanOrEqual(1965);
      expect(year).toBeLessThanOrEqual(2000);
    }
    expect(ids.size).toBe(demo.staff.length);
  });

  it('issues valid, unique mobile numbers', () => {
    const phones = new Set<string>();
    for (const s of demo.staff) {
      expect(phoneProblem(s.phone), s.phone).toBeNull();
      expect(s.phone).toMatch(/^1(3\d|5\d|7\d|8\d|9\d)\d{8}$/);
      phones.add(s.phone);
    }
    expect(phones.size).toBe(demo.staff.length);
  });

  it('has about 12% leaders and a plausible status mix with consistent dates', () => {
    const leaders = demo.staff.filter((s) => s.level === 'leader');
    const share = leaders.length / demo.staff.length;
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.16);
    expect(new Set(leaders.map((s) => s.position))).toContain('局长');
    expect(demo.staff.filter((s) => s.level === 'base').every((s) => !/长$/.test(s.position))).toBe(true);

    const count = (status: string) => demo.staff.filter((s) => s.status === status).length / demo.staff.length;
    expect(count('active')).toBeGreaterThan(0.85);
    expect(count('candidate')).toBeGreaterThan(0.02);
    expect(count('candidate')).toBeLessThan(0.08);
    expect(count('departed')).toBeGreaterThan(0.02);
    expect(count('departed')).toBeLessThan(0.08);
    for (const s of demo.staff) {
      if (s.status === 'candidate') expect([s.enteredOn, s.departedOn]).toEqual([null, null]);
      if (s.status === 'active') {
        expect(s.enteredOn).toMatch(/^\d{4}-\d\d-\d\d$/);
        expect(s.departedOn).toBeNull();
      }
      if (s.status === 'departed') {
        expect(s.enteredOn).not.toBeNull();
        expect(s.departedOn! >= s.enteredOn!).toBe(true);
      }
      // Nobody enters before turning 21.
      if (s.enteredOn) expect(Number(s.enteredOn.slice(0, 4)) - Number(s.idNumber.slice(6, 10))).toBeGreaterThanOrEqual(21);
    }
  });

  it('has one demo account per role with documented passwords and working scopes', () => {
    const users = new Map(demo.users.map((u) => [u.username, u]));
    for (const role of ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer']) {
      expect(demo.users.some((u) => u.role === role), role).toBe(true);
    }
    expect([...users.keys()]).toEqual(['admin', 'organizer', 'inspector', 'unit_head', 'unit_head2', 'staff', 'assessor', 'observer']);
    for (const u of demo.users) {
      expect(u.password).toBe(demoPassword(u.username));
      expect(u.password).toBe(`Demo@${u.username}2026`);
      expect(u.displayName).toMatch(/\p{Script=Han}/u);
    }
    expect(users.get('admin')).toMatchObject({ scopeRegionCode: null, scopeUnitCode: null });
    for (const name of ['organizer', 'inspector', 'assessor', 'observer']) expect(users.get(name)!.scopeRegionCode).toBe(DEMO_PROVINCE_CODE);

    const unitRegion = new Map(demo.units.map((u) => [u.code, u.regionCode]));
    const head = users.get('unit_head')!;
    const head2 = users.get('unit_head2')!;
    const county1 = unitRegion.get(head.scopeUnitCode!)!;
    const county2 = unitRegion.get(head2.scopeUnitCode!)!;
    expect(demo.regions.find((r) => r.code === county1)!.level).toBe('county');
    expect(demo.regions.find((r) => r.code === county2)!.level).toBe('county');
    expect(county1).not.toBe(county2);
    expect(demo.staff.some((s) => s.unitCode === head2.scopeUnitCode)).toBe(true);

    const staffUser = users.get('staff')!;
    const member = demo.staff.find((s) => s.code === staffUser.staffCode)!;
    expect(member).toMatchObject({ unitCode: head.scopeUnitCode, status: 'active' });
    expect(staffUser.scopeUnitCode).toBe(head.scopeUnitCode);
    expect(staffUser.displayName).toBe(member.name);
  });

  it('links the staff account to an active person even with very few staff', () => {
    for (const n of [1, 2, 3, 100]) {
      for (const seed of ['a', 'b', 'c']) {
        const p = generateDemoProvince({ staff: n, seed });
        const staffUser = p.users.find((u) => u.username === 'staff')!;
        const member = p.staff.find((s) => s.code === staffUser.staffCode);
        expect(member?.status).toBe('active');
        expect(member?.unitCode).toBe(staffUser.scopeUnitCode);
      }
    }
  });

  it('generates 100,000 staff with unique codes, ID numbers and phones', () => {
    const big = generateDemoProvince({ staff: 100_000, seed: 'big' });
    expect(big.staff).toHaveLength(100_000);
    expect(new Set(big.staff.map((s) => s.code)).size).toBe(100_000);
    expect(new Set(big.staff.map((s) => s.idNumber)).size).toBe(100_000);
    expect(new Set(big.staff.map((s) => s.phone)).size).toBe(100_000);
    expect(big.staff.every((s, i) => i % 997 !== 0 || idNumberProblem(s.idNumber) === null)).toBe(true);
  });
});
