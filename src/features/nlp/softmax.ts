// Multinomial logistic regression (softmax) over sparse vectors, trained by full-batch gradient descent
// with Nesterov momentum from zero weights: no randomness, so the same data gives the same weights.
// Plus temperature scaling (Guo et al. 2017) so that the top probability is a calibrated confidence.

export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

export interface SoftmaxWeights {
  classes: number;
  /** Row-major [feature][class]. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface TrainOptions {
  /** L2 penalty on the weights (not the bias). */
  lambda: number;
  iterations?: number;
  learningRate?: number;
  momentum?: number;
}

export function logits(model: SoftmaxWeights, x: SparseVector, out = new Float64Array(model.classes)): Float64Array {
  const k = model.classes;
  out.set(model.bias);
  for (let j = 0; j < x.index.length; j++) {
    const base = x.index[j]! * k;
    const v = x.value[j]!;
    for (let c = 0; c < k; c++) out[c]! += v * model.weights[base + c]!;
  }
  return out;
}

/** Softmax of z / temperature, computed stably. */
export function softmax(z: ArrayLike<number>, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]! / temperature);
  const p = new Float64Array(z.length);
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += p[c] = Math.exp(z[c]! / temperature - max);
  for (let c = 0; c < z.length; c++) p[c]! /= sum;
  return p;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Mean cross-entropy + lambda/2 ‖W‖², and its gradient at (w, b). */
function lossAndGradient(xs: SparseVector[], ys: number[], k: number, lambda: number, w: Float64Array, b: Float64Array, gw: Float64Array, gb: Float64Array): number {
  gw.fill(0);
  gb.fill(0);
  const n = xs.length;
  const z = new Float64Array(k);
  let loss = 0;
  const model = { classes: k, weights: w, bias: b };
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const p = softmax(logits(model, x, z));
    loss -= Math.log(Math.max(p[y]!, 1e-300));
    p[y]! -= 1;
    for (let j = 0; j < x.index.length; j++) {
      const base = x.index[j]! * k;
      const v = x.value[j]! / n;
      for (let c = 0; c < k; c++) gw[base + c]! += v * p[c]!;
    }
    for (let c = 0; c < k; c++) gb[c]! += p[c]! / n;
  }
  let norm = 0;
  for (let i = 0; i < w.length; i++) {
    norm += w[i]! * w[i]!;
    gw[i]! += lambda * w[i]!;
  }
  return loss / n + (lambda / 2) * norm;
}

export function trainSoftmax(xs: SparseVector[], ys: number[], features: number, classes: number, opts: TrainOptions): SoftmaxWeights & { loss: number } {
  const iterations = opts.iterations ?? 400;
  // Rows are L2-normalised, so the loss is (1/2 + lambda)-smooth; 1.0 is a safe step.
  const lr = opts.learningRate ?? 1.0;
  const mu = opts.momentum ?? 0.9;
  const w = new Float64Array(features * classes);
  const b = new Float64Array(classes);
  const vw = new Float64Array(w.length);
  const vb = new Float64Array(classes);
  const lw = new Float64Array(w.length);
  const lb = new Float64Array(classes);
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(classes);
  let loss = Infinity;
  for (let it = 0; it < iterations; it++) {
    // Nesterov: the gradient is taken at the look-ahead point.
    for (let i = 0; i < w.length; i++) lw[i] = w[i]! + mu * vw[i]!;
    for (let c = 0; c < classes; c++) lb[c] = b[c]! + mu * vb[c]!;
    loss = lossAndGradient(xs, ys, classes, opts.lambda, lw, lb, gw, gb);
    for (let i = 0; i < w.length; i++) {
      vw[i] = mu * vw[i]! - lr * gw[i]!;
      w[i]! += vw[i]!;
    }
    for (let c = 0; c < classes; c++) {
      vb[c] = mu * vb[c]! - lr * gb[c]!;
      b[c]! += vb[c]!;
    }
  }
  return { classes, weights: w, bias: b, loss };
}

/** Mean negative log-likelihood of the labels under softmax(z / t). */
export function meanNll(zs: ArrayLike<number>[], ys: number[], t: number): number {
  let s = 0;
  for (let i = 0; i < zs.length; i++) s -= Math.log(Math.max(softmax(zs[i]!, t)[ys[i]!]!, 1e-300));
  return s / zs.length;
}

/** The temperature in [0.05, 20] that minimises the NLL of held-out logits (golden-section on log t). */
export function fitTemperature(zs: ArrayLike<number>[], ys: number[]): number {
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let c = lo + g * (hi - lo);
  let fa = meanNll(zs, ys, Math.exp(a));
  let fc = meanNll(zs, ys, Math.exp(c));
  for (let i = 0; i < 80; i++) {
    if (fa < fc) {
      hi = c;
      c = a;
      fc = fa;
      a = hi - g * (hi - lo);
      fa = meanNll(zs, ys, Math.exp(a));
    } else {
      lo = a;
      a = c;
      fa = fc;
      c = lo + g * (hi - lo);
      fc = meanNll(zs, ys, Math.exp(c));
    }
  }
  return Math.exp((lo + hi) / 2);
}
