// The scoring engine (计分引擎), a pure function: framework version + subjects + metric values +
// events + assessor scores + exemptions → per subject the total, per-dimension and per-indicator
// points, every one with its sentence and evidence. Cross-subject rules (bands, quota, rank, bottom
// flag, promotion) are in ranking.ts. No clock, no database, no randomness: the same input gives the
// same output, which runs.ts serialises canonically.
//
// total = basic (0…structure.basic) + bonus (0…bonusCap) + (deductionCap − deductions (0…deductionCap))
import type { UnitCategory } from '../../db/types.ts';
import * as X from './explain.ts';
import type { EvidenceEvent, MetricValue, SubjectKind } from './inputs.ts';
import { activeIn, appliesTo, type BasicIndicator, type Curve, type Dimension, type FrameworkDef, type QuantitativeIndicator, type Variant } from './model.ts';
import { rankSubjects, type RankedResult } from './ranking.ts';

export interface EngineSubject {
  kind: SubjectKind;
  id: number;
  code: string;
  category: UnitCategory;
  /** Staff level (leader 领导 / base 基层); null for units. */
  level: 'leader' | 'base' | null;
  /** The unit a staff member belongs to (a unit: itself): the group of the quota. */
  unitId: number;
}

export interface Assessment { id: number; kind: SubjectKind; subjectId: number; indicator: string; assessor: string; level: string }
/** 容错清单: an approved exemption of one event (by its evidence reference) or one indicator. */
export interface Exemption {
  id: number;
  kind: SubjectKind;
  subjectId: number;
  eventRef: { type: string; id: string } | null;
  indicator: string | null;
  reason: string;
  approver: string;
}

export interface EngineInput {
  framework: FrameworkDef;
  period: { code: string; from: Date; to: Date; fromDay: string; lastDay: string };
  subjects: EngineSubject[];
  /** Metric values by subject key `${kind}:${id}`. */
  metrics: Map<string, Record<string, MetricValue>>;
  events: Map<string, EvidenceEvent[]>;
  assessments: Assessment[];
  exemptions: Exemption[];
}

export interface EvidenceRef { type: string; id: string }
export type ItemStatus = 'scored' | 'insufficient' | 'exempt';

export interface ItemResult {
  code: string;
  kind: 'quantitative' | 'qualitative' | 'bonus' | 'deduction' | 'exemption' | 'cap';
  dimension: string | null;
  status: ItemStatus;
  /** Points gained (basic, bonus) or lost (deduction, as a positive number). */
  points: number;
  max: number;
  value: number | null;
  explanation: X.Line;
  evidence: EvidenceRef[];
}

// Every object of a breakdown is built with its keys in code-unit order, as canonical JSON wants them,
// so that storing 10^5 breakdowns serialises them as they are (see explain.ts).
export interface DimensionResult { code: string; max: number; nameEn: string; nameZh: string; points: number }

/** A subject's scores before the cross-subject rules. */
export interface ScoredSubject {
  subject: EngineSubject;
  basic: number;
  bonus: number;
  deduction: number;
  total: number;
  dimensions: DimensionResult[];
  items: ItemResult[];
  veto: { code: string; explanation: X.Line; evidence: EvidenceRef[] } | null;
}

export const keyOf = (kind: SubjectKind, id: number) => `${kind}:${id}`;
export const round2 = (x: number) => Math.round((x + Number.EPSILON) * 100) / 100;
const sum = (xs: number[]) => round2(xs.reduce((a, b) => a + b, 0));
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Score every subject. Subjects whose category has no variant are returned in `unscored`. */
export function scoreSubjects(input: EngineInput): { results: RankedResult[]; unscored: EngineSubject[] } {
  const plan = planGroups(input);
  return { results: plan.groups.flatMap((g) => scoreAndRank(input, plan, g)), unscored: plan.unscored };
}

export interface Group { variant: Variant; members: EngineSubject[] }
export interface GroupPlan { index: Indexed; groups: Group[]; unscored: EngineSubject[] }

/**
 * The groups scored together: one kind of subject in one category (the peers of rank curves,
 * medians, ranks and bottom flags; a unit's staff share its category, so a quota stays inside one
 * group too), in a fixed order. A caller may score, store and let go of one group at a time.
 */
