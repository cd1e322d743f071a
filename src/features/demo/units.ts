// Government departments of the demo province and the 政务服务事项 they handle. Like the regions, the
// unit tree and service catalogue are fixed; only the people (staff) depend on the seed.
import type { DemoServiceItem, DemoUnit, DemoUnitCategory } from './types.ts';
import type { CountyKind, RegionInfo } from './regions.ts';

type Level = 'province' | 'city' | 'county';
const W: DemoUnitCategory = 'window_service';
const L: DemoUnitCategory = 'law_enforcement';
const G: DemoUnitCategory = 'general_admin';

/** A service item: name, promised working days (0 = 即办件), and the levels that handle it (all when omitted). */
type Svc = readonly [name: string, days: number, at?: readonly Level[]];

interface ChildDef {
  suffix: string;
  category: DemoUnitCategory;
  weight: number;
  at: readonly Level[];
  services: readonly Svc[];
  base?: BaseKind;
}

interface DeptDef {
  key: string;
  /** Name after the region name, per level; `district` overrides `county` for 区. Missing level = no such unit. */
  names: Partial<Record<Level | 'district', string>>;
  category: DemoUnitCategory;
  /** Relative staff size at county level (province and city units are scaled up). */
  weight: number;
  services?: readonly Svc[];
  children?: readonly ChildDef[];
  base?: BaseKind;
}

export type BaseKind = 'window' | 'enforcement' | 'police' | 'police_window' | 'office';

const PC: readonly Level[] = ['province', 'city'];
const CK: readonly Level[] = ['city', 'county'];
const P: readonly Level[] = ['province'];
const C: readonly Level[] = ['city'];
const K: readonly Level[] = ['county'];

