// Unit metrics of service quality (item 5): 好评率, 差评率, 差评整改率, 按时整改率, 回访率, 虚假整改率,
// on-time 办结率 and average processing working days against promised days, for any period.
// Counting is set-based SQL (metrics-repo.ts); the ratios and the "insufficient evidence" rule are
// pure (ratio below). Definitions: docs/ratings.md.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal, type Scope } from '../auth/principal.ts';
import { isIsoDate, startOfShanghaiDay } from '../calendar/working-days.ts';
import * as repo from './metrics-repo.ts';
import type { MetricsQuery } from './schema.ts';

export const INSUFFICIENT = 'insufficient evidence';
const MAX_PERIOD_DAYS = 3660;

export interface Metric {
  value: number | null;
  numerator: number;
  denominator: number;
  reason?: string;
}

/** numerator / denominator, or null with a reason when the denominator is below the minimum sample. */
export function ratio(numerator: number, denominator: number, minSample: number): Metric {
  if (denominator === 0 || denominator < minSample) return { value: null, numerator, denominator, reason: INSUFFICIENT };
  return { value: Math.round((numerator / denominator) * 1e6) / 1e6, numerator, denominator };
}

export interface UnitMetricsResult {
  unit: { code: string; name: string; category: string };
  from: string;
  to: string;
  includeSubUnits: boolean;
  minSample: number;
  counts: {
    ratings: number; defaulted: number; badRatings: number; excluded: number;
    rectifications: number; openRectifications: number; overdueRectifications: number; completedTransactions: number;
  };
  metrics: {
    goodRate: Metric;
    badRate: Metric;
    rectificationRate: Metric;
    onTimeRectificationRate: Metric;
    revisitRate: Metric;
    falseRectificationRate: Metric;
    onTimeCompletionRate: Metric;
    averageProcessingDays: Metric & { promisedAverage: number | null };
  };
}

export function metricsOf(unit: repo.TargetUnit, c: repo.MetricCounts, period: { from: string; to: string; includeSubUnits: boolean; minSample: number }): UnitMetricsResult {
  const m = period.minSample;
  const avg = ratio(c.days_sum, c.with_promise, m);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    unit: { code: unit.code, name: unit.name, category: unit.category },
    ...period,
    counts: {
      ratings: c.ratings, defaulted: c.defaulted, badRatings: c.bad, excluded: c.excluded,
      rectifications: c.rectifications, openRectifications: c.open, overdueRectifications: c.overdue, completedTransactions: c.completed,
    },
    metrics: {
      goodRate: ratio(c.good, c.ratings, m),
      badRate: ratio(c.bad, c.ratings, m),
      rectificationRate: ratio(c.closed, c.due, m),
      onTimeRectificationRate: ratio(c.closed_on_time, c.due, m),
      revisitRate: ratio(c.revisited, c.revisit_due, m),
      falseRectificationRate: ratio(c.false_count, c.rectified, m),
      onTimeCompletionRate: ratio(c.on_time, c.with_promise, m),
      averageProcessingDays: {
        ...avg,
        value: avg.value === null ? null : round2(c.days_sum / c.with_promise),
        promisedAverage: avg.value === null ? null : round2(c.promised_sum / c.with_promise),
      },
    },
  };
}

function period(from: string, to: string) {
  const errors = [];
  if (!isIsoDate(from)) errors.push({ path: '/querystring/from', message: 'must be a date YYYY-MM-DD' });
  if (!isIsoDate(to)) errors.push({ path: '/querystring/to', message: 'must be a date YYYY-MM-DD' });
  if (errors.length) throw validationFailed(errors);
  const start = startOfShanghaiDay(from);
  const end = startOfShanghaiDay(to);
  if (end <= start) throw validationFailed([{ path: '/querystring/to', message: 'must be after from (the period is [from, to))' }]);
  if ((end.getTime() - start.getTime()) / 86_400_000 > MAX_PERIOD_DAYS) throw validationFailed([{ path: '/querystring/to', message: `the period may be at most ${MAX_PERIOD_DAYS} days` }]);
  return { start, end };
}

export interface UnitMetricsOptions {
  from: string;
  to: string;
  /** One unit; without it every unit in scope. */
  unitCode?: string;
  includeSubUnits?: boolean;
  minSample: number;
  scope?: Scope;
  now?: Date;
}

/**
 * Metrics of one unit or of every unit in scope, for the CLI (`probity metrics`) and other features.
 * Throws 404 for an unknown unit code.
 */
export async function unitMetrics(db: Kysely<DB>, opts: UnitMetricsOptions): Promise<UnitMetricsResult[]> {
  const { start, end } = period(opts.from, opts.to);
  const scope = opts.scope ?? { kind: 'all' };
  let targets: repo.TargetUnit[];
  if (opts.unitCode) {
    const t = await repo.findTarget(db, scope, opts.unitCode);
    if (!t) throw notFound(`Unit ${opts.unitCode}`);
    targets = [t];
  } else {
    targets = await repo.allTargets(db, scope);
  }
  return compute(db, targets, { ...opts, start, end });
}

async function compute(db: Kysely<DB>, targets: repo.TargetUnit[], o: { from: string; to: string; start: Date; end: Date; includeSubUnits?: boolean; minSample: number; now?: Date }) {
  const includeSubUnits = o.includeSubUnits ?? true;
  const counts = await repo.countsFor(db, targets.map((t) => t.id), { from: o.start, to: o.end, now: o.now ?? new Date(), includeSubUnits });
  return targets.map((t) => metricsOf(t, counts.get(t.id)!, { from: o.from, to: o.to, includeSubUnits, minSample: o.minSample }));
}

/** GET /api/metrics/units: one unit (in scope, else 404) or a page of the units in scope. */
export async function listUnitMetrics(db: Kysely<DB>, principal: Principal | null, q: MetricsQuery, defaultMinSample: number, now = new Date()): Promise<Page<UnitMetricsResult>> {
  const p = authorize(principal, 'metrics.read');
  const { start, end } = period(q.from, q.to);
  const minSample = q.minSample ?? defaultMinSample;
  let targets: repo.TargetUnit[];
  let total: number;
  if (q.unitCode) {
    const t = await repo.findTarget(db, p.scope, q.unitCode);
    if (!t) throw notFound(`Unit ${q.unitCode}`);
    targets = q.page === 1 ? [t] : [];
    total = 1;
  } else {
    ({ items: targets, total } = await repo.pageOfTargets(db, p.scope, q));
  }
  const items = await compute(db, targets, { from: q.from, to: q.to, start, end, includeSubUnits: q.includeSubUnits, minSample, now });
  return { items, page: q.page, pageSize: q.pageSize, total };
}
