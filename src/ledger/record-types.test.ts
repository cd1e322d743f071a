// The flat fast path of a row's canonical form is exactly the general canonical JSON (RFC 8785).
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';
import { canonicalRecord, entryForRow, flatCanonicalJson, type LedgerTypeDef } from './record-types.ts';
import { entryForRecord } from './entry.ts';

const def: LedgerTypeDef = {
  type: 'sample', table: 'units', key: 'id',
  // Out of order, with keys whose UTF-16 order differs from a naive one.
  columns: ['id', 'Zeta', 'alpha', 'a_b', 'aB', '名称', 'émoji', 'bytes', 'at', 'n', 'flag', 'missing', 'list'],
  version: () => 1, time: () => new Date('2025-01-01T00:00:00Z'), checkVisible: async () => {},
};

describe('flatCanonicalJson', () => {
  it('equals the general canonical JSON for plain values, and declines anything else', () => {
    const rows: Record<string, unknown>[] = [
      { id: 1, Zeta: 'z', alpha: 'say "hi"\n\t\\', a_b: null, aB: '', 名称: '临溪区政务服务中心', émoji: '😀 \u2028', bytes: Buffer.from([0, 255, 7]), at: new Date(1735693200123), n: -0, flag: true, list: null },
      { id: 9007199254740991, Zeta: 1e21, alpha: 0.1 + 0.2, a_b: 5e-7, aB: false, 名称: '\u0000\u001f', émoji: null, bytes: new Uint8Array(0), at: null, n: 123456789, flag: false },
      // Times repeat from row to row (a batch's stamps), equal but not the same object, then change.
      { id: 3, at: new Date(1735693200123), Zeta: new Date(1735693200123), alpha: new Date(-62198755200000), n: -1.5e-7 },
      { id: 4, at: new Date(1735693200124), Zeta: new Date(1735693200123), alpha: '\ud83d\ude00 ok', n: 2 ** 53 + 2 },
    ];
    for (const row of rows) {
      const flat = flatCanonicalJson(def, row);
      expect(flat).toBe(canonicalJson(canonicalRecord(def, row)));
      const e = entryForRow(def, row as never);
      expect(e.digest).toBe(entryForRecord('sample', String(row.id), 1, new Date('2025-01-01T00:00:00Z'), canonicalRecord(def, row)).digest);
    }
    for (const odd of [{ list: ['a'] }, { list: { a: 1 } }, { alpha: 'x\ud800' }, { n: Number.NaN }, { at: new Date(Number.NaN) }, { n: 10n }]) {
      expect(flatCanonicalJson(def, { id: 1, ...odd })).toBeUndefined();
    }
    // Arrays take the general path and still get an entry.
    expect(entryForRow(def, { id: 2, list: ['a', 'b'] } as never).digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
