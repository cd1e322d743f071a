import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvSplitter, CsvSyntaxError } from './csv.ts';

// csv-parse with the options the import used before: the reference the splitter must agree with.
const reference = (text: string) => parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

/** The splitter's records for `text` cut into chunks at the given positions. */
function split(text: string, cuts: number[] = []): string[][] {
  const s = new CsvSplitter();
  const out: string[][] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...s.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...s.push(text.slice(from), true));
  return out;
}

// A small deterministic generator (mulberry32), so a failure names its seed.
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'b', '张', '三', ' ', '1', ',', '"', '\n', '\r\n', '\r', '𠀀', '\t', '""'];

/** A well-formed CSV text: random fields, some quoted (holding commas, quotes, line breaks). */
function randomCsv(rnd: () => number): string {
  const eol = ['\n', '\r\n'][Math.floor(rnd() * 2)]!;
  const lines: string[] = [];
  const records = 1 + Math.floor(rnd() * 8);
  for (let r = 0; r < records; r++) {
    if (rnd() < 0.15) lines.push(''); // an empty line
    const fields: string[] = [];
    const count = 1 + Math.floor(rnd() * 5);
    for (let f = 0; f < count; f++) {
      let v = '';
      const len = Math.floor(rnd() * 6);
      for (let i = 0; i < len; i++) v += PIECES[Math.floor(rnd() * PIECES.length)]!;
      const needsQuotes = /[",\r\n]/.test(v);
      fields.push(needsQuotes || rnd() < 0.2 ? `"${v.replace(/"/g, '""')}"` : v);
    }
    lines.push(fields.join(','));
  }
  return (rnd() < 0.2 ? '\uFEFF' : '') + lines.join(eol) + (rnd() < 0.5 ? eol : '');
}

describe('CSV splitter', () => {
  it('reads what csv-parse reads: quotes, doubled quotes, commas and line breaks in fields, CRLF, empty lines, a BOM', () => {
    const text = '\uFEFFcode,name,note\r\nA1,"张,三","say ""hi""\nthere"\r\n\r\nA2,,\r\nA3,"",x\r\n\r\n';
    expect(split(text)).toEqual(reference(text));
    expect(split(text)).toEqual([['code', 'name', 'note'], ['A1', '张,三', 'say "hi"\nthere'], ['A2', '', ''], ['A3', '', 'x']]);
  });

  it('agrees with csv-parse on 2,000 random files, each cut into chunks at random places', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = random(seed);
      const text = randomCsv(rnd);
      const cuts = Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * (text.length + 1)));
      const expected = reference(text);
      expect({ seed, records: split(text, cuts) }).toEqual({ seed, records: expected });
    }
  });

  it('ends records at LF, CR or CRLF in any mix (csv-parse kept to the first kind it met)', () => {
    const text = 'a,b\r\nc,d\ne,f\rg,h';
    expect(split(text)).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g', 'h']]);
    expect(reference(text)).toEqual([['a', 'b'], ['c', 'd\ne', 'f\rg', 'h']]);
  });

  it('gives the same records whatever the chunking, down to one character at a time', () => {
    const text = 'a,"b\r\n""c"""\r\nd,e\r\n\r\n"",f';
    const expected = reference(text);
    expect(split(text, Array.from({ length: text.length }, (_, i) => i))).toEqual(expected);
  });

  it('refuses what csv-parse refuses, saying how many records came before', () => {
    for (const [text, message, before] of [
      ['a,b\nc,d"e\n', 'a quote inside an unquoted field', 1],
      ['a,b\n"c"d,e\n', 'a closing quote must be followed by', 1],
      ['a,b\nc,d\n"e,f\n', 'a quoted field is not closed', 2],
    ] as const) {
      expect(() => reference(text)).toThrow();
      let error: unknown;
      try {
        split(text);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CsvSyntaxError);
      expect((error as CsvSyntaxError).message).toContain(message);
      expect((error as CsvSyntaxError).records).toBe(before);
    }
  });
});
