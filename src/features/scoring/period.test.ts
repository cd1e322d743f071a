import { describe, expect, it } from 'vitest';
import { parsePeriod } from './period.ts';

describe('parsePeriod', () => {
  it.each([
    ['2026', '2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-01-01', '2026-12-31'],
    ['2026H1', '2025-12-31T16:00:00.000Z', '2026-06-30T16:00:00.000Z', '2026-01-01', '2026-06-30'],
    ['2026H2', '2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-07-01', '2026-12-31'],
    ['2026Q3', '2026-06-30T16:00:00.000Z', '2026-09-30T16:00:00.000Z', '2026-07-01', '2026-09-30'],
    ['2026Q4', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-10-01', '2026-12-31'],
    ['2026-02', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z', '2026-02-01', '2026-02-28'],
    ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z', '2026-12-01', '2026-12-31'],
  ])('%s is [from, to) in Beijing days', (code, from, to, fromDay, lastDay) => {
    const p = parsePeriod(code);
    expect([p.from.toISOString(), p.to.toISOString(), p.fromDay, p.lastDay]).toEqual([from, to, fromDay, lastDay]);
  });

  it.each(['2026Q5', '2026-13', '26', '2026h1', '2026 ', '1999'])('refuses %j naming the field', (code) => {
    expect(() => parsePeriod(code, '/querystring/period')).toThrowError(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ path: '/querystring/period' })] }));
  });
});
