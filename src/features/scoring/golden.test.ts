// Golden test of the engine on the hand-built dataset of golden.fixture.ts (7 people in 2 categories,
// every indicator kind, a veto by event and by metric, a temporary indicator, a 容错 exemption, a
// quota tie). Every expected number is worked out by hand in the comments from the fixture's
// framework, not by running the engine.
import { describe, expect, it } from 'vitest';
import { scoreSubjects } from './engine.ts';
import { GOLDEN_FRAMEWORK, goldenInput, subjects } from './golden.fixture.ts';
import { parsePeriod } from './period.ts';
import { validateFramework } from './validate.ts';

const byCode = (res: ReturnType<typeof scoreSubjects>) => Object.fromEntries(res.results.map((r) => [r.subject.code, r]));
const pts = (r: { items: { code: string; points: number }[] }, code: string) => r.items.find((i) => i.code === code)?.points;

describe('golden dataset, 2026Q3', () => {
  it('the framework is valid', () => {
    expect(validateFramework(GOLDEN_FRAMEWORK)).toEqual([]);
  });

  const res = scoreSubjects(goldenInput());
  const r = byCode(res);

  it('S01: full qualitative, linear, steps, rank best; bonus part capped', () => {
    const s = r.S01!;
    expect(pts(s, 'pol')).toBe(30); //       A, A → (1 + 1) / 2 = 1 × 30
    expect(pts(s, 'ontime')).toBe(12); //    (0.96 − 0.8) / (1 − 0.8) = 0.8 × 15
    expect(pts(s, 'sat')).toBe(7.5); //      92 ≥ 90 → 1 × 7.5
    expect(pts(s, 'bad')).toBe(7.5); //      lowest of 0.01, 0.02, 0.03 (S04 has no evidence) → (3−1−0)/(3−1) = 1 × 7.5
    expect(pts(s, 'emergency')).toBeUndefined(); // temporary, Q1 only
    expect(s.basic).toBe(57); //              30 + 12 + 7.5 + 7.5
    expect(pts(s, 'train')).toBe(4); //      3 × 2 = 6, item cap 4
    expect(pts(s, 'commend')).toBe(20); //   2 × 10 = 20
    expect(s.bonus).toBe(20); //              4 + 20 = 24 > part cap 20 → 20
    expect(s.items.find((i) => i.kind === 'cap')!.explanation.zh).toBe('加分合计24分，超过加分上限20分，按20分计');
    expect(s.total).toBe(97); //              57 + 20 + (20 − 0)
    expect(s.band).toBe('excellent');
    expect(s.promotionEligible).toBe(true);
  });

  it('S02: one of three overdue complaints exempted (容错); bottom of the category', () => {
    const s = r.S02!;
    expect(pts(s, 'pol')).toBe(24); //       B → 0.8 × 30
    expect(pts(s, 'ontime')).toBe(7.5); //   (0.9 − 0.8) / 0.2 = 0.5 × 15
    expect(pts(s, 'sat')).toBe(6); //        85 ≥ 80 → 0.8 × 7.5
    expect(pts(s, 'bad')).toBe(0); //        worst of three → (3−1−2)/2 = 0
    expect(s.basic).toBe(37.5); //            24 + 7.5 + 6 + 0
    expect(pts(s, 'hotline')).toBe(10); //   H1, H3 count (H2 exempted, H0 before the period): 2 × 5
    const line = s.items.find((i) => i.code === 'hotline')!.explanation;
    expect(line.zh).toBe('群众投诉未及时回应2次，扣减服务为民分10分（每次5分，上限20分）');
    expect(line.en).toContain('−10 points from Serving the people');
    const exempt = s.items.find((i) => i.kind === 'exemption')!;
    expect(exempt.explanation.zh).toBe('12345工单H2超时：已列入容错清单（理由：系统故障导致超时；批准人：纪检组长），不计入评分');
    expect(exempt.evidence).toContainEqual({ type: 'score.exemption', id: '1' });
    expect(s.total).toBe(47.5); //            37.5 + 0 + (20 − 10)
    expect(s.band).toBe('fail'); //           < 60
    expect(s.rank).toBe(4); //                97, 77.25, 62.5, 47.5
    expect(s.bottom).toBe(true); //           ceil(4 × 0.1) = 1 lowest
    expect(s.promotionEligible).toBe(false);
  });

  it('S03: assessors averaged, lowest step, rank middle, deduction item capped', () => {
    const s = r.S03!;
    expect(pts(s, 'pol')).toBe(24); //       A, C → (1 + 0.6) / 2 = 0.8 × 30
    expect(pts(s, 'ontime')).toBe(15); //    1.0 → 1 × 15
    expect(pts(s, 'sat')).toBe(3.75); //     78 → step 0 → 0.5 × 7.5
    expect(pts(s, 'bad')).toBe(3.75); //     middle → (3−1−1)/2 = 0.5 × 7.5
    expect(s.basic).toBe(46.5);
    expect(pts(s, 'train')).toBe(2); //      1 × 2
    expect(pts(s, 'rect')).toBe(6); //       3 × 3 = 9, cap 6
    expect(s.total).toBe(62.5); //            46.5 + 2 + (20 − 6)
    expect(s.band).toBe('pass');
    expect(s.rank).toBe(3);
    expect(s.bottom).toBe(false);
    expect(s.promotionEligible).toBe(false); // 62.5 < 80
  });

  it('S04: insufficient evidence scored at the category median, never zero; veto by event', () => {
    const s = r.S04!;
    // No assessor: median of S01 1, S02 0.8, S03 0.8 = 0.8 × 30
    expect(pts(s, 'pol')).toBe(24);
    // Sample 3: median of 0.8, 0.5, 1 = 0.8 × 15
    expect(pts(s, 'ontime')).toBe(12);
    expect(s.items.find((i) => i.code === 'ontime')!.explanation.zh).toBe('按时办结率：证据不足（样本3，低于最低样本量），按同类别中位数（80%）计12分（满分15分）');
    expect(s.items.find((i) => i.code === 'ontime')!.status).toBe('insufficient');
    expect(pts(s, 'sat')).toBe(7.5); //      95 ≥ 90
    expect(pts(s, 'bad')).toBe(3.75); //     median of 1, 0, 0.5 = 0.5 × 7.5
    expect(s.basic).toBe(47.25); //           24 + 12 + 7.5 + 3.75
    expect(s.bonus).toBe(10);
    expect(s.total).toBe(77.25); //           47.25 + 10 + 20: 合格 by points…
    expect(s.veto?.code).toBe('severe'); //   …but a severe audit finding
    expect(s.veto?.explanation.zh).toBe('重大作风问题（审计发现重大问题A1）：一票否决，等次定为不合格');
    expect(s.veto?.evidence).toEqual([{ type: 'test', id: 'A1' }]);
    expect(s.band).toBe('fail');
    expect(s.rank).toBe(2); //                rank is by total; the veto acts on band and promotion
    expect(s.promotionEligible).toBe(false);
  });

  it('S05 and S06 tie at 92 for one 优秀 place: S05 keeps it by higher basic points', () => {
    const e = r.S05!;
    const f = r.S06!;
    // S05: pol A 24; complaints 1.5 ≤ 2 → 18; resolution 0.9 ≥ 0.9 → 18; basic 60; bonus 10 + 2 = 12 → 60 + 12 + 20 = 92
    expect([pts(e, 'pol'), pts(e, 'complaints'), pts(e, 'resolve'), e.basic, e.bonus, e.total]).toEqual([24, 18, 18, 60, 12, 92]);
    // S06: pol A 24; complaints 2.25 → 2 / 2.25 × 18 = 16; resolution 0.95 → 18; basic 58; bonus 10 + 2×2 = 14 → 58 + 14 + 20 = 92
    expect([pts(f, 'pol'), pts(f, 'complaints'), pts(f, 'resolve'), f.basic, f.bonus, f.total]).toEqual([24, 16, 18, 58, 14, 92]);
    // Unit 20 has 3 staff: floor(3 × 0.5) = 1 優秀 place; tie on total → higher basic (60 > 58) wins.
    expect(e.band).toBe('excellent');
    expect(f.band).toBe('good');
    expect(f.bandBeforeQuota).toBe('excellent');
    expect(f.quotaNote!.zh).toContain('与名额内人员总分相同');
    expect([e.rank, f.rank]).toEqual([1, 1]); // competition ranking: equal totals share the rank
    expect(f.promotionEligible).toBe(true); //  92 ≥ 80, whatever the quota did
  });

  it('S07: fixed rule for insufficient evidence; deductions at the part cap; veto by metric', () => {
    const s = r.S07!;
    expect(pts(s, 'pol')).toBe(14.4); //      C → 0.6 × 24
    expect(pts(s, 'complaints')).toBe(9); //  2 / 4 = 0.5 × 18
    expect(pts(s, 'resolve')).toBe(10.8); //  insufficient, rule fixed → 0.6 × 18
    expect(s.basic).toBe(34.2); //             14.4 + 9 + 10.8
    expect(pts(s, 'hotline')).toBe(20); //    5 × 5 = 25, cap 20
    expect(s.total).toBe(34.2); //             34.2 + 0 + (20 − 20)
    expect(s.veto?.code).toBe('subst'); //     substantiated_complaints 3 ≥ 3
    expect(s.band).toBe('fail');
    expect(s.rank).toBe(3);
    expect(s.bottom).toBe(true); //            ceil(3 × 0.1) = 1
  });

  it('the temporary indicator counts in its own period', () => {
    const q1 = byCode(scoreSubjects(goldenInput({ period: parsePeriod('2026Q1'), events: new Map() }))).S01!;
    // All four active: ontime 30 × 40/100 = 12 max → 0.8 × 12 = 9.6; emergency 6 max, 0.5 / 0.95 → 0.5263… × 6 = 3.16
    expect(pts(q1, 'ontime')).toBe(9.6);
    expect(pts(q1, 'emergency')).toBe(3.16);
  });

  it('every item has a sentence in both languages', () => {
    for (const s of res.results) for (const i of s.items) {
      expect(i.explanation.zh.length).toBeGreaterThan(5);
      expect(i.explanation.en.length).toBeGreaterThan(5);
    }
  });

  it('is deterministic whatever the order of the subjects', () => {
    const reversed = scoreSubjects(goldenInput({ subjects: [...subjects].reverse() }));
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(res));
  });
});

describe('stored breakdowns', () => {
  it('are built with their keys in canonical order, so storing them needs no reordering copy', async () => {
    const { canonicalJson } = await import('../../ledger/canonical.ts');
    const { resultDocument } = await import('./runs.ts');
    const { results } = scoreSubjects(goldenInput());
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      const doc = resultDocument(r, GOLDEN_FRAMEWORK);
      expect(JSON.stringify(doc), r.subject.code).toBe(canonicalJson(doc));
    }
  });
});
