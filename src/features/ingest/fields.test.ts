import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from '../../lib/crypto.ts';
import type { Scope } from '../auth/principal.ts';
import { unitRefInScope } from '../registry/scope.ts';
import { crockford, derivedTransactionCode } from './codes.ts';
import { parseDate, parseTimestamp, scrubSummary } from './fields.ts';
import { EVIDENCE_SPECS, parseTransaction, type ScopedRef } from './kinds.ts';

describe('timestamps', () => {
  it('reads ISO 8601 with and without an offset; no offset means China Standard Time', () => {
    expect(parseTimestamp('2025-05-01T08:30:00+08:00')).toBe('2025-05-01T00:30:00.000Z');
    expect(parseTimestamp('2025-05-01 08:30:00')).toBe('2025-05-01T00:30:00.000Z');
    expect(parseTimestamp('2025-05-01T08:30')).toBe('2025-05-01T00:30:00.000Z');
    expect(parseTimestamp('2025/5/1 8:30:15.5Z')).toBe('2025-05-01T08:30:15.500Z');
    expect(parseTimestamp('2025-05-01T08:30:00-0500')).toBe('2025-05-01T13:30:00.000Z');
    expect(parseTimestamp('2025-01-01T03:00:00+08:00')).toBe('2024-12-31T19:00:00.000Z');
  });

  it('refuses impossible dates and times and plain dates', () => {
    for (const bad of ['2025-02-29T10:00:00Z', '2025-13-01T10:00:00Z', '2025-05-01T24:00:00Z', '2025-05-01T10:60Z', '2025-05-01', '1714552200', 'yesterday', '2025-05-01T10:00:00+15:00']) {
      expect(parseTimestamp(bad), bad).toBeNull();
    }
    expect(parseTimestamp('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
  });

  it('reads dates in the usual Chinese spellings', () => {
    expect(parseDate('2025-05-01')).toBe('2025-05-01');
    expect(parseDate('2025/5/1')).toBe('2025-05-01');
    expect(parseDate('2025年5月1日')).toBe('2025-05-01');
    expect(parseDate('2025-02-30')).toBeNull();
    expect(parseDate('2025-05-01T00:00:00Z')).toBeNull();
  });
});

describe('free-text summaries', () => {
  it('never keep phone or ID numbers and are capped at 500 characters', () => {
    const s = scrubSummary('市民13812345678反映，身份证11010519491231002X，座机010-12345678，订单号202405010000000000000 未处理');
    expect(s).not.toMatch(/13812345678|11010519491231002X|12345678/);
    expect(s).toContain('[已删除]');
    expect(s).toContain('202405010000000000000'); // a longer number is not a phone or ID number
    const long = scrubSummary('办'.repeat(600));
    expect([...long]).toHaveLength(500);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('derived transaction codes', () => {
  const cipher = new FieldCipher(crypto.createHash('sha256').update('test key').digest());

  it('are 20 Crockford base-32 characters, stable, and differ by source and id', () => {
    const a = derivedTransactionCode(cipher, 'platform', 'X1');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{20}$/);
    expect(derivedTransactionCode(cipher, 'platform', 'X1')).toBe(a);
    expect(derivedTransactionCode(cipher, 'platform', 'X2')).not.toBe(a);
    expect(derivedTransactionCode(cipher, 'other', 'X1')).not.toBe(a);
    // keyed: another data key gives another code, so codes cannot be computed from external ids
    expect(derivedTransactionCode(new FieldCipher(Buffer.alloc(32, 7)), 'platform', 'X1')).not.toBe(a);
  });

  it('encodes bits in order', () => {
    expect(crockford(Buffer.from([0xff, 0xff]), 3)).toBe('ZZZ');
    expect(crockford(Buffer.from([0x00, 0x00]), 3)).toBe('000');
    expect(crockford(Buffer.from([0x08, 0x42]), 3)).toBe('111'); // 00001 00001 00001 0
  });
});

describe('transaction records', () => {
  const base = { externalId: 'E1', serviceItemCode: 'I1', channel: 'window', acceptedAt: '2025-05-06 09:00:00' };

  it('take Chinese labels and default the status from the completion time', () => {
    const r = parseTransaction({ ...base, channel: '网办', completedAt: '2025-05-08 17:00:00' });
    const ms = (iso: string) => new Date(iso).getTime();
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ channel: 'online', status: 'completed', acceptedAt: ms('2025-05-06T01:00:00.000Z'), completedAt: ms('2025-05-08T09:00:00.000Z') }) });
    expect(parseTransaction(base)).toMatchObject({ ok: true, value: { status: 'accepted', completedAt: null, unitCode: null, transactionCode: null } });
  });

  it('report every bad field once', () => {
    const r = parseTransaction({ externalId: '', channel: 'pigeon', acceptedAt: 'soon', status: '办结', promisedDays: 400, transactionCode: 'a b' });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['acceptedAt', 'channel', 'completedAt', 'externalId', 'promisedDays', 'serviceItemCode', 'transactionCode']);
  });

  it('refuse a completion before acceptance and a completion time on an open transaction', () => {
    expect(parseTransaction({ ...base, completedAt: '2025-05-05 09:00:00' })).toMatchObject({ ok: false, errors: [{ path: 'completedAt', message: 'must not be before acceptedAt' }] });
    expect(parseTransaction({ ...base, status: 'accepted', completedAt: '2025-05-07 09:00:00' })).toMatchObject({ ok: false, errors: [{ path: 'completedAt' }] });
  });

  it('refuse values of the wrong JSON type', () => {
    expect(parseTransaction({ ...base, externalId: { id: 1 } })).toMatchObject({ ok: false, errors: [{ path: 'externalId', message: 'must be a string' }] });
    expect(parseTransaction({ ...base, externalId: 12345 })).toMatchObject({ ok: true, value: { externalId: '12345' } });
  });
});

