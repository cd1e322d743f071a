import { describe, expect, it } from 'vitest';
import { fairnessOf, percentileRank, quantile } from './fairness.ts';

const row = (code: string, category: string, level: string, total: number) => ({ subjectKind: 'staff', subjectCode: code, category, level, total });

describe('fairness report', () => {
  const rows = [row('a', 'window_service', 'leader', 90), row('b', 'window_service', 'base', 70), row('c', 'window_service', 'base', 80), row('d', 'law_enforcement', 'base', 60), row('e', 'law_enforcement', 'leader', 88)];

  it('distributions by level and category, with gaps beyond the threshold flagged', () => {
    const r = fairnessOf(1, rows, 10, false);
    // leaders 90, 88 → mean 89; base 70, 80, 60 → mean 70; gap 19 > 10
    expect(r.byLevel.map((d) => [d.group, d.n, d.mean, d.median])).toEqual([['base', 3, 70, 70], ['leader', 2, 89, 89]]);
    expect(r.gaps.find((g) => g.by === 'level')).toEqual({ by: 'level', a: 'base', b: 'leader', difference: 19, flagged: true });
    // law 60, 88 → 74; window 90, 70, 80 → 80; gap 6 ≤ 10
    expect(r.gaps.find((g) => g.by === 'category')).toMatchObject({ difference: 6, flagged: false });
    expect(r.normalised).toBeUndefined();
  });

  it('normalises to percentiles within category (mid-rank for ties)', () => {
    const r = fairnessOf(1, rows, 10, true);
    // window: 70, 80, 90 → 80 has 1 below, 1 equal: (1 + 0.5) / 3 = 50%
    expect(r.normalised!.find((n) => n.subjectCode === 'c')!.percentile).toBe(50);
    expect(percentileRank([5, 5, 5, 5], 5)).toBe(50);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
