import { describe, expect, it } from 'vitest';
import { confusionMatrix, expectedCalibrationError, figures } from './metrics.ts';

describe('classification figures', () => {
  it('computes precision, recall, F1 and macro-F1 from a hand-made confusion matrix', () => {
    // rows true, columns predicted
    //        a  b  c
    // a:     5  1  0    support 6
    // b:     2  3  1    support 6
    // c:     0  0  4    support 4
    const f = figures([[5, 1, 0], [2, 3, 1], [0, 0, 4]]);
    const [a, b, c] = f.perClass;
    // a: precision 5/7, recall 5/6; b: 3/4, 3/6; c: 4/5, 4/4
    expect(a!.precision).toBeCloseTo(5 / 7, 12);
    expect(a!.recall).toBeCloseTo(5 / 6, 12);
    expect(a!.f1).toBeCloseTo((2 * (5 / 7) * (5 / 6)) / (5 / 7 + 5 / 6), 12);
    expect(b!.precision).toBeCloseTo(0.75, 12);
    expect(b!.recall).toBeCloseTo(0.5, 12);
    expect(b!.f1).toBeCloseTo(0.6, 12);
    expect(c!.f1).toBeCloseTo((2 * 0.8 * 1) / 1.8, 12);
    expect(f.macroF1).toBeCloseTo((a!.f1 + 0.6 + 1.6 / 1.8) / 3, 12);
    expect(f.accuracy).toBeCloseTo(12 / 16, 12);
    expect(f.perClass.map((x) => x.support)).toEqual([6, 6, 4]);
  });

  it('counts a never-predicted or absent class as 0, not NaN', () => {
    const f = figures([[2, 0], [1, 0]]);
    expect(f.perClass[1]).toEqual({ support: 1, precision: 0, recall: 0, f1: 0 });
    expect(f.macroF1).toBeCloseTo(0.8 / 2, 12);
  });

  it('builds the matrix from labels', () => {
    expect(confusionMatrix([0, 0, 1, 2], [0, 1, 1, 0], 3)).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 0]]);
    expect(() => confusionMatrix([0], [], 2)).toThrow();
  });

  it('measures calibration error per confidence bin', () => {
    // bin 0.9: confidences 0.95, 0.95 with one right → |0.5 − 0.95| × 2/4; bin 0.6: 0.65, 0.65 both right → |1 − 0.65| × 2/4
    expect(expectedCalibrationError([0.95, 0.95, 0.65, 0.65], [true, false, true, true])).toBeCloseTo(0.45 * 0.5 + 0.35 * 0.5, 12);
    expect(expectedCalibrationError([], [])).toBe(0);
  });
});