export function planGroups(input: EngineInput): GroupPlan {
  const { framework } = input;
  const index: Indexed = { assessments: groupBy(input.assessments, (a) => `${keyOf(a.kind, a.subjectId)}:${a.indicator}`), exemptions: groupBy(input.exemptions, (e) => keyOf(e.kind, e.subjectId)) };
  const subjects = [...input.subjects].sort((a, b) => (a.kind === b.kind ? (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) : a.kind === 'staff' ? -1 : 1));
  const unscored: EngineSubject[] = [];
  const groups = new Map<string, Group>();
  for (const s of subjects) {
    const variant = framework.variants.find((v) => v.category === s.category);
    if (!variant) {
      unscored.push(s);
      continue;
    }
    const g = `${s.kind}:${s.category}`;
    if (!groups.has(g)) groups.set(g, { variant, members: [] });
    groups.get(g)!.members.push(s);
  }
  return { index, groups: [...groups.values()], unscored };
}

/** One group's subjects scored, then banded and ranked among themselves. */
export function scoreAndRank(input: EngineInput, plan: GroupPlan, group: Group): RankedResult[] {
  return rankSubjects(input.framework, scoreGroup(input, plan.index, group.variant, group.members));
}

export interface Indexed { assessments: Map<string, Assessment[]>; exemptions: Map<string, Exemption[]> }

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

interface Fraction { fraction: number | null; value: number | null; sample: number; levels?: string[]; evidence: EvidenceRef[]; why?: X.InsufficientWhy; exemption?: Exemption }

/** One kind of subject in one category: the peers of rank curves and category medians. */
function scoreGroup(input: EngineInput, index: Indexed, variant: Variant, members: EngineSubject[]): ScoredSubject[] {
  const { framework, period } = input;
  const kind = members[0]!.kind;
  const dims = variant.dimensions
    .map((d) => ({ dim: d, indicators: d.indicators.filter((i) => activeIn(i, period) && appliesTo(i, kind)) }))
    .filter((d) => d.indicators.length > 0);
  const dimWeight = dims.reduce((a, d) => a + d.dim.weight, 0);

  // Raw fractions of every active indicator for every member, then the category medians.
  const fractions = new Map<string, Map<number, Fraction>>();
  for (const { indicators } of dims) {
    for (const ind of indicators) {
      const byMember = new Map<number, Fraction>();
      for (const s of members) byMember.set(s.id, rawFraction(input, index, s, ind));
      if (ind.kind === 'quantitative' && ind.curve.type === 'rank') applyRank(byMember, ind.curve.direction);
      fractions.set(ind.code, byMember);
    }
  }

  // The category median of each indicator, computed once (null when no member has evidence).
  const medians = new Map<string, number | null>();
  for (const [code, byMember] of fractions) {
    const peers = [...byMember.values()].map((o) => o.fraction).filter((x): x is number => x !== null);
    medians.set(code, peers.length ? median(peers) : null);
  }

  return members.map((s) => {
    const items: ItemResult[] = [];
    const dimensions: DimensionResult[] = [];
    for (const { dim, indicators } of dims) {
      const dimMax = (framework.structure.basic * dim.weight) / dimWeight;
      const indWeight = indicators.reduce((a, i) => a + i.weight, 0);
      const dimItems: ItemResult[] = [];
      for (const ind of indicators) {
        const max = round2((dimMax * ind.weight) / indWeight);
        dimItems.push(indicatorResult(framework, dim, ind, max, fractions.get(ind.code)!, medians, s.id));
      }
      items.push(...dimItems);
      dimensions.push({ code: dim.code, max: round2(dimMax), nameEn: dim.nameEn, nameZh: dim.nameZh, points: sum(dimItems.map((i) => i.points)) });
    }
    const basic = sum(dimensions.map((d) => d.points));
    const { bonus, deduction, veto } = eventParts(input, index, variant, s, items);
    const total = round2(basic + bonus + framework.structure.deductionCap - deduction);
    return { subject: s, basic, bonus, deduction, total, dimensions, items, veto };
  });
}

