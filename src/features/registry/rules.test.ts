import { describe, expect, it } from 'vitest';
import { parseStaff } from './rules.ts';

const base = { code: 'S1', name: '张三', unitCode: 'U1', level: 'base', status: 'active' };
const enteredOn = (value: string) => {
  const r = parseStaff({ ...base, enteredOn: value });
  return r.ok ? r.value.enteredOn : r.errors.find((e) => e.path === 'enteredOn')?.message;
};

/** The previous check, by a Date round trip: what the arithmetic one must agree with. */
function byDate(value: string): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value);
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
  const d = iso ? new Date(`${iso}T00:00:00Z`) : null;
  return !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

describe('staff dates', () => {
  it('accepts calendar dates in the usual spellings and refuses impossible ones', () => {
    expect(enteredOn('2024-02-29')).toBe('2024-02-29');
    expect(enteredOn('2000年2月29日')).toBe('2000-02-29');
    expect(enteredOn('2023/7/1')).toBe('2023-07-01');
    for (const bad of ['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-1-32', '20230101']) {
      expect(enteredOn(bad)).toBe('must be a date YYYY-MM-DD');
    }
  });

  it('agrees with a Date round trip on every day and non-day of several years', () => {
    let checked = 0;
    for (const year of [1900, 1999, 2000, 2023, 2024, 2100]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${year}-${month}-${day}`;
          const expected = byDate(value);
          expect(enteredOn(value)).toBe(expected ?? 'must be a date YYYY-MM-DD');
          checked++;
        }
      }
    }
    expect(checked).toBe(6 * 14 * 33);
  });
});
