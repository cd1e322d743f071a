// The indicator framework (指标体系) as data: what an organizer imports as JSON, what the engine reads.
// One framework version covers every unit category through a variant per category; the basic part
// (基础指标) is split over dimensions by weight, and bonus (加分) and deduction (减分) items and vetoes
// (一票否决) stand beside it. The documented format is in docs/scoring.md.
import type { UnitCategory } from '../../db/types.ts';

export const UNIT_CATEGORIES: readonly UnitCategory[] = ['window_service', 'law_enforcement', 'general_admin'];
export type SubjectKind = 'staff' | 'unit';

export interface Named {
  code: string;
  nameZh: string;
  nameEn: string;
}

/** Scoring curves of a quantitative indicator: value → fraction of the indicator's points (0–1). */
export type Curve =
  /** Linear between `worst` (0) and `best` (1), clamped; worst > best means lower is better. */
  | { type: 'linear'; worst: number; best: number }
  /** The first step the value reaches gives its fraction (higher: value ≥ threshold; lower: value ≤ threshold). */
  | { type: 'steps'; direction: 'higher' | 'lower'; steps: { threshold: number; fraction: number }[] }
  /** Full points when the target is met, otherwise in proportion (value/target, or target/value when lower is better). */
  | { type: 'target'; direction: 'higher' | 'lower'; target: number }
  /** By rank among the subjects of the same category with evidence: best 1, worst 0, ties share the better rank. */
  | { type: 'rank'; direction: 'higher' | 'lower' };

/**
 * What an indicator scores when its evidence is insufficient (too small a sample, no assessor):
 * `median` — the median fraction of the subjects of the same kind and category that have evidence
 * (and `fixed` when none has); `fixed` — the framework's `insufficientFraction`. Never a silent zero.
 */
export type InsufficientRule = 'median' | 'fixed';

interface IndicatorBase extends Named {
  /** Share of its dimension in percent; the indicators of a dimension add up to 100. */
  weight: number;
  /** Temporary indicator (临时指标): counts only in periods overlapping [validFrom, validTo] (dates, inclusive). */
  validFrom?: string;
  validTo?: string;
  insufficient?: InsufficientRule;
  /** Subject kinds it applies to (default both). */
  subjects?: SubjectKind[];
}

export interface QuantitativeIndicator extends IndicatorBase {
  kind: 'quantitative';
  metric: string;
  curve: Curve;
}

export interface RubricLevel {
  level: string;
  nameZh: string;
  nameEn: string;
  fraction: number;
}

/** Scored by assessors (考核人员) on a rubric; several assessors' fractions are averaged. */
export interface QualitativeIndicator extends IndicatorBase {
  kind: 'qualitative';
  rubric: RubricLevel[];
}

export type BasicIndicator = QuantitativeIndicator | QualitativeIndicator;

export interface Dimension extends Named {
  /** Share of the basic part in percent; the dimensions of a variant add up to 100. */
  weight: number;
  indicators: BasicIndicator[];
}

/** Bonus (加分) or deduction (减分): points per event of a type in the period, capped. */
export interface EventItem extends Named {
  kind: 'bonus' | 'deduction';
  event: string;
  pointsPer: number;
  cap: number;
  /** The dimension the sentence names, e.g. 履职效能 (optional). */
  dimension?: string;
  validFrom?: string;
  validTo?: string;
  subjects?: SubjectKind[];
}

/** One-vote veto (一票否决): any event of the type, or a metric beyond a limit, forces the failing band. */
export interface Veto extends Named {
  kind: 'veto';
  event?: string;
  metric?: { code: string; op: '>=' | '<='; value: number };
  validFrom?: string;
  validTo?: string;
  subjects?: SubjectKind[];
}

export interface Variant {
  category: UnitCategory;
  dimensions: Dimension[];
  items: EventItem[];
  vetoes: Veto[];
}

export interface Band {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Lowest total of the band; bands are listed from the best down and the last starts at 0. */
  min: number;
}

export interface FrameworkDef {
  /** Stable code of the framework across versions, e.g. QY-ZF. */
  code: string;
  nameZh: string;
  nameEn: string;
  /** 60 + 20 + 20: basic points, bonus cap, deduction cap (the deduction part starts full and loses points). */
  structure: { basic: number; bonusCap: number; deductionCap: number };
  /** Minimum weight in percent of named dimensions, e.g. { "political": 30 } (政治建设 ≥ 30%). */
  floors: Record<string, number>;
  /** Best first; the last (min 0) is also the band a veto forces (不合格 or 警示). */
  bands: Band[];
  /** Optional quota for a band within a unit (staff only), e.g. 优秀 ≤ 20% of a unit's staff. */
  quota: { band: string; share: number } | null;
  promotionThreshold: number;
  /** Share of a category flagged as its bottom (default 0.1). */
  bottomShare: number;
  insufficientFraction: number;
  variants: Variant[];
}

/** Canonical order for the bands of the defaults (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格). */
export const DEFAULT_BANDS: Band[] = [
  { code: 'excellent', nameZh: '优秀', nameEn: 'Excellent', min: 90 },
  { code: 'good', nameZh: '良好', nameEn: 'Good', min: 80 },
  { code: 'pass', nameZh: '合格', nameEn: 'Pass', min: 60 },
  { code: 'fail', nameZh: '不合格', nameEn: 'Fail', min: 0 },
];

/** Does an item with an optional validity window count in the period [from, to) (Beijing dates)? */
export function activeIn(item: { validFrom?: string; validTo?: string }, period: { fromDay: string; lastDay: string }): boolean {
  if (item.validFrom && item.validFrom > period.lastDay) return false;
  if (item.validTo && item.validTo < period.fromDay) return false;
  return true;
}

export const appliesTo = (item: { subjects?: SubjectKind[] }, kind: SubjectKind) => !item.subjects || item.subjects.includes(kind);