describe('the other kinds', () => {
  const parse = (kind: keyof typeof EVIDENCE_SPECS, raw: Record<string, unknown>) => EVIDENCE_SPECS[kind].parse(raw);

  it('hotline: satisfaction as a number or a label, summary scrubbed', () => {
    expect(parse('hotline', { externalId: 'H1', unitCode: 'U1', receivedAt: '2025-05-01 10:00', satisfaction: '基本满意', summary: '来电人13900001111' }))
      .toMatchObject({ ok: true, value: { satisfaction: 3, summary: '来电人[已删除]' } });
    expect(parse('hotline', { externalId: 'H1', unitCode: 'U1', receivedAt: '2025-05-01 10:00', satisfaction: 6 })).toMatchObject({ ok: false, errors: [{ path: 'satisfaction' }] });
    expect(parse('hotline', { externalId: 'H1', unitCode: 'U1', receivedAt: '2025-05-01 10:00', resolvedAt: '2025-04-30 10:00' })).toMatchObject({ ok: false, errors: [{ path: 'resolvedAt' }] });
  });

  it('training: hours are a positive number with at most two decimals', () => {
    const t = { externalId: 'T1', staffCode: 'S1', course: '政务服务礼仪', completedOn: '2025-03-01' };
    expect(parse('training', { ...t, hours: 1.15 })).toMatchObject({ ok: true, value: { hours: '1.15' } });
    expect(parse('training', { ...t, hours: '2' })).toMatchObject({ ok: true, value: { hours: '2' } });
    for (const hours of [0, -1, '1.234', 'two', 5000]) expect(parse('training', { ...t, hours }), String(hours)).toMatchObject({ ok: false, errors: [{ path: 'hours' }] });
  });

  it('audit findings and proposals take Chinese labels', () => {
    expect(parse('audit-findings', { externalId: 'A1', unitCode: 'U1', foundOn: '2025-01-02', severity: '严重' })).toMatchObject({ ok: true, value: { severity: 'severe', staffCode: null } });
    expect(parse('proposals', { externalId: 'P1', kind: '政协提案', unitCode: 'U1', receivedOn: '2025-03-01', dueOn: '2025-06-01' })).toMatchObject({ ok: true, value: { kind: 'cppcc', answeredOn: null } });
    expect(parse('proposals', { externalId: 'P1', kind: 'npc', unitCode: 'U1', receivedOn: '2025-03-01', dueOn: '2025-02-01' })).toMatchObject({ ok: false, errors: [{ path: 'dueOn' }] });
  });

  it('petitions: closed not before received', () => {
    expect(parse('petitions', { externalId: 'X', unitCode: 'U1', receivedAt: '2025-03-01 09:00', closedAt: '2025-02-01 09:00' })).toMatchObject({ ok: false, errors: [{ path: 'closedAt' }] });
  });
});