function rawFraction(input: EngineInput, index: Indexed, s: EngineSubject, ind: BasicIndicator): Fraction {
  const exemption = index.exemptions.get(keyOf(s.kind, s.id))?.find((e) => e.indicator === ind.code);
  if (exemption) return { fraction: null, value: null, sample: 0, evidence: [{ id: String(exemption.id), type: 'score.exemption' }], why: 'exempt', exemption };
  if (ind.kind === 'qualitative') {
    const mine = [...(index.assessments.get(`${keyOf(s.kind, s.id)}:${ind.code}`) ?? [])].sort((a, b) => a.id - b.id);
    const levels = mine.map((a) => ind.rubric.find((r) => r.level === a.level)).filter((r) => r !== undefined);
    if (levels.length === 0) return { fraction: null, value: null, sample: 0, evidence: [], why: 'no_assessor' };
    const fraction = levels.reduce((a, r) => a + r.fraction, 0) / levels.length;
    return { fraction, value: null, sample: levels.length, levels: levels.map((r) => `${r.level} ${r.nameZh}`), evidence: mine.map((a) => ({ id: String(a.id), type: 'score.assessment' })) };
  }
  const mv = input.metrics.get(keyOf(s.kind, s.id))?.[ind.metric];
  const evidence = [{ id: `${ind.metric}/${input.period.code}/${s.kind}/${s.code}`, type: 'metric' }];
  if (!mv || mv.insufficient || mv.value === null) return { fraction: null, value: mv?.value ?? null, sample: mv?.sample ?? 0, evidence, why: 'sample' };
  return { fraction: ind.curve.type === 'rank' ? 0 : curveFraction(ind.curve, mv.value), value: mv.value, sample: mv.sample, evidence };
}

/** value → fraction of the points, for every curve but rank (which needs the peers). */
export function curveFraction(curve: Exclude<Curve, { type: 'rank' }>, v: number): number {
  switch (curve.type) {
    case 'linear':
      return clamp01((v - curve.worst) / (curve.best - curve.worst));
    case 'steps': {
      const hit = curve.steps.find((s) => (curve.direction === 'higher' ? v >= s.threshold : v <= s.threshold));
      return hit ? hit.fraction : 0;
    }
    case 'target':
      if (curve.direction === 'higher') return clamp01(v / curve.target);
      return v <= curve.target ? 1 : clamp01(curve.target / v);
  }
}

/** Rank curve: best 1, worst 0, linear in between; equal values share the better place. O(n log n). */
function applyRank(byMember: Map<number, Fraction>, direction: 'higher' | 'lower') {
  const measured = [...byMember.values()].filter((f) => f.fraction !== null);
  const n = measured.length;
  measured.sort((a, b) => (direction === 'higher' ? b.value! - a.value! : a.value! - b.value!));
  let better = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && measured[i]!.value !== measured[i - 1]!.value) better = i; // the number strictly better
    measured[i]!.fraction = n === 1 ? 1 : (n - 1 - better) / (n - 1);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function indicatorResult(framework: FrameworkDef, dim: Dimension, ind: BasicIndicator, max: number, all: Map<number, Fraction>, medians: Map<string, number | null>, id: number): ItemResult {
  const f = all.get(id)!;
  if (f.fraction !== null) {
    const points = round2(max * f.fraction);
    const explanation = ind.kind === 'qualitative' ? X.qualitativeLine(ind, f.levels!, points, max) : X.quantitativeLine(ind as QuantitativeIndicator, f.value!, f.sample, points, max);
    return { code: ind.code, dimension: dim.code, evidence: f.evidence, explanation, kind: ind.kind, max, points, status: 'scored', value: f.value };
  }
  const rule = ind.insufficient ?? 'median';
  const categoryMedian = medians.get(ind.code) ?? null;
  const useMedian = rule === 'median' && categoryMedian !== null;
  const fraction = useMedian ? categoryMedian : framework.insufficientFraction;
  const points = round2(max * fraction);
  const explanation = X.insufficientLine(ind, f.why!, { sample: f.sample, exemptReason: f.exemption?.reason, approver: f.exemption?.approver }, useMedian ? 'median' : rule === 'median' ? 'fixed_no_peers' : 'fixed', fraction, points, max);
  return { code: ind.code, dimension: dim.code, evidence: f.evidence, explanation, kind: ind.kind, max, points, status: f.why === 'exempt' ? 'exempt' : 'insufficient', value: f.value };
}

