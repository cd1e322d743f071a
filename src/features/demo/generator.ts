// A deterministic demo province: 清源省 (code prefix 99, fictional) with its regions, government units,
// service items, staff and one sign-in account per role. Pure data, no database: the seeding command
// imports it in array order (parents always come before children).
//
// Regions, units and service items are fixed; the seed decides the people (names, ID numbers, phones,
// dates, statuses). Same options → deep-equal output.
//
// Demo accounts (password is always `Demo@<username>2026`):
//   admin       系统管理员                 everything
//   organizer   省委组织部考核处           province 990000
//   inspector   省纪委监委纪检监察室       province 990000
//   unit_head   临溪区政务服务中心负责人   unit 临溪区政务服务中心 (first county of 青川市)
//   unit_head2  望湖区政务服务中心负责人   unit 望湖区政务服务中心 (another county, same city)
//   staff       <a staff member's name>    unit_head's unit, linked to an active member of it
//   assessor    第三方评估机构评估员       province 990000
//   observer    人大代表监督员             province 990000
import { idNumberCheckChar } from '../../lib/identity.ts';
import { personName } from './names.ts';
import { DEMO_PROVINCE_CODE, buildRegions, type RegionInfo } from './regions.ts';
import { createRng, weightedPicker, type Rng } from './rng.ts';
import type { DemoProvince, DemoRegion, DemoRole, DemoStaff, DemoUnit, DemoUser } from './types.ts';
import { BASE_POSITIONS, buildServiceItems, buildUnits, leaderTitles, type BaseKind, type UnitInfo } from './units.ts';

export type * from './types.ts';
export { DEMO_PROVINCE_CODE, DEMO_PROVINCE_NAME } from './regions.ts';

export interface DemoOptions {
  /** Number of staff to generate, exactly (0 – 9,999,999). Default 2000. */
  staff?: number;
  /** Any string or number; String(seed) is hashed. Default 'probity-demo'. */
  seed?: string | number;
}

export const DEMO_DEFAULT_STAFF = 2000;
export const DEMO_DEFAULT_SEED = 'probity-demo';

/** The documented password of a demo account. */
export const demoPassword = (username: string) => `Demo@${username}2026`;

/** Demo usernames in a stable order, one per role plus a second unit head. */
export const DEMO_USERNAMES = ['admin', 'organizer', 'inspector', 'unit_head', 'unit_head2', 'staff', 'assessor', 'observer'] as const;

const LEADER_SHARE = 0.12;
const CANDIDATE_SHARE = 0.05;
const DEPARTED_SHARE = 0.05;
const PHONE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156',
  '157', '158', '159', '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187',
  '188', '189', '191', '193', '195', '198', '199',
];

export function generateDemoProvince(options: DemoOptions = {}): DemoProvince {
  const staffCount = options.staff ?? DEMO_DEFAULT_STAFF;
  if (!Number.isInteger(staffCount) || staffCount < 0 || staffCount > 9_999_999) {
    throw new RangeError(`staff must be an integer 0–9999999, got ${staffCount}`);
  }
  const seed = String(options.seed ?? DEMO_DEFAULT_SEED);

  const regionInfos = buildRegions();
  const unitInfos = buildUnits(regionInfos);
  const serviceItems = buildServiceItems(unitInfos);

  const counties = regionInfos.filter((r) => r.level === 'county');
  const headUnit = serviceCentreOf(unitInfos, counties[0]!);
  const head2Unit = serviceCentreOf(unitInfos, counties[1]!);

  // Both unit heads' units get at least one person, so the scope tests have someone to (not) see.
  const reserved = [headUnit.code, head2Unit.code].slice(0, Math.min(2, staffCount));
  const counts = allocate(unitInfos, staffCount, reserved);
  const staff = generateStaff(unitInfos, counts, new Set(reserved), createRng(`staff/${seed}`));

  const inHeadUnit = staff.filter((s) => s.unitCode === headUnit.code && s.status === 'active');
  const member = inHeadUnit.find((s) => s.level === 'base') ?? inHeadUnit[0] ?? null;

  return {
    regions: regionInfos.map(({ code, name, level, parentCode }): DemoRegion => ({ code, name, level, parentCode })),
    units: unitInfos.map(({ code, name, category, regionCode, parentCode }): DemoUnit => ({ code, name, category, regionCode, parentCode })),
    serviceItems,
    staff,
    users: buildUsers(headUnit, head2Unit, member),
  };
}

/** The county's 政务服务中心 (the top-level unit of the 'zwfw' department). */
function serviceCentreOf(units: readonly UnitInfo[], county: RegionInfo): UnitInfo {
  const unit = units.find((u) => u.regionCode === county.code && u.key === 'zwfw' && u.parentCode === null);
  if (!unit) throw new Error(`no service centre in ${county.name}`);
  return unit;
}

/** Splits `total` over units by weight (largest remainder), after giving each reserved unit one person. */
function allocate(units: readonly UnitInfo[], total: number, reserved: readonly string[]): number[] {
  const counts = units.map((u) => (reserved.includes(u.code) ? 1 : 0));
  const rest = total - reserved.length;
  const weightSum = units.reduce((s, u) => s + u.weight, 0);
  const fractions: [number, number][] = [];
  let given = 0;
  units.forEach((u, i) => {
    const quota = (rest * u.weight) / weightSum;
    const whole = Math.floor(quota);
    counts[i]! += whole;
    given += whole;
    fractions.push([quota - whole, i]);
  });
  fractions.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest - given; k++) counts[fractions[k]![1]]! += 1;
  return counts;
}

// Dates as whole days since 1970-01-01 (UTC).
const DAY = 86_400_000;
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;
const iso = (days: number) => new Date(days * DAY).toISOString().slice(0, 10);
const LAST_DAY = day(2025, 12, 31);

