import { describe, expect, it } from 'vitest';
import { ndjsonRecords, type RawRecord } from './reader.ts';

async function collect(chunks: (string | Buffer)[], opts?: { skip?: number; maxLine?: number }): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const batch of ndjsonRecords((async function* () { for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c) : c; })(), opts)) out.push(...batch);
  return out;
}

describe('NDJSON records', () => {
  it('numbers lines as the file does, skipping blank ones, with BOM, CRLF and no final newline', async () => {
    const recs = await collect(['\uFEFF{"a":1}\r\n\n  \n{"a":2}\n{"a":3}']);
    expect(recs).toEqual([{ line: 1, values: { a: 1 } }, { line: 4, values: { a: 2 } }, { line: 5, values: { a: 3 } }]);
  });

  it('joins lines split across chunks, also inside a multi-byte character', async () => {
    const bytes = Buffer.from('{"name":"政务服务"}\n{"name":"热线"}\n');
    const recs = await collect([bytes.subarray(0, 12), bytes.subarray(12, 13), bytes.subarray(13, 30), bytes.subarray(30)]);
    expect(recs.map((r) => r.values)).toEqual([{ name: '政务服务' }, { name: '热线' }]);
  });

  it('never quotes a broken line back (it may hold personal data)', async () => {
    const recs = await collect(['nope 13812345678\n{"phone":13812345678,\n']);
    expect(recs.map((r) => r.error?.reason)).toEqual(['is not valid JSON', 'is not valid JSON (at character 22)']);
  });

  it('reports lines that are not JSON objects, and keeps going', async () => {
    const recs = await collect(['{"a":1}\n{"a":\n[1,2]\nnull\n"x"\n{"a":6}\n']);
    expect(recs.map((r) => [r.line, r.error?.field ?? null, r.error ? r.error.reason.split(' (')[0] : r.values])).toEqual([
      [1, null, { a: 1 }], [2, '$', 'is not valid JSON'], [3, '$', 'must be a JSON object'], [4, '$', 'must be a JSON object'],
      [5, '$', 'must be a JSON object'], [6, null, { a: 6 }],
    ]);
  });

  it('refuses an overlong line without holding it, then reads on', async () => {
    const long = `{"x":"${'y'.repeat(100)}"}`;
    const recs = await collect(['{"a":1}\n', long.slice(0, 40), long.slice(40), '\n{"a":3}\n'], { maxLine: 64 });
    expect(recs.map((r) => [r.line, r.error?.reason ?? 'ok'])).toEqual([[1, 'ok'], [2, 'is longer than 64 bytes'], [3, 'ok']]);
  });

  it('skips the first n records unparsed when resuming, counting lines as before', async () => {
    const recs = await collect(['{"a":1}\n\nnot json\n{"a":3}\n{"a":4}\n'], { skip: 2 });
    expect(recs).toEqual([{ line: 4, values: { a: 3 } }, { line: 5, values: { a: 4 } }]);
  });
});