/** Bonus and deduction items, the part caps, exempted events and vetoes of one subject. */
function eventParts(input: EngineInput, index: Indexed, variant: Variant, s: EngineSubject, items: ItemResult[]) {
  const { framework, period } = input;
  const exemptions = (index.exemptions.get(keyOf(s.kind, s.id)) ?? []).filter((e) => e.eventRef);
  const exemptionOf = (ev: EvidenceEvent) => exemptions.find((e) => e.eventRef!.type === ev.ref.type && e.eventRef!.id === ev.ref.id);
  const inPeriod = (input.events.get(keyOf(s.kind, s.id)) ?? [])
    .filter((e) => e.at >= period.from && e.at < period.to)
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.ref.type + a.ref.id < b.ref.type + b.ref.id ? -1 : 1));
  const counted: EvidenceEvent[] = [];
  const usedTypes = new Set([...variant.items.map((i) => i.event), ...variant.vetoes.flatMap((v) => (v.event ? [v.event] : []))]);
  for (const ev of inPeriod) {
    const ex = exemptionOf(ev);
    if (!ex) counted.push(ev);
    else if (usedTypes.has(ev.type)) {
      items.push({
        code: `exemption.${ex.id}`, dimension: null, evidence: [ev.ref, { id: String(ex.id), type: 'score.exemption' }],
        explanation: X.exemptEventLine(ev.summary, ex.reason, ex.approver), kind: 'exemption', max: 0, points: 0, status: 'exempt', value: null,
      });
    }
  }
  const parts = { bonus: 0, deduction: 0 };
  for (const part of ['bonus', 'deduction'] as const) {
    let total = 0;
    for (const item of variant.items) {
      if (item.kind !== part || !activeIn(item, period) || !appliesTo(item, s.kind)) continue;
      const evs = counted.filter((e) => e.type === item.event);
      if (evs.length === 0) continue;
      const points = round2(Math.min(evs.length * item.pointsPer, item.cap));
      total += points;
      const dim = variant.dimensions.find((d) => d.code === item.dimension);
      items.push({ code: item.code, dimension: item.dimension ?? null, evidence: evs.map((e) => e.ref), explanation: X.eventItemLine(item, dim, evs.length, points), kind: part, max: item.cap, points, status: 'scored', value: evs.length });
    }
    const cap = part === 'bonus' ? framework.structure.bonusCap : framework.structure.deductionCap;
    total = round2(total);
    if (total > cap) {
      items.push({ code: `${part}.cap`, dimension: null, evidence: [], explanation: X.partCapLine(part, total, cap), kind: 'cap', max: cap, points: cap, status: 'scored', value: total });
      total = cap;
    }
    parts[part] = total;
  }
  let veto: ScoredSubject['veto'] = null;
  const failing = framework.bands[framework.bands.length - 1]!;
  for (const v of variant.vetoes) {
    if (!activeIn(v, period) || !appliesTo(v, s.kind)) continue;
    if (v.event) {
      const evs = counted.filter((e) => e.type === v.event);
      if (evs.length) {
        veto = { code: v.code, evidence: evs.map((e) => e.ref), explanation: X.vetoLine(v, failing, evs.map((e) => e.summary).join('；')) };
        break;
      }
    } else if (v.metric) {
      const mv = input.metrics.get(keyOf(s.kind, s.id))?.[v.metric.code];
      if (mv && !mv.insufficient && mv.value !== null && (v.metric.op === '>=' ? mv.value >= v.metric.value : mv.value <= v.metric.value)) {
        veto = {
          code: v.code,
          evidence: [{ id: `${v.metric.code}/${period.code}/${s.kind}/${s.code}`, type: 'metric' }],
          explanation: X.vetoLine(v, failing, `${v.metric.code} = ${X.val(mv.value)} ${v.metric.op} ${X.val(v.metric.value)}`),
        };
        break;
      }
    }
  }
  return { ...parts, veto };
}
