// Classification figures from a confusion matrix (混淆矩阵): rows are the true category, columns the
// predicted one. Precision or recall with nothing to count is 0, as is their F1 (the strict choice).

export interface ClassFigures {
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Figures {
  perClass: ClassFigures[];
  macroF1: number;
  accuracy: number;
  total: number;
}

export function confusionMatrix(truth: readonly number[], predicted: readonly number[], classes: number): number[][] {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => m[t]![predicted[i]!]!++);
  return m;
}

export function figures(matrix: readonly (readonly number[])[]): Figures {
  const k = matrix.length;
  let total = 0;
  let correct = 0;
  const perClass: ClassFigures[] = [];
  for (let c = 0; c < k; c++) {
    const row = matrix[c]!;
    const tp = row[c]!;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += row[j]!;
      predicted += matrix[j]![c]!;
    }
    total += support;
    correct += tp;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ support, precision, recall, f1 });
  }
  const macroF1 = perClass.reduce((s, x) => s + x.f1, 0) / k;
  return { perClass, macroF1, accuracy: total ? correct / total : 0, total };
}

/** Expected calibration error: |accuracy − mean confidence| per confidence bin, weighted by bin size. */
export function expectedCalibrationError(confidences: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = confidences.length;
  if (n === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const acc = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    count[b]!++;
    conf[b]! += c;
    acc[b]! += correct[i] ? 1 : 0;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(acc[b]! - conf[b]!) / n;
  return ece;
}
