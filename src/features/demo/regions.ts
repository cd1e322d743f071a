// The fictional 清源省 (administrative code prefix 99, which no real province uses): 4 cities, 15
// county-level regions, 3–5 townships each. The structure is fixed (it does not depend on the seed),
// so demo scopes and usernames stay stable whatever seed a caller chooses.
//
// Codes follow GB/T 2260 habits: city 99xx00; districts (区) 99xx02…, counties (县) 99xx21…,
// county-level cities (县级市) 99xx81; townships 99xxyy0zz.
import { createRng } from './rng.ts';
import type { DemoRegion } from './types.ts';

export const DEMO_PROVINCE_CODE = '990000';
export const DEMO_PROVINCE_NAME = '清源省';

export type CountyKind = 'district' | 'county' | 'county_city';

interface CountyDef { code: string; name: string; kind: CountyKind; townships: number }
interface CityDef { code: string; name: string; counties: CountyDef[] }

const d = (code: string, name: string, townships: number): CountyDef => ({ code, name, kind: 'district', townships });
const c = (code: string, name: string, townships: number): CountyDef => ({ code, name, kind: 'county', townships });
const cc = (code: string, name: string, townships: number): CountyDef => ({ code, name, kind: 'county_city', townships });

const CITIES: CityDef[] = [
  { code: '990100', name: '青川市', counties: [d('990102', '临溪区', 4), d('990103', '望湖区', 3), c('990121', '石岭县', 5), cc('990181', '桐源市', 4)] },
  { code: '990200', name: '云岫市', counties: [d('990202', '岫山区', 4), d('990203', '白鹭区', 3), c('990221', '梅溪县', 5), c('990222', '南屏县', 4)] },
  { code: '990300', name: '泓州市', counties: [d('990302', '泓城区', 5), d('990303', '北湖区', 3), c('990321', '青溪县', 4), cc('990381', '凤鸣市', 4)] },
  { code: '990400', name: '松岚市', counties: [d('990402', '岚城区', 4), c('990421', '鹤鸣县', 5), c('990422', '云台县', 3)] },
];

const STREETS = [
  '东门', '西关', '南湖', '北苑', '新城', '滨江', '文昌', '锦华', '凤凰', '桂园', '花溪', '府前', '河西', '江东',
  '城南', '城北', '开元', '永宁', '丰乐', '金湖', '白塔', '龙泉', '清风', '月湖', '青云', '望江', '紫荆', '长乐',
];
const TOWNS = [
  '石桥', '柳湾', '白沙', '龙潭', '青山', '桃源', '杉木', '枫林', '荷塘', '马鞍', '双河', '三江', '竹园', '梨花',
  '高坪', '平田', '大坝', '新塘', '杨柳', '板桥', '金竹', '长岭', '沙坪', '芦溪', '永安', '太平', '兴隆', '古城',
  '河口', '杏花', '茶园', '鹿鸣', '云雾', '盘龙', '卧牛', '仙桥', '梅林', '稻香', '柏树', '响水', '官渡', '铁炉',
];

export interface RegionInfo extends DemoRegion {
  /** The county-level region this one belongs to (itself for counties), null above county level. */
  countyCode: string | null;
  countyKind: CountyKind | null;
}

/** All regions, parents before children (depth-first). */
export function buildRegions(): RegionInfo[] {
  // A fixed stream just for place names, independent of the caller's seed.
  const rng = createRng('清源省/places');
  const out: RegionInfo[] = [
    { code: DEMO_PROVINCE_CODE, name: DEMO_PROVINCE_NAME, level: 'province', parentCode: null, countyCode: null, countyKind: null },
  ];
  for (const city of CITIES) {
    out.push({ code: city.code, name: city.name, level: 'city', parentCode: DEMO_PROVINCE_CODE, countyCode: null, countyKind: null });
    // Township names are unique within a city; a name may recur in another city, as in life.
    const streets = shuffled(STREETS, rng);
    const towns = shuffled(TOWNS, rng);
    for (const county of city.counties) {
      out.push({ code: county.code, name: county.name, level: 'county', parentCode: city.code, countyCode: county.code, countyKind: county.kind });
      for (let i = 0; i < county.townships; i++) {
        out.push({
          code: `${county.code}0${String(i + 1).padStart(2, '0')}`,
          name: townshipName(county, i, streets, towns),
          level: 'township',
          parentCode: county.code,
          countyCode: county.code,
          countyKind: county.kind,
        });
      }
    }
  }
  return out;
}

function townshipName(county: CountyDef, i: number, streets: string[], towns: string[]): string {
  if (county.kind === 'district') return `${streets.pop()}街道`;
  if (county.kind === 'county_city') return i < 2 ? `${streets.pop()}街道` : `${towns.pop()}镇`;
  if (i === 0) return '城关镇';
  // Remote counties keep a 乡 or two at the end of the list.
  return i >= 3 && i === county.townships - 1 ? `${towns.pop()}乡` : `${towns.pop()}镇`;
}

function shuffled<T>(items: readonly T[], rng: ReturnType<typeof createRng>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
