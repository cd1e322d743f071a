// The flat fast path of a row's canonical form is exactly the general canonical JSON (RFC 8785).
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.ts';
import { canonicalRecord, entryForRow, flatCanonicalJson, packedRowText, type LedgerTypeDef } from './record-types.ts';
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

describe('packedRowText (rows committed in batches)', () => {
  const batched: LedgerTypeDef = {
    type: 'evidence_sample', table: 'service_transactions', key: 'id', columns: ['id', 'code', 'n', 'at', 'hash', 'flag', 'gone'],
    version: () => 1, time: () => new Date(0), checkVisible: async () => {}, batch: { column: 'ledger_batch', type: 'evidence_batch' },
  };
  const row = { id: 7, code: 'TX-1', n: -1.5, at: new Date(1735693200123), hash: Buffer.from([0, 255, 7]), flag: true, gone: null, ledger_batch: 3 };

  it('is the type and each column in declared order after U+001F, and is what a batched row is digested as', () => {
    expect(packedRowText(batched, row)).toBe('evidence_sample\u001f7\u001fTX-1\u001f-1.5\u001f1735693200123\u001fAP8H\u001ftrue\u001f\u001e');
    expect(entryForRow(batched, row as never).digest).toBe(crypto.hash('sha256', packedRowText(batched, row)!, 'hex'));
    // Bytes read back as base64 text pack the same as bytes in hand; a row outside any batch keeps canonical JSON.
    expect(packedRowText(batched, { ...row, hash: 'AP8H' })).toBe(packedRowText(batched, row));
    expect(entryForRow(batched, { ...row, ledger_batch: null } as never).digest).toBe(crypto.hash('sha256', canonicalJson(canonicalRecord(batched, row)), 'hex'));
  });

  it('changes with any edit, and declines values that could make two rows pack alike', () => {
    const digest = (r: object) => entryForRow(batched, r as never).digest;
    for (const edit of [{ code: 'TX-2' }, { n: 1.5 }, { at: new Date(1735693200124) }, { hash: Buffer.from([0, 255, 8]) }, { flag: false }, { gone: '' }, { id: 8 }]) {
      expect(digest({ ...row, ...edit })).not.toBe(digest(row));
    }
    // A separator inside a value would let content move between columns unseen: such rows take canonical JSON.
    expect(packedRowText(batched, { ...row, code: 'TX\u001f1' })).toBeUndefined();
    expect(packedRowText(batched, { ...row, code: '\u001e' })).toBeUndefined();
    expect(packedRowText(batched, { ...row, code: 'x\ud800' })).toBeUndefined();
    expect(packedRowText(batched, { ...row, n: Number.NaN })).toBeUndefined();
    expect(packedRowText(batched, { ...row, gone: ['a'] })).toBeUndefined();
    expect(digest({ ...row, code: 'TX\u001f1' })).toBe(crypto.hash('sha256', canonicalJson(canonicalRecord(batched, { ...row, code: 'TX\u001f1' })), 'hex'));
  });
});