function generateStaff(units: readonly UnitInfo[], counts: readonly number[], reserved: ReadonlySet<string>, rng: Rng): DemoStaff[] {
  const out: DemoStaff[] = [];
  const idPrefixes = new Set<string>(); // first 17 characters of every ID number issued
  const phones = new Set<string>();
  const basePickers = new Map<BaseKind, (rng: Rng) => string>();
  const basePosition = (kind: BaseKind) => {
    let picker = basePickers.get(kind);
    if (!picker) basePickers.set(kind, (picker = weightedPicker(BASE_POSITIONS[kind])));
    return picker(rng);
  };

  units.forEach((unit, u) => {
    const n = counts[u]!;
    if (n === 0) return;
    const titles = leaderTitles(unit);
    // Stochastic rounding keeps the overall leader share at 12% even when most units are small.
    const exact = n * LEADER_SHARE;
    const leaders = Math.floor(exact) + (rng.chance(exact - Math.floor(exact)) ? 1 : 0);
    let hasActive = false;
    for (let i = 0; i < n; i++) {
      const leader = i < leaders;
      const position = !leader ? basePosition(unit.base) : i === 0 ? titles[0] : i <= 2 ? titles[1] : (i - 3) % 3 === 0 ? titles[2] : titles[3];
      const male = rng.chance(leader ? 0.68 : unit.category === 'law_enforcement' ? 0.62 : unit.category === 'window_service' ? 0.4 : 0.52);

      let status: DemoStaff['status'];
      const r = rng.next();
      if (reserved.has(unit.code) && i === n - 1 && !hasActive) status = 'active';
      else status = r < CANDIDATE_SHARE ? 'candidate' : r < CANDIDATE_SHARE + DEPARTED_SHARE ? 'departed' : 'active';
      if (status === 'active') hasActive = true;

      // Leaders are older; candidates (about to enter) younger.
      const birthFrom = status === 'candidate' && !leader ? day(1990, 1, 1) : day(1965, 1, 1);
      const birthTo = leader ? day(1985, 12, 31) : day(2000, 12, 31);
      const { idNumber, birth } = idNumber17(unit.idPrefix, rng.int(birthFrom, birthTo), birthFrom, birthTo, male, rng, idPrefixes);

      let enteredOn: string | null = null;
      let departedOn: string | null = null;
      if (status !== 'candidate') {
        const latest = status === 'departed' ? LAST_DAY - 365 : LAST_DAY;
        const entered = entryDay(birth, latest, rng);
        enteredOn = iso(entered);
        if (status === 'departed') departedOn = iso(rng.int(entered + 90, LAST_DAY));
      }

      out.push({
        code: `S${String(out.length + 1).padStart(7, '0')}`,
        name: personName(rng, male),
        unitCode: unit.code,
        position,
        level: leader ? 'leader' : 'base',
        status,
        enteredOn,
        departedOn,
        idNumber,
        phone: uniquePhone(rng, phones),
      });
    }
  });
  return out;
}

/** Most people enter between 22 and 32; those who would enter after `latest` entered recently instead. */
function entryDay(birth: number, latest: number, rng: Rng): number {
  const earliest = Math.max(birth + 8036, day(1985, 7, 1));
  const entered = Math.max(earliest, birth + rng.int(8036, 11_688));
  return entered <= latest ? entered : rng.int(Math.min(Math.max(earliest, latest - 730), latest), latest);
}

/**
 * An ID number unique among `issued`: region prefix, birth date, 3-digit sequence (odd = male,
 * even = female) and the GB 11643 check character. On a clash it retries the sequence, then moves the
 * birth date by a day.
 */
function idNumber17(prefix: string, birth: number, from: number, to: number, male: boolean, rng: Rng, issued: Set<string>) {
  for (;;) {
    const ymd = iso(birth).replaceAll('-', '');
    for (let attempt = 0; attempt < 16; attempt++) {
      const seq = male ? rng.int(0, 499) * 2 + 1 : rng.int(1, 499) * 2;
      const first17 = prefix + ymd + String(seq).padStart(3, '0');
      if (!issued.has(first17)) {
        issued.add(first17);
        return { idNumber: first17 + idNumberCheckChar(first17), birth };
      }
    }
    birth = birth >= to ? from : birth + 1;
  }
}

function uniquePhone(rng: Rng, issued: Set<string>): string {
  for (;;) {
    const phone = rng.pick(PHONE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
    if (!issued.has(phone)) {
      issued.add(phone);
      return phone;
    }
  }
}

function buildUsers(headUnit: UnitInfo, head2Unit: UnitInfo, member: DemoStaff | null): DemoUser[] {
  const user = (username: string, displayName: string, role: DemoRole, scope: { region?: string; unit?: string; staff?: string } = {}): DemoUser => ({
    username,
    displayName,
    role,
    scopeRegionCode: scope.region ?? null,
    scopeUnitCode: scope.unit ?? null,
    staffCode: scope.staff ?? null,
    password: demoPassword(username),
  });
  const province = { region: DEMO_PROVINCE_CODE };
  return [
    user('admin', '系统管理员', 'admin'),
    user('organizer', '省委组织部考核处', 'organizer', province),
    user('inspector', '省纪委监委纪检监察室', 'inspector', province),
    user('unit_head', `${headUnit.name}负责人`, 'unit_head', { unit: headUnit.code }),
    user('unit_head2', `${head2Unit.name}负责人`, 'unit_head', { unit: head2Unit.code }),
    user('staff', member?.name ?? '政务人员', 'staff', { unit: headUnit.code, ...(member ? { staff: member.code } : {}) }),
    user('assessor', '第三方评估机构评估员', 'assessor', province),
    user('observer', '人大代表监督员', 'observer', province),
  ];
}
