import { describe, expect, it } from 'vitest';
import { CONDUCT_CATEGORIES } from './categories.ts';
import { loadCorpus, parseCorpus, trainingFingerprint } from './corpus.ts';

describe('the labelled complaint corpus', () => {
  const corpus = loadCorpus();

  it('has at least 480 examples, about 60 per category, with a stratified ~20% held-out split', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(480);
    for (const c of CONDUCT_CATEGORIES) {
      const mine = corpus.filter((e) => e.category === c);
      expect(mine.length, c).toBeGreaterThanOrEqual(55);
      const share = mine.filter((e) => e.split === 'test').length / mine.length;
      expect(share, c).toBeGreaterThanOrEqual(0.15);
      expect(share, c).toBeLessThanOrEqual(0.25);
    }
  });

  it('varies in length like real complaints', () => {
    const lengths = corpus.map((e) => [...e.text].length).sort((a, b) => a - b);
    expect(lengths[0]).toBeLessThan(20);
    expect(lengths[lengths.length - 1]).toBeGreaterThan(120);
    expect(new Set(corpus.map((e) => e.text.slice(0, 4))).size).toBeGreaterThan(corpus.length * 0.8);
  });

  it('refuses a bad corpus, naming every bad line', () => {
    const good = JSON.stringify({ id: 'a-1', category: 'other', split: 'train', text: '建议增加一条公交线路方便出行' });
    const content = [
      good,
      '{not json',
      JSON.stringify({ id: 'a-1', category: 'other', split: 'train', text: '另一条建议：多建公共厕所' }),
      JSON.stringify({ id: 'a-3', category: 'rudeness', split: 'dev', text: '短' }),
    ].join('\n');
    try {
      parseCorpus(content);
      expect.unreachable();
    } catch (err) {
      const paths = (err as { errors: { path: string }[] }).errors.map((e) => e.path);
      expect(paths).toEqual(['line 2', 'line 3/id', 'line 4/category', 'line 4/split', 'line 4/text']);
    }
    expect(parseCorpus(`${good}\n\n`)).toHaveLength(1);
  });

  it('fingerprints only the training split', () => {
    const base = corpus.slice(0, 20);
    const moreTests = [...base, { id: 'x-1', category: 'other' as const, split: 'test' as const, text: '请问如何办理护照？需要预约吗' }];
    expect(trainingFingerprint(moreTests)).toBe(trainingFingerprint(base));
    const relabelled = base.map((e, i) => (i === 0 ? { ...e, category: e.category === 'other' ? 'formalism' as const : 'other' as const, split: 'train' as const } : e));
    expect(trainingFingerprint(relabelled)).not.toBe(trainingFingerprint(base.map((e, i) => (i === 0 ? { ...e, split: 'train' as const } : e))));
  });
});
