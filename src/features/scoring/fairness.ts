// Fairness report (公平性分析, pure maths + one read): score distributions by staff level (leader /
// base) and by unit category, gaps between group means beyond a configurable size flagged, and
// optional percentile normalisation within category (each total → its percentile among its peers).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import * as repo from './repo.ts';

export interface Distribution { group: string; n: number; mean: number; median: number; p10: number; p90: number; min: number; max: number }
export interface Gap { by: 'level' | 'category'; a: string; b: string; difference: number; flagged: boolean }
export interface FairnessReport {
  runId: number;
  gapThreshold: number;
  byLevel: Distribution[];
  byCategory: Distribution[];
  gaps: Gap[];
  /** Present when asked: per subject, its percentile (0–100) within its kind and category. */
  normalised?: { subjectKind: string; subjectCode: string; category: string; total: number; percentile: number }[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Nearest-rank-free linear interpolation percentile of a sorted list. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function distribution(group: string, totals: number[]): Distribution {
  const s = [...totals].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { group, n: s.length, mean: r2(mean), median: r2(quantile(s, 0.5)), p10: r2(quantile(s, 0.1)), p90: r2(quantile(s, 0.9)), min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}

/** Percentile rank: share of peers below plus half the share equal, × 100 (mid-rank, ties equal). */
export function percentileRank(values: number[], v: number): number {
  const below = values.filter((x) => x < v).length;
  const equal = values.filter((x) => x === v).length;
  return r2(((below + equal / 2) / values.length) * 100);
}

export interface FairnessRow { subjectKind: string; subjectCode: string; category: string; level: string | null; total: number }

export function fairnessOf(runId: number, rows: FairnessRow[], gapThreshold: number, normalise: boolean): FairnessReport {
  const staff = rows.filter((r) => r.subjectKind === 'staff');
  const group = (xs: FairnessRow[], key: (r: FairnessRow) => string) => {
    const m = new Map<string, number[]>();
    for (const r of xs) m.set(key(r), [...(m.get(key(r)) ?? []), r.total]);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, t]) => distribution(g, t));
  };
  const byLevel = group(staff, (r) => r.level ?? 'none');
  const byCategory = group(staff, (r) => r.category);
  const gaps: Gap[] = [];
  for (const [by, ds] of [['level', byLevel], ['category', byCategory]] as const) {
    for (let i = 0; i < ds.length; i++) for (let j = i + 1; j < ds.length; j++) {
      const difference = r2(Math.abs(ds[i]!.mean - ds[j]!.mean));
      gaps.push({ by, a: ds[i]!.group, b: ds[j]!.group, difference, flagged: difference > gapThreshold });
    }
  }
  const report: FairnessReport = { runId, gapThreshold, byLevel, byCategory, gaps };
  if (normalise) {
    const peers = new Map<string, number[]>();
    for (const r of rows) peers.set(`${r.subjectKind}:${r.category}`, [...(peers.get(`${r.subjectKind}:${r.category}`) ?? []), r.total]);
    report.normalised = rows.map((r) => ({ subjectKind: r.subjectKind, subjectCode: r.subjectCode, category: r.category, total: r.total, percentile: percentileRank(peers.get(`${r.subjectKind}:${r.category}`)!, r.total) }));
  }
  return report;
}

/** Aggregates over people: organizers, inspectors and admins, over their data scope. */
export async function fairnessReport(db: Kysely<DB>, principal: Principal | null, runId: number, q: { gap?: number; normalise?: boolean }): Promise<FairnessReport> {
  const p = authorize(principal, 'scores.run');
  if (!(await repo.findRun(db, runId))) throw notFound(`Scoring run ${runId}`);
  const rows = await repo.allResults(db, p.scope, runId);
  return fairnessOf(runId, rows.map((r) => ({ subjectKind: r.subject_kind, subjectCode: r.subject_code, category: r.category, level: r.level, total: r.total })), q.gap ?? 5, q.normalise ?? false);
}
