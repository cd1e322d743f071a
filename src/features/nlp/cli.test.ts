// `probity nlp` as an operator and CI use it, spawned like test/cli.test.ts does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONDUCT_CATEGORIES } from './categories.ts';
import { loadCorpus } from './corpus.ts';

const BIN = path.resolve('bin/probity.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-nlp-'));

function probity(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('probity nlp', () => {
  it('eval prints per-category precision, recall and F1 and the macro-F1 of the committed model', { timeout: 180_000 }, () => {
    const r = probity(['nlp', 'eval']);
    expect(r.code, r.stderr).toBe(0);
    for (const c of CONDUCT_CATEGORIES) expect(r.stdout).toContain(c);
    expect(r.stdout).toMatch(/precision\s+recall\s+F1/);
    const macro = Number(/macro-F1 ([0-9.]+)/.exec(r.stdout)?.[1]);
    expect(macro).toBeGreaterThanOrEqual(0.85);
    const held = loadCorpus().filter((e) => e.split === 'test').length;
    expect(r.stdout).toContain(`held-out split: ${held} examples`);
  });

  it('train writes a model from a corpus; eval fails when macro-F1 is below the bar, and on a stale model', { timeout: 180_000 }, () => {
    // A small corpus: 8 training examples per category from the real one, and a held-out part whose
    // labels are deliberately rotated, so the model cannot score well on it.
    const corpus = loadCorpus();
    const small = CONDUCT_CATEGORIES.flatMap((c, i) => [
      ...corpus.filter((e) => e.category === c && e.split === 'train').slice(0, 8),
      ...corpus.filter((e) => e.category === c && e.split === 'test').slice(0, 2)
        .map((e) => ({ ...e, category: CONDUCT_CATEGORIES[(i + 1) % CONDUCT_CATEGORIES.length]! })),
    ]);
    const corpusFile = path.join(dir, 'small.jsonl');
    const modelFile = path.join(dir, 'small-model.json');
    fs.writeFileSync(corpusFile, small.map((e) => JSON.stringify(e)).join('\n'));

    const train = probity(['nlp', 'train', '--corpus', corpusFile, '--out', modelFile]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/cross-validation \(5 folds, training split\)/);
    expect(JSON.parse(fs.readFileSync(modelFile, 'utf8')).trainingExamples).toBe(64);

    const low = probity(['nlp', 'eval', '--corpus', corpusFile, '--model', modelFile]);
    expect(low.code).not.toBe(0);
    expect(low.stdout).toContain('macro-F1');
    expect(low.stderr).toMatch(/^probity: macro-F1 [0-9.]+ is below 0.85/);

    // the committed model against the small corpus: trained on something else
    const stale = probity(['nlp', 'eval', '--corpus', corpusFile]);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/different training split/);
  });

  it('classify prints the category and confidence as JSON; bad input fails on one line', { timeout: 180_000 }, () => {
    const r = probity(['nlp', 'classify', '城管只罚我们小摊贩，饭店老板有关系占道从来不管']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { category: string; confidence: number };
    expect(out.category).toBe('selective_enforcement');
    expect(out.confidence).toBeGreaterThan(0);

    const bad = probity(['nlp', 'eval', '--min-f1', 'lots']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = probity(['nlp', 'train', '--corpus', path.join(dir, 'none.jsonl'), '--out', path.join(dir, 'x.json')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^probity: cannot read the corpus/);
  });
});
