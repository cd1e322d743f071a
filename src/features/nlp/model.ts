// The complaint model: TF-IDF over jieba words and character bigrams, softmax regression, temperature.
// Training chooses the L2 penalty and the temperature by stratified k-fold cross-validation on the
// training split only; the held-out split is never looked at here. The model file is plain JSON with
// sorted keys and rounded numbers, so the same corpus always gives the same bytes.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../lib/errors.ts';
import { CONDUCT_CATEGORIES, type ConductCategory } from './categories.ts';
import { trainingFingerprint, type Example } from './corpus.ts';
import { confusionMatrix, figures } from './metrics.ts';
import { argmax, fitTemperature, logits, softmax, trainSoftmax, type SoftmaxWeights, type SparseVector } from './softmax.ts';
import { features } from './tokenize.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));
export const MODEL_FORMAT = 'probity-complaint-softmax/1';

export const LAMBDAS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2] as const;
export const FOLDS = 5;
/** A feature must occur in at least this many training texts to enter the vocabulary. */
export const MIN_DF = 2;
const DIGITS = 5;

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  categories: ConductCategory[];
  trainingFingerprint: string;
  trainingExamples: number;
  lambda: number;
  temperature: number;
  crossValidation: { folds: number; macroF1ByLambda: Record<string, number>; macroF1: number };
  bias: number[];
  /** feature → [idf, weight per category in `categories` order] */
  features: Record<string, number[]>;
}

interface Vocabulary {
  index: Map<string, number>;
  idf: Float64Array;
}

function buildVocabulary(docs: readonly string[][]): Vocabulary {
  const df = new Map<string, number>();
  for (const d of docs) for (const f of new Set(d)) df.set(f, (df.get(f) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, n]) => n >= MIN_DF).map(([f]) => f).sort();
  const idf = new Float64Array(kept.length);
  kept.forEach((f, i) => (idf[i] = Math.log((1 + docs.length) / (1 + df.get(f)!)) + 1));
  return { index: new Map(kept.map((f, i) => [f, i])), idf };
}

/** Sublinear TF (1 + ln count) × IDF over known features, L2-normalised. */
export function vectorize(doc: readonly string[], lookup: (feature: string) => { index: number; idf: number } | undefined): SparseVector {
  const counts = new Map<number, { n: number; idf: number }>();
  for (const f of doc) {
    const hit = lookup(f);
    if (!hit) continue;
    const c = counts.get(hit.index);
    if (c) c.n++;
    else counts.set(hit.index, { n: 1, idf: hit.idf });
  }
  const index = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const value = new Float64Array(index.length);
  let norm = 0;
  index.forEach((ix, j) => {
    const c = counts.get(ix)!;
    value[j] = (1 + Math.log(c.n)) * c.idf;
    norm += value[j] * value[j];
  });
  norm = Math.sqrt(norm);
  if (norm > 0) for (let j = 0; j < value.length; j++) value[j]! /= norm;
  return { index, value };
}

interface Fitted {
  vocabulary: Vocabulary;
  weights: SoftmaxWeights;
}

function fit(docs: readonly string[][], labels: number[], lambda: number): Fitted {
  const vocabulary = buildVocabulary(docs);
  const lookup = (f: string) => {
    const i = vocabulary.index.get(f);
    return i === undefined ? undefined : { index: i, idf: vocabulary.idf[i]! };
  };
  const xs = docs.map((d) => vectorize(d, lookup));
  const weights = trainSoftmax(xs, labels, vocabulary.idf.length, CONDUCT_CATEGORIES.length, { lambda });
  return { vocabulary, weights };
}

function fittedLogits(m: Fitted, doc: readonly string[]): Float64Array {
  const x = vectorize(doc, (f) => {
    const i = m.vocabulary.index.get(f);
    return i === undefined ? undefined : { index: i, idf: m.vocabulary.idf[i]! };
  });
  return logits(m.weights, x);
}

/** Stratified folds: within each category, in corpus order, example j goes to fold j mod k. */
export function stratifiedFolds(labels: readonly number[], k: number): number[] {
  const seen = new Map<number, number>();
  return labels.map((y) => {
    const j = seen.get(y) ?? 0;
    seen.set(y, j + 1);
    return j % k;
  });
}

/** Out-of-fold logits for every training example. */
function crossValidate(docs: string[][], labels: number[], lambda: number, folds: number[], k: number): Float64Array[] {
  const out: Float64Array[] = new Array(docs.length);
  for (let f = 0; f < k; f++) {
    const trainIdx = docs.map((_, i) => i).filter((i) => folds[i] !== f);
    const m = fit(trainIdx.map((i) => docs[i]!), trainIdx.map((i) => labels[i]!), lambda);
    docs.forEach((d, i) => {
      if (folds[i] === f) out[i] = fittedLogits(m, d);
    });
  }
  return out;
}

const round = (x: number) => Number(x.toPrecision(DIGITS));

export interface TrainReport {
  model: ModelFile;
  /** one line per choice made, for the CLI to print */
  log: string[];
}

export interface TrainModelOptions {
  /** L2 penalties to choose from by cross-validation (default LAMBDAS). */
  lambdas?: readonly number[];
  progress?: (line: string) => void;
}

