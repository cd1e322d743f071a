import { describe, expect, it } from 'vitest';
import { charBigrams, features, normalizeText, segmentWords } from './tokenize.ts';

describe('complaint tokenisation', () => {
  it('normalises full-width forms, case and digits', () => {
    expect(normalizeText('ＡＢＣ　跑了１２趟 12345')).toBe('abc 跑了0趟 0');
  });

  it('segments with jieba and drops punctuation and function words', () => {
    const words = segmentWords('窗口工作人员态度冷漠，办个营业执照跑了五趟！');
    expect(words).toEqual(expect.arrayContaining(['窗口', '工作人员', '态度', '冷漠', '营业执照']));
    expect(words).not.toContain('，');
    expect(words).not.toContain('！');
    expect(words).not.toContain('了');
  });

  it('makes character bigrams inside runs, never across punctuation', () => {
    expect(charBigrams('推诿，扯皮')).toEqual(['推诿', '扯皮']);
    expect(charBigrams('吃拿卡要')).toEqual(['吃拿', '拿卡', '卡要']);
    expect(charBigrams('要')).toEqual([]);
  });

  it('names word and bigram features apart, keeping repeats for term frequency', () => {
    const f = features('踢皮球，踢皮球');
    expect(f.filter((x) => x === 'b:皮球')).toHaveLength(2);
    expect(f.some((x) => x.startsWith('w:'))).toBe(true);
    expect(f.every((x) => /^[wb]:/.test(x))).toBe(true);
  });
});
