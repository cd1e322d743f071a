import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONDUCT_CATEGORIES } from './categories.ts';
import { loadCorpus, type Example } from './corpus.ts';
import { DEFAULT_MODEL_PATH, parseModel, predict, serializeModel, stratifiedFolds, trainModel } from './model.ts';
import { fitTemperature, meanNll, softmax } from './softmax.ts';

/** A small slice of the real corpus: the first 10 training examples of each category. */
function slice(corpus: Example[]): Example[] {
  return CONDUCT_CATEGORIES.flatMap((c) => corpus.filter((e) => e.category === c && e.split === 'train').slice(0, 10));
}

describe('complaint model training', () => {
  const corpus = loadCorpus();

  it('is deterministic: the same corpus gives the same model bytes', () => {
    const a = serializeModel(trainModel(slice(corpus), { lambdas: [1e-3] }).model);
    const b = serializeModel(trainModel(slice(corpus), { lambdas: [1e-3] }).model);
    expect(a).toBe(b);
    // and the bytes are a model that loads and predicts
    const m = parseModel(a);
    expect(Object.keys(m.features).length).toBeGreaterThan(50);
    const p = predict(m, '工作人员态度冷漠，爱答不理');
    expect(Object.values(p.scores).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  });

  it('the committed model is exactly what `probity nlp train` makes from the committed corpus', () => {
    const retrained = serializeModel(trainModel(corpus).model);
    expect(retrained === fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8'), 'run `probity nlp train` and commit src/features/nlp/model.json').toBe(true);
  }, 300_000);

  it('chooses its settings by cross-validation on the training split only', () => {
    const training = slice(corpus);
    const withOtherTests = [...training, ...corpus.filter((e) => e.split === 'test').slice(0, 30)];
    const a = trainModel(training, { lambdas: [1e-3] }).model;
    const b = trainModel(withOtherTests, { lambdas: [1e-3] }).model;
    expect(serializeModel(b)).toBe(serializeModel(a));
  });

  it('puts each category’s examples evenly across folds', () => {
    const labels = [0, 0, 0, 1, 1, 0, 1, 0, 0, 0];
    const folds = stratifiedFolds(labels, 3);
    expect(folds).toEqual([0, 1, 2, 0, 1, 0, 2, 1, 2, 0]);
  });

  it('refuses a file that is not a model for these categories', () => {
    expect(() => parseModel('{}')).toThrow(/not a/);
    expect(() => parseModel('nope')).toThrow(/not valid JSON/);
  });
});

describe('temperature scaling', () => {
  it('cools over-confident logits and sharpens timid ones', () => {
    // Logits that always say "class 0 with ~100%" but are right only 60% of the time.
    const zs = Array.from({ length: 100 }, () => [8, 0, 0]);
    const ys = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i % 2 ? 1 : 2));
    const t = fitTemperature(zs, ys);
    expect(t).toBeGreaterThan(1);
    // At the fitted temperature the top probability is close to the accuracy, and the NLL is lower.
    expect(softmax([8, 0, 0], t)[0]).toBeCloseTo(0.6, 2);
    expect(meanNll(zs, ys, t)).toBeLessThan(meanNll(zs, ys, 1));
    // Timid logits that are always right want a temperature below 1.
    expect(fitTemperature([[0.2, 0], [0.2, 0]], [0, 0])).toBeLessThan(1);
  });
});