const DEPARTMENTS: readonly DeptDef[] = [
  // 窗口服务类
  {
    key: 'zwfw', names: { province: '政务服务和大数据管理局', city: '政务服务中心', county: '政务服务中心' }, category: W, weight: 1.0,
    services: [['帮办代办服务', 0, CK], ['政务服务投诉受理', 5], ['政务数据共享申请审核', 10, P]],
    children: [
      { suffix: '综合受理窗口', category: W, weight: 1.4, at: CK, services: [['新生儿出生“一件事”联办', 5], ['退休“一件事”联办', 10], ['高龄津贴申领', 10]] },
      { suffix: '企业开办专区', category: W, weight: 1.0, at: CK, services: [['营业执照办理', 1], ['企业开办“一件事”', 1], ['公章刻制备案', 0], ['企业注销登记', 3]] },
      { suffix: '工程建设项目审批窗口', category: W, weight: 0.9, at: C, services: [['建筑工程施工许可证核发', 7], ['建设工程规划许可证核发', 15], ['房屋建筑工程竣工验收备案', 5]] },
    ],
  },
  {
    key: 'rs', names: { province: '人力资源和社会保障厅', city: '人力资源和社会保障局', county: '人力资源和社会保障局' }, category: W, weight: 1.5,
    services: [
      ['社保卡补办', 0, CK], ['社会保险参保登记', 0, CK], ['失业保险金申领', 5, CK], ['就业创业证申领', 1, CK],
      ['养老保险关系转移接续', 15], ['企业职工基本养老保险待遇核定', 10, CK], ['职业资格证书补发', 10, PC],
      ['人力资源服务许可', 20, PC], ['劳务派遣经营许可', 20, PC],
    ],
  },
  {
    key: 'bdc', names: { city: '不动产登记中心', county: '不动产登记中心' }, category: W, weight: 1.0,
    services: [['不动产登记', 5], ['不动产转移登记', 5], ['不动产抵押登记', 3], ['不动产登记资料查询', 0], ['不动产更正登记', 10], ['不动产权证书补发', 10]],
  },
  {
    key: 'yb', names: { province: '医疗保障局', city: '医疗保障局', county: '医疗保障局' }, category: W, weight: 0.8,
    services: [['医保异地就医备案', 0], ['基本医疗保险参保登记', 0, CK], ['医疗费用零星报销', 20, CK], ['门诊慢特病待遇认定', 10, CK], ['定点医药机构申请受理', 20, PC]],
  },
  {
    key: 'gjj', names: { city: '住房公积金管理中心' }, category: W, weight: 0.8,
    services: [['住房公积金提取', 1], ['住房公积金个人贷款', 15], ['住房公积金缴存登记', 0]],
  },
  // 执法监管类
  {
    key: 'ga', names: { province: '公安厅', city: '公安局', county: '公安局', district: '公安分局' }, category: L, weight: 3.0, base: 'police',
    services: [['旅馆业特种行业许可', 20, CK], ['公章刻制业特种行业许可', 20, CK], ['大型群众性活动安全许可', 7], ['爆破作业单位许可', 20, P]],
    children: [
      { suffix: '户政服务窗口', category: W, weight: 1.0, at: CK, base: 'police_window', services: [['居住证办理', 7], ['户口迁移', 5], ['新生儿入户', 0], ['居民身份证换领', 15], ['临时居民身份证办理', 0]] },
      { suffix: '出入境服务窗口', category: W, weight: 0.6, at: CK, base: 'police_window', services: [['普通护照签发', 7], ['往来港澳通行证签发', 7], ['往来港澳通行证签注', 0]] },
    ],
  },
  {
    key: 'scjg', names: { province: '市场监督管理局', city: '市场监督管理局', county: '市场监督管理局' }, category: L, weight: 2.0, base: 'enforcement',
    services: [
      ['食品经营许可', 7, CK], ['个体工商户登记', 1, CK], ['特种设备使用登记', 5, CK], ['药品零售企业经营许可', 15, C],
      ['食品生产许可', 20, PC], ['工业产品生产许可', 20, P],
    ],
  },
  {
    key: 'sthj', names: { province: '生态环境厅', city: '生态环境局' }, category: L, weight: 1.0, base: 'enforcement',
    services: [['排污许可证核发', 20], ['建设项目环境影响报告表审批', 15, C], ['建设项目环境影响报告书审批', 20, PC], ['危险废物经营许可', 20, P]],
  },
  {
    key: 'cgzf', names: { city: '城市管理综合行政执法局', county: '城市管理综合行政执法局' }, category: L, weight: 2.0, base: 'enforcement',
    services: [['城市建筑垃圾处置核准', 7], ['户外广告设施设置审批', 5], ['临时占用城市道路审批', 3], ['城市道路挖掘许可', 5]],
  },
  {
    key: 'jt', names: { province: '交通运输厅', city: '交通运输局', county: '交通运输局' }, category: L, weight: 1.2, base: 'enforcement',
    services: [['道路货物运输经营许可', 10, CK], ['出租汽车驾驶员从业资格证核发', 10, C], ['公路超限运输许可', 3], ['道路运输从业资格证补发', 0, CK], ['公路建设项目施工许可', 20, P]],
  },
  {
    key: 'yj', names: { province: '应急管理厅', city: '应急管理局', county: '应急管理局' }, category: L, weight: 0.8, base: 'enforcement',
    services: [['危险化学品经营许可', 15, PC], ['烟花爆竹经营（零售）许可', 10, K], ['生产安全事故应急预案备案', 3], ['非煤矿山安全生产许可', 20, P]],
  },
  // 综合管理类
  { key: 'fgw', names: { province: '发展和改革委员会', city: '发展和改革委员会', county: '发展和改革局' }, category: G, weight: 0.8 },
  { key: 'cz', names: { province: '财政厅', city: '财政局', county: '财政局' }, category: G, weight: 0.8 },
  { key: 'jy', names: { province: '教育厅', city: '教育局', county: '教育局' }, category: G, weight: 0.9 },
  {
    key: 'mz', names: { province: '民政厅', city: '民政局', county: '民政局' }, category: G, weight: 0.7,
    children: [{ suffix: '婚姻登记处', category: W, weight: 0.5, at: K, services: [['结婚登记', 0], ['离婚登记', 0], ['补领婚姻登记证', 0]] }],
  },
  { key: 'sf', names: { province: '司法厅', city: '司法局', county: '司法局' }, category: G, weight: 0.7 },
  { key: 'wjw', names: { province: '卫生健康委员会', city: '卫生健康委员会', county: '卫生健康局' }, category: G, weight: 0.8 },
  { key: 'nync', names: { province: '农业农村厅', city: '农业农村局', county: '农业农村局' }, category: G, weight: 0.9 },
  { key: 'zrzy', names: { province: '自然资源厅', city: '自然资源和规划局', county: '自然资源和规划局' }, category: G, weight: 0.9 },
  { key: 'zjj', names: { province: '住房和城乡建设厅', city: '住房和城乡建设局' }, category: G, weight: 0.7 },
  { key: 'tj', names: { province: '统计局', city: '统计局' }, category: G, weight: 0.4 },
  { key: 'sj', names: { province: '审计厅', city: '审计局' }, category: G, weight: 0.5 },
  { key: 'tyjr', names: { province: '退役军人事务厅', city: '退役军人事务局' }, category: G, weight: 0.4 },
];

const TOWNSHIP_UNITS: readonly { suffix: string; category: DemoUnitCategory; weight: number; base: BaseKind; services: readonly Svc[] }[] = [
  {
    suffix: '便民服务中心', category: W, weight: 1.0, base: 'window',
    services: [['城乡居民基本养老保险参保登记', 0], ['城乡居民医保参保登记', 0], ['生育登记', 0], ['最低生活保障申请受理', 1], ['残疾人证申请受理', 1]],
  },
  {
    suffix: '综合行政执法队', category: L, weight: 1.2, base: 'enforcement',
    services: [['乡村建设规划许可证核发', 10], ['临时占用道路审批', 3]],
  },
];

/** Staff-size multipliers by level: provincial and city departments are bigger than county ones. */
const LEVEL_SCALE: Record<Level | 'township', number> = { province: 2.5, city: 1.6, county: 1, township: 0.45 };

