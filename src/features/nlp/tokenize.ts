// Text → features for the complaint classifier: jieba words (分词) plus character bigrams, so that a
// word jieba splits differently (typos, colloquial forms) still shares features with its neighbours.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;

/** Loads jieba's dictionary once (about half a second); later calls are free. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Full-width → half-width (NFKC), lower case, every run of digits → "0", whitespace collapsed. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[0-9]+/g, '0').replace(/\s+/g, ' ').trim();
}

// Letters, digits and CJK ideographs carry meaning; punctuation, symbols and spaces separate runs.
const MEANINGFUL = /[\p{L}\p{N}]/u;
const SEPARATOR = /[^\p{L}\p{N}]+/u;

/** Frequent function words that say nothing about the kind of conduct (虚词). */
const STOPWORDS = new Set(['的', '了', '着', '呢', '吧', '啊', '呀', '吗', '嘛', '和', '与', '及', '是', '在', '也', '就', '都', '又', '把', '被', '这', '那', '个', '一个', '我', '我们', '他', '他们', '她', '它']);

/** jieba's words of the normalised text, without punctuation and stop words. */
export function segmentWords(text: string): string[] {
  return segmenter()
    .cut(normalizeText(text), true)
    .filter((w) => MEANINGFUL.test(w) && !STOPWORDS.has(w));
}

/** Character bigrams inside each run of letters and digits (never across punctuation). */
export function charBigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of normalizeText(text).split(SEPARATOR)) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** The feature names of a text: `w:<word>` for words, `b:<bigram>` for bigrams, with repeats. */
export function features(text: string): string[] {
  return [...segmentWords(text).map((w) => `w:${w}`), ...charBigrams(text).map((b) => `b:${b}`)];
}
