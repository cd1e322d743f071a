import { describe, expect, it } from 'vitest';
import { CanonicalError, canonicalJson, recordDigest } from './canonical.ts';
import { encodeEntry, entryForRecord, EntryError, parseEntry } from './entry.ts';

const DIGEST = 'a'.repeat(64);
const TIME = new Date('2024-05-01T08:30:00.123Z');

describe('ledger entries', () => {
  it('encode as one documented line and parse back', () => {
    const e = { type: 'staff', id: '3f2b1c9e-0000-4000-8000-000000000001', version: 2, time: TIME, digest: DIGEST };
    const bytes = encodeEntry(e);
    expect(bytes.toString()).toBe(`probity/v1 staff 3f2b1c9e-0000-4000-8000-000000000001 2 2024-05-01T08:30:00.123Z ${DIGEST}\n`);
    expect(parseEntry(bytes)).toEqual(e);
  });

  it('validate every field', () => {
    const ok = { type: 'unit', id: 'U-1', version: 1, time: TIME, digest: DIGEST };
    for (const bad of [
      { type: 'Unit' }, { type: '1unit' }, { type: 'a'.repeat(65) }, { type: 'has space' },
      { id: '' }, { id: 'a b' }, { id: 'a/b' }, { id: '张三' }, { id: '.' }, { id: '..' }, { id: 'x'.repeat(129) },
      { version: 0 }, { version: 1.5 }, { version: -1 }, { time: new Date(NaN) }, { digest: DIGEST.toUpperCase() }, { digest: 'ab' },
    ]) {
      expect(() => encodeEntry({ ...ok, ...bad }), JSON.stringify(bad)).toThrow(EntryError);
    }
    // Registry codes are /^[A-Za-z0-9_.-]{1,40}$/, so each of them must be a valid id as it is.
    for (const id of ['-x', '_x', '.x', 'x.', 'a:b@c']) expect(parseEntry(encodeEntry({ ...ok, id })).id).toBe(id);
    const line = encodeEntry(ok).toString();
    for (const bad of [
      line.slice(0, -1), line + '\n', line.replace('probity/v1', 'probity/v2'), line.replace(' 1 ', ' 01 '),
      line.replace(' 1 ', '  1 '), line.replace('.123Z', 'Z'), line.replace('2024-05-01', '2024-02-30'),
      line.replace('08:30', '24:30'), line.replace('\n', ' \n'), line.replace(' U-1 ', ' U\u00e9 '),
    ]) {
      expect(() => parseEntry(bad), JSON.stringify(bad)).toThrow(EntryError);
    }
    expect(() => parseEntry(Buffer.from(line.replace('U-1', 'U\u00e9'), 'utf8'))).toThrow(EntryError);
  });

  it('commit to a record by its canonical digest', () => {
    const e = entryForRecord('unit', 'U-1', 1, TIME, { b: 1, a: 'x' });
    expect(e.digest).toBe(recordDigest({ a: 'x', b: 1 }));
  });
});

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":true,"d":null}]}');
    // RFC 8785 §3.2.3 example ordering: code units, so U+20AC sorts before U+FB33 and emoji surrogates in between.
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\u00f6': 5, '\ud83d\ude00': 6, '\u0080': 7 })).toBe(
      '{"\\r":2,"1":4,"\u0080":7,"\u00f6":5,"\u20ac":1,"\ud83d\ude00":6,"\ufb33":3}',
    );
  });

  it('serialises numbers and strings as JCS does', () => {
    expect(canonicalJson([0, -0, 1e21, 1e-7, 333333333.33333329, 4.5, 2 ** 53])).toBe('[0,0,1e+21,1e-7,333333333.3333333,4.5,9007199254740992]');
    expect(canonicalJson('\u0000\b\t\n\f\r"\\/\u001f\u007f€')).toBe('"\\u0000\\b\\t\\n\\f\\r\\"\\\\/\\u001f\u007f€"');
    expect(() => canonicalJson(NaN)).toThrow(CanonicalError);
    expect(() => canonicalJson('\ud800')).toThrow(CanonicalError);
  });

  it('maps bytes, dates and bigints one fixed way and refuses the rest', () => {
    expect(canonicalJson({ photo: Buffer.from([1, 2, 3]), at: TIME, n: 12345678901234567890n, gone: undefined })).toBe(
      '{"at":"2024-05-01T08:30:00.123Z","n":"12345678901234567890","photo":"AQID"}',
    );
    expect(canonicalJson(new Uint8Array([255]))).toBe('"/w=="');
    expect(() => canonicalJson(new Map())).toThrow(CanonicalError);
    expect(() => canonicalJson([undefined])).toThrow(CanonicalError);
    expect(() => canonicalJson(() => 1)).toThrow(CanonicalError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(CanonicalError);
    expect(canonicalJson(Object.assign(Object.create(null), { z: 1 }))).toBe('{"z":1}');
  });

  it('orders array-index keys as strings too ("10" before "9"), which plain objects do not', () => {
    expect(canonicalJson({ 9: 'a', 10: 'b', x: { 2: true, 11: false } })).toBe('{"10":"b","9":"a","x":{"11":false,"2":true}}');
  });

  it('names where an unrepresentable value sits', () => {
    expect(() => canonicalJson({ items: [{ x: 1 }, { x: Infinity }] })).toThrow('/items/1/x: Infinity has no JSON form');
    expect(() => canonicalJson({ a: ['\udc00'] })).toThrow('/a/0: string is not valid Unicode');
  });

  it('digests are SHA-256 of the canonical UTF-8', () => {
    expect(recordDigest({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