/** What the staff generator needs to know about a unit beyond its public record. */
export interface UnitInfo extends DemoUnit {
  level: Level | 'township';
  /** Relative staff size. */
  weight: number;
  /** 6-digit administrative code used as the ID-number prefix of its people. */
  idPrefix: string;
  /** Department key of the template ('zwfw', 'ga', …; township units: 'township'). */
  key: string;
  base: BaseKind;
  services: readonly Svc[];
}

/** Every unit, region by region (depth-first, like the regions), each parent right before its children. */
export function buildUnits(regions: readonly RegionInfo[]): UnitInfo[] {
  const out: UnitInfo[] = [];
  for (const region of regions) {
    let seq = 0;
    const code = () => `U${region.code}${String(++seq).padStart(2, '0')}`;
    const idPrefix = region.countyCode ?? region.code;
    if (region.level === 'township') {
      const county = regions.find((r) => r.code === region.parentCode)!;
      for (const t of TOWNSHIP_UNITS) {
        out.push({
          code: code(), name: `${county.name}${region.name}${t.suffix}`, category: t.category, regionCode: region.code, parentCode: null,
          level: 'township', weight: t.weight * LEVEL_SCALE.township, idPrefix, key: 'township', base: t.base, services: t.services,
        });
      }
      continue;
    }
    const level = region.level as Level;
    for (const dept of DEPARTMENTS) {
      const suffix = deptName(dept, level, region.countyKind);
      if (!suffix) continue;
      const parent: UnitInfo = {
        code: code(), name: region.name + suffix, category: dept.category, regionCode: region.code, parentCode: null,
        level, weight: dept.weight * LEVEL_SCALE[level], idPrefix, key: dept.key,
        base: dept.base ?? defaultBase(dept.category), services: servicesAt(dept.services ?? [], level),
      };
      out.push(parent);
      for (const child of dept.children ?? []) {
        if (!child.at.includes(level)) continue;
        out.push({
          code: code(), name: parent.name + child.suffix, category: child.category, regionCode: region.code, parentCode: parent.code,
          level, weight: child.weight * LEVEL_SCALE[level], idPrefix, key: dept.key,
          base: child.base ?? defaultBase(child.category), services: servicesAt(child.services, level),
        });
      }
    }
  }
  return out;
}

function deptName(dept: DeptDef, level: Level, kind: CountyKind | null): string | undefined {
  if (level === 'county' && kind === 'district' && dept.names.district) return dept.names.district;
  return dept.names[level];
}

const servicesAt = (services: readonly Svc[], level: Level) => services.filter(([, , at]) => !at || at.includes(level));

function defaultBase(category: DemoUnitCategory): BaseKind {
  return category === 'window_service' ? 'window' : category === 'law_enforcement' ? 'enforcement' : 'office';
}

/** Service items of window-service and law-enforcement units; codes are `I` + the unit code's digits + 2 digits. */
export function buildServiceItems(units: readonly UnitInfo[]): DemoServiceItem[] {
  const out: DemoServiceItem[] = [];
  for (const unit of units) {
    if (unit.category === 'general_admin') continue;
    unit.services.forEach(([name, days], i) => {
      out.push({ code: `I${unit.code.slice(1)}${String(i + 1).padStart(2, '0')}`, name, unitCode: unit.code, promisedDays: days });
    });
  }
  return out;
}

/** Leader titles by unit name: [head, deputy, middle manager, deputy middle manager]. */
export function leaderTitles(unit: UnitInfo): readonly [string, string, string, string] {
  const n = unit.name;
  const mid = unit.level === 'province' ? (['处长', '副处长'] as const) : (['科长', '副科长'] as const);
  if (n.endsWith('厅')) return ['厅长', '副厅长', '处长', '副处长'];
  if (n.endsWith('委员会')) return ['主任', '副主任', ...mid];
  if (n.endsWith('局')) return ['局长', '副局长', ...mid];
  if (n.endsWith('执法队')) return ['队长', '副队长', '中队长', '副中队长'];
  if (n.endsWith('窗口') || n.endsWith('专区')) return ['负责人', '副负责人', '组长', '副组长'];
  if (n.endsWith('登记处')) return ['主任', '副主任', '组长', '副组长'];
  return ['主任', '副主任', ...mid]; // 中心
}

/** Base-level positions with weights, by kind of work. */
export const BASE_POSITIONS: Record<BaseKind, readonly (readonly [string, number])[]> = {
  window: [['窗口工作人员', 5], ['综合受理员', 2], ['科员', 2], ['办事员', 1]],
  enforcement: [['执法队员', 5], ['科员', 3], ['办事员', 1]],
  police: [['民警', 8], ['科员', 2]],
  police_window: [['民警', 5], ['窗口工作人员', 4], ['办事员', 1]],
  office: [['科员', 7], ['办事员', 2], ['主任科员', 1]],
};