describe('the fast timestamp path', () => {
  it('agrees with the general reader on generated spellings, valid and not', async () => {
    const { parseTimestampGeneral, parseTimestampMs } = await import('./fields.ts');
    const pick = <T>(xs: T[], i: number) => xs[i % xs.length]!;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 20000; i++) {
      const y = pick([1899, 1900, 2000, 2024, 2025, 2100, 2200, 2201], i * 7);
      const mo = pick([0, 1, 2, 4, 9, 12, 13], i * 3);
      const d = pick([0, 1, 28, 29, 30, 31, 32], i * 5);
      const h = pick([0, 8, 23, 24], i * 11);
      const mi = pick([0, 30, 59, 60], i * 13);
      const sec = pick(['', ':00', ':59', ':60', ':5', ':07.1', ':07.123', ':07.123456', ':07.1234567891', ':07.'], i * 17);
      const zone = pick(['', 'Z', 'z', '+08:00', '-05:30', '+14:00', '+15:00', '+08:60', '+0800', '+08', ' Z'], i * 19);
      const s = `${y}-${pad(mo)}-${pad(d)}${pick(['T', ' '], i)}${pad(h)}:${pad(mi)}${sec}${zone}`;
      expect(parseTimestampMs(s), s).toBe(parseTimestampGeneral(s));
    }
  });
});

describe('resolving codes', () => {
  const refs = {
    unit: (c: string) => (c === 'U1' ? { id: 1, path: '/1/', regionPath: '/9/' } : c === 'U2' ? { id: 2, path: '/2/', regionPath: '/8/' } : undefined),
    item: (c: string) => (c === 'I1' ? { id: 10, unitId: 1, promisedDays: 5, path: '/1/', regionPath: '/9/' } : undefined),
    staff: () => undefined,
  };
  const ctx = (scope: Scope) => ({ inScope: (ref: ScopedRef) => unitRefInScope(ref, scope), refs, transactionCode: (id: string) => `DERIVED-${id}` });
  const value = (extra: Record<string, unknown>) => {
    const p = parseTransaction({ externalId: 'E1', channel: 'window', acceptedAt: '2025-05-06 09:00', ...extra });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    return p.value;
  };

  it('defaults unit and promised days from the service item and derives the code', () => {
    expect(EVIDENCE_SPECS.transactions.toRow(value({ serviceItemCode: 'I1' }), ctx({ kind: 'all' }))).toEqual({
      ok: true, row: ['DERIVED-E1', 10, 1, null, 'window', 'accepted', Date.UTC(2025, 4, 6, 1), null, 5],
    });
  });

  it('treats a unit outside the caller’s scope as unknown', () => {
    const scoped = ctx({ kind: 'unit', unitId: 1, path: '/1/' });
    expect(EVIDENCE_SPECS.transactions.toRow(value({ unitCode: 'U1' }), scoped)).toMatchObject({ ok: true });
    expect(EVIDENCE_SPECS.transactions.toRow(value({ unitCode: 'U2' }), scoped)).toEqual({ ok: false, errors: [{ path: 'unitCode', message: 'no unit has code U2' }] });
    const region = ctx({ kind: 'region', regionId: 8, path: '/8/' });
    expect(EVIDENCE_SPECS.transactions.toRow(value({ serviceItemCode: 'I1' }), region)).toEqual({ ok: false, errors: [{ path: 'serviceItemCode', message: 'no service item has code I1' }] });
  });
});

describe('content digests', () => {
  it('tell null from empty text and depend on field order and kind', async () => {
    const { contentHash } = await import('./batches.ts');
    expect(contentHash('k', { a: null })).not.toBe(contentHash('k', { a: '' }));
    expect(contentHash('k', { a: 'x', b: 1 })).toBe(contentHash('k', { a: 'x', b: 1 }));
    expect(contentHash('k', { a: 'x', b: 1 })).not.toBe(contentHash('j', { a: 'x', b: 1 }));
    expect(contentHash('k', { a: 'x1', b: '' })).not.toBe(contentHash('k', { a: 'x', b: '1' }));
    expect(contentHash('k', { a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