export function trainModel(corpus: readonly Example[], options: TrainModelOptions = {}): TrainReport {
  const progress = options.progress ?? (() => {});
  const train = corpus.filter((e) => e.split === 'train');
  if (train.length < FOLDS * CONDUCT_CATEGORIES.length) throw new AppError(422, `too few training examples (${train.length})`);
  const docs = train.map((e) => features(e.text));
  const labels = train.map((e) => CONDUCT_CATEGORIES.indexOf(e.category));
  const folds = stratifiedFolds(labels, FOLDS);
  const log: string[] = [];
  const say = (line: string) => (log.push(line), progress(line));

  const byLambda: Record<string, number> = {};
  let best: { lambda: number; f1: number; oof: Float64Array[] } | undefined;
  for (const lambda of options.lambdas ?? LAMBDAS) {
    const oof = crossValidate(docs, labels, lambda, folds, FOLDS);
    const f1 = figures(confusionMatrix(labels, oof.map((z) => argmax(z)), CONDUCT_CATEGORIES.length)).macroF1;
    byLambda[String(lambda)] = round(f1);
    say(`cross-validation (${FOLDS} folds, training split): lambda ${lambda} → macro-F1 ${f1.toFixed(3)}`);
    // Ties go to the larger penalty (the simpler model); hence >=.
    if (!best || f1 >= best.f1) best = { lambda, f1, oof };
  }
  const chosen = best!;
  const temperature = fitTemperature(chosen.oof, labels);
  say(`chose lambda ${chosen.lambda}; temperature ${temperature.toFixed(3)} (fitted on out-of-fold predictions)`);

  const m = fit(docs, labels, chosen.lambda);
  const k = CONDUCT_CATEGORIES.length;
  const feats: Record<string, number[]> = {};
  const names = [...m.vocabulary.index.keys()].sort();
  for (const name of names) {
    const i = m.vocabulary.index.get(name)!;
    feats[name] = [round(m.vocabulary.idf[i]!), ...Array.from(m.weights.weights.subarray(i * k, (i + 1) * k), round)];
  }
  say(`trained on ${train.length} examples, ${names.length} features`);
  const model: ModelFile = {
    format: MODEL_FORMAT,
    categories: [...CONDUCT_CATEGORIES],
    trainingFingerprint: trainingFingerprint(corpus),
    trainingExamples: train.length,
    lambda: chosen.lambda,
    temperature: round(temperature),
    crossValidation: { folds: FOLDS, macroF1ByLambda: byLambda, macroF1: round(chosen.f1) },
    bias: Array.from(m.weights.bias, round),
    features: feats,
  };
  return { model, log };
}

/** One feature per line keeps diffs of a retrained model readable. */
export function serializeModel(model: ModelFile): string {
  const { features: feats, ...head } = model;
  const lines = Object.keys(feats).map((f) => `    ${JSON.stringify(f)}: ${JSON.stringify(feats[f])}`);
  const headJson = JSON.stringify(head, null, 2);
  return `${headJson.slice(0, -2)},\n  "features": {\n${lines.join(',\n')}\n  }\n}\n`;
}

export function parseModel(content: string, source = 'model'): ModelFile {
  let m: ModelFile;
  try {
    m = JSON.parse(content) as ModelFile;
  } catch {
    throw new AppError(422, `${source} is not valid JSON`);
  }
  const k = CONDUCT_CATEGORIES.length;
  const ok = m && m.format === MODEL_FORMAT && Array.isArray(m.categories) && m.categories.join() === CONDUCT_CATEGORIES.join()
    && Array.isArray(m.bias) && m.bias.length === k && typeof m.temperature === 'number' && m.temperature > 0
    && m.features && typeof m.features === 'object' && Object.values(m.features).every((v) => Array.isArray(v) && v.length === k + 1);
  if (!ok) throw new AppError(422, `${source} is not a ${MODEL_FORMAT} model for categories ${CONDUCT_CATEGORIES.join(', ')}`);
  return m;
}

export function readModel(file: string = DEFAULT_MODEL_PATH): ModelFile {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AppError(400, `cannot read the model ${file}; run \`probity nlp train\``);
  }
  return parseModel(content, file);
}

export interface Prediction {
  category: ConductCategory;
  confidence: number;
  scores: Record<ConductCategory, number>;
}

/** Classifies one text with a loaded model. */
export function predict(model: ModelFile, text: string): Prediction {
  const k = CONDUCT_CATEGORIES.length;
  const z = Float64Array.from(model.bias);
  // The same TF-IDF as vectorize(), by name: the model file keys features by name.
  const counts = new Map<string, number>();
  for (const f of features(text)) if (model.features[f] !== undefined) counts.set(f, (counts.get(f) ?? 0) + 1);
  let norm = 0;
  const vals = new Map<string, number>();
  for (const [f, n] of counts) {
    const v = (1 + Math.log(n)) * model.features[f]![0]!;
    vals.set(f, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [f, v] of vals) {
    const row = model.features[f]!;
    for (let c = 0; c < k; c++) z[c]! += (v / norm) * row[c + 1]!;
  }
  const p = softmax(z, model.temperature);
  const best = argmax(p);
  const scores = Object.fromEntries(CONDUCT_CATEGORIES.map((c, i) => [c, p[i]])) as Record<ConductCategory, number>;
  return { category: CONDUCT_CATEGORIES[best]!, confidence: p[best]!, scores };
}
