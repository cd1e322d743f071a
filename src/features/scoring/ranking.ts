// Rules across subjects (pure): band by total (a veto forces the last band), the quota of a band
// within a unit (staff only) resolved by rank with stated tie-breaks, the rank within (kind,
// category), the bottom-share flag, and promotion eligibility (staff only).
//
// Tie-breaks of the quota, in order: higher total, higher basic points, fewer deduction points,
// smaller subject code. Rank is competition ranking (1, 2, 2, 4) by total.
import type { ScoredSubject } from './engine.ts';
import type { Line } from './explain.ts';
import { quotaLine } from './explain.ts';
import type { Band, FrameworkDef } from './model.ts';

export interface RankedResult extends ScoredSubject {
  band: string;
  /** The band the total alone gives, when the quota moved the subject down; else null. */
  bandBeforeQuota: string | null;
  quotaNote: Line | null;
  rank: number;
  categorySize: number;
  bottom: boolean;
  /** Staff: total ≥ threshold and no veto (晋升资格); units: null. */
  promotionEligible: boolean | null;
}

export function bandFor(bands: Band[], total: number, vetoed: boolean): Band {
  if (vetoed) return bands[bands.length - 1]!;
  return bands.find((b) => total >= b.min) ?? bands[bands.length - 1]!;
}

/** Quota order: total, then basic, then fewer deductions, then code. */
export function quotaOrder(a: ScoredSubject, b: ScoredSubject): number {
  return b.total - a.total || b.basic - a.basic || a.deduction - b.deduction || (a.subject.code < b.subject.code ? -1 : a.subject.code > b.subject.code ? 1 : 0);
}

export function rankSubjects(framework: FrameworkDef, scored: ScoredSubject[]): RankedResult[] {
  const { bands } = framework;
  const out: RankedResult[] = scored.map((s) => ({
    ...s,
    band: bandFor(bands, s.total, s.veto !== null).code,
    bandBeforeQuota: null,
    quotaNote: null,
    rank: 0,
    categorySize: 0,
    bottom: false,
    promotionEligible: s.subject.kind === 'staff' ? s.veto === null && s.total >= framework.promotionThreshold : null,
  }));

  // Quota (名额) of a band within each unit, among that unit's staff.
  const quota = framework.quota;
  if (quota) {
    const bandIndex = bands.findIndex((b) => b.code === quota.band);
    const next = bands[Math.min(bandIndex + 1, bands.length - 1)]!;
    const byUnit = groupBy(out.filter((r) => r.subject.kind === 'staff'), (r) => String(r.subject.unitId));
    for (const members of byUnit.values()) {
      const allowed = Math.floor(members.length * quota.share);
      const candidates = members.filter((r) => r.band === quota.band).sort(quotaOrder);
      const lastIn = candidates[allowed - 1];
      for (const r of candidates.slice(allowed)) {
        const tie = lastIn !== undefined && lastIn.total === r.total;
        r.bandBeforeQuota = r.band;
        r.band = next.code;
        r.quotaNote = quotaLine(bands[bandIndex]!, next, allowed, members.length, tie);
      }
    }
  }

  // Rank, size and bottom flag within (kind, category), by sorting (O(n log n)).
  for (const members of groupBy(out, (r) => `${r.subject.kind}:${r.subject.category}`).values()) {
    const n = members.length;
    const bottomCount = Math.ceil(n * framework.bottomShare);
    const sorted = [...members].sort((a, b) => b.total - a.total);
    let higher = 0;
    let lower = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && sorted[i]!.total !== sorted[i - 1]!.total) higher = i; // strictly higher totals
      sorted[i]!.rank = 1 + higher;
      sorted[i]!.categorySize = n;
    }
    for (let i = n - 1; i >= 0; i--) {
      if (i < n - 1 && sorted[i]!.total !== sorted[i + 1]!.total) lower = n - 1 - i; // strictly lower totals
      sorted[i]!.bottom = bottomCount > 0 && 1 + lower <= bottomCount;
    }
  }
  return out;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}
