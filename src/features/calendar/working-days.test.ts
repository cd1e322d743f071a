import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCalendarCsv } from './csv.ts';
import { DEFAULT_CALENDAR_FILE } from './service.ts';
import {
  addCalendarHours, addDays, addWorkingDays, buildCalendar, daysInRange, EMPTY_CALENDAR, endOfShanghaiDay, isWorkingDay,
  nthWorkingDayAfter, shanghaiDate, startOfShanghaiDay, toShanghaiIso, weekdayOf, workingDaysBetween,
} from './working-days.ts';

// The bundled 2025–2026 calendar, read the way the service reads it.
const CN = buildCalendar(parseCalendarCsv(fs.readFileSync(DEFAULT_CALENDAR_FILE, 'utf8')).rows);
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const endOf = (date: string) => new Date(`${date}T23:59:59.999+08:00`);

describe('days in Beijing time', () => {
  it('takes the day of an instant in UTC+8 whatever the instant is written in', () => {
    expect(shanghaiDate(new Date('2025-09-30T15:59:59.999Z'))).toBe('2025-09-30');
    expect(shanghaiDate(new Date('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
    expect(shanghaiDate(at('2025-10-01T00:00:00'))).toBe('2025-10-01');
  });

  it('knows the weekdays and the bounds of a day', () => {
    expect(weekdayOf('2025-10-11')).toBe(6);
    expect(weekdayOf('2025-01-26')).toBe(0);
    expect(weekdayOf('1969-12-31')).toBe(3);
    expect(startOfShanghaiDay('2025-10-11').toISOString()).toBe('2025-10-10T16:00:00.000Z');
    expect(endOfShanghaiDay('2025-10-11').toISOString()).toBe('2025-10-11T15:59:59.999Z');
    expect(toShanghaiIso(endOfShanghaiDay('2025-10-11'))).toBe('2025-10-11T23:59:59.999+08:00');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(() => endOfShanghaiDay('2025-02-29')).toThrow(RangeError);
  });
});

describe('isWorkingDay', () => {
  it('Mon–Fri work, Sat/Sun rest, unless the calendar says otherwise', () => {
    expect(isWorkingDay(EMPTY_CALENDAR, '2025-10-01')).toBe(true);
    expect(isWorkingDay(CN, '2025-10-01')).toBe(false); // 国庆节, a Wednesday
    expect(isWorkingDay(CN, '2025-10-11')).toBe(true); // 调休 Saturday
    expect(isWorkingDay(CN, '2025-01-26')).toBe(true); // 调休 Sunday before 春节
    expect(isWorkingDay(CN, '2025-10-12')).toBe(false); // an ordinary Sunday
    expect(isWorkingDay(CN, '2025-10-09')).toBe(true);
  });

  it('takes a Date as its Beijing day', () => {
    expect(isWorkingDay(CN, new Date('2025-09-30T15:30:00Z'))).toBe(true); // 23:30 on Tue 30 Sep
    expect(isWorkingDay(CN, new Date('2025-09-30T16:30:00Z'))).toBe(false); // 00:30 on 1 Oct
  });

  it('a holiday listed on a weekend changes nothing', () => {
    expect(isWorkingDay(CN, '2025-10-04')).toBe(false);
    expect(isWorkingDay(buildCalendar([{ date: '2025-10-04', kind: 'holiday' }]), '2025-10-04')).toBe(false);
  });
});

describe('addWorkingDays: the end of the n-th working day after the day of t', () => {
  it('across 国庆 2025 (1–8 Oct off, Sat 11 Oct a make-up day)', () => {
    const t = at('2025-09-30T10:00:00');
    expect(addWorkingDays(CN, t, 1)).toEqual(endOf('2025-10-09'));
    expect(addWorkingDays(CN, t, 2)).toEqual(endOf('2025-10-10'));
    expect(addWorkingDays(CN, t, 3)).toEqual(endOf('2025-10-11'));
    expect(addWorkingDays(CN, t, 4)).toEqual(endOf('2025-10-13'));
    expect(addWorkingDays(CN, t, 3).toISOString()).toBe('2025-10-11T15:59:59.999Z');
  });

  it('counts a Sunday make-up day before 春节 and skips the eight days off', () => {
    const friday = at('2025-01-24T16:00:00');
    expect(addWorkingDays(CN, friday, 1)).toEqual(endOf('2025-01-26')); // Sun 26 Jan is worked
    expect(addWorkingDays(CN, friday, 2)).toEqual(endOf('2025-01-27'));
    expect(addWorkingDays(CN, friday, 3)).toEqual(endOf('2025-02-05')); // 28 Jan – 4 Feb off
    expect(addWorkingDays(CN, at('2025-02-07T09:00:00'), 1)).toEqual(endOf('2025-02-08')); // 调休 Saturday
  });

  it('without the calendar, the same dates follow the plain week', () => {
    expect(addWorkingDays(EMPTY_CALENDAR, at('2025-09-30T10:00:00'), 3)).toEqual(endOf('2025-10-03'));
    expect(addWorkingDays(EMPTY_CALENDAR, at('2025-01-24T16:00:00'), 1)).toEqual(endOf('2025-01-27'));
  });

  it('never counts the day of t, at any hour, working or not', () => {
    expect(addWorkingDays(CN, at('2025-09-30T00:00:00'), 1)).toEqual(endOf('2025-10-09'));
    expect(addWorkingDays(CN, at('2025-09-30T23:59:59.999'), 1)).toEqual(endOf('2025-10-09'));
    expect(addWorkingDays(CN, at('2025-10-03T12:00:00'), 1)).toEqual(endOf('2025-10-09')); // on a holiday
    expect(addWorkingDays(CN, at('2025-10-11T12:00:00'), 1)).toEqual(endOf('2025-10-13')); // on a make-up Saturday
    expect(addWorkingDays(EMPTY_CALENDAR, at('2025-06-07T12:00:00'), 1)).toEqual(endOf('2025-06-09')); // Saturday → Monday
  });

  it('uses the Beijing day of t: 23:30 UTC on 30 Sep is already 1 Oct', () => {
    expect(addWorkingDays(CN, new Date('2025-09-30T15:59:59Z'), 1)).toEqual(endOf('2025-10-09'));
    expect(addWorkingDays(CN, new Date('2025-10-09T16:30:00Z'), 1)).toEqual(endOf('2025-10-11')); // 00:30 Fri 10 Oct
  });

  it('across a year end and 元旦 2026 (1–3 Jan off, Sun 4 Jan worked)', () => {
    expect(nthWorkingDayAfter(CN, at('2025-12-31T09:00:00'), 1)).toBe('2026-01-04');
    expect(nthWorkingDayAfter(CN, at('2025-12-31T09:00:00'), 2)).toBe('2026-01-05');
  });

  it('refuses zero, negative, fractional and absurd counts, and invalid dates', () => {
    const t = at('2025-09-30T10:00:00');
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 3651]) expect(() => addWorkingDays(CN, t, n)).toThrow(RangeError);
    expect(() => addWorkingDays(CN, new Date('nope'), 1)).toThrow(RangeError);
  });

  it('refuses a calendar with no working day in sight instead of looping', () => {
    const allOff = buildCalendar(Array.from({ length: 90 }, (_, i) => ({ date: addDays('2025-01-01', i), kind: 'holiday' as const })));
    expect(() => addWorkingDays(allOff, at('2025-01-01T00:00:00'), 1)).toThrow(/days off in a row/);
  });
});

describe('workingDaysBetween: working days d with day(a) < d ≤ day(b)', () => {
  it('counts across 国庆 and the 调休 Saturday', () => {
    const t = at('2025-09-30T10:00:00');
    expect(workingDaysBetween(CN, t, at('2025-09-30T18:00:00'))).toBe(0);
    expect(workingDaysBetween(CN, t, at('2025-10-08T18:00:00'))).toBe(0);
    expect(workingDaysBetween(CN, t, at('2025-10-09T08:00:00'))).toBe(1);
    expect(workingDaysBetween(CN, t, at('2025-10-11T08:00:00'))).toBe(3);
    expect(workingDaysBetween(CN, t, at('2025-10-12T08:00:00'))).toBe(3); // Sunday after the deadline
    expect(workingDaysBetween(CN, at('2025-10-11T08:00:00'), t)).toBe(-3);
  });

  it('counts a whole year: 2025 and 2026 each have 248 working days', () => {
    expect(workingDaysBetween(CN, at('2024-12-31T12:00:00'), at('2025-12-31T12:00:00'))).toBe(248);
    expect(workingDaysBetween(CN, at('2025-12-31T12:00:00'), at('2026-12-31T12:00:00'))).toBe(248);
  });

  it('is the inverse of addWorkingDays for every start and count (property)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const t = new Date(Date.UTC(2024, 11, 1) + rand() * 760 * 86_400_000);
      const n = 1 + Math.floor(rand() * 40);
      const deadline = addWorkingDays(CN, t, n);
      expect(workingDaysBetween(CN, t, deadline)).toBe(n);
      expect(isWorkingDay(CN, deadline)).toBe(true);
      // One millisecond later is the next day, which no longer fits in n.
      expect(workingDaysBetween(CN, t, addWorkingDays(CN, t, n + 1))).toBe(n + 1);
    }
  });
});

describe('addCalendarHours: clock hours, through nights, weekends and holidays', () => {
  it('24 hours after 18:00 on the eve of 国庆 is 18:00 on 1 Oct', () => {
    expect(addCalendarHours(at('2025-09-30T18:00:00'), 24)).toEqual(at('2025-10-01T18:00:00'));
    expect(addCalendarHours(at('2025-09-30T18:00:00'), 0.5)).toEqual(at('2025-09-30T18:30:00'));
    expect(() => addCalendarHours(at('2025-09-30T18:00:00'), -1)).toThrow(RangeError);
  });
});

describe('daysInRange', () => {
  it('lists each day with its status', () => {
    const days = daysInRange(CN, '2025-10-08', '2025-10-12');
    expect(days.map((d) => d.working)).toEqual([false, true, true, true, false]);
    expect(days[3]).toEqual({ date: '2025-10-11', weekday: 6, working: true });
  });
});

describe('time-zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  const probe = () => {
    const starts = ['2025-09-30T10:00:00+08:00', '2025-09-30T23:30:00+08:00', '2025-10-01T00:30:00+08:00', '2025-03-09T02:30:00-05:00', '2025-11-02T01:30:00-04:00', '2025-01-24T16:00:00Z'];
    return starts.flatMap((s) => [1, 3, 10].map((n) => {
      const t = new Date(s);
      return [addWorkingDays(CN, t, n).toISOString(), workingDaysBetween(CN, t, new Date('2025-12-31T00:00:00Z')), shanghaiDate(t), isWorkingDay(CN, t)];
    }));
  };

  it('gives the same answers with the process in UTC, New York (with DST), Shanghai and Kiritimati', () => {
    const results = new Map<string, unknown>();
    const offsets = new Set<number>();
    for (const tz of ['UTC', 'America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
      process.env.TZ = tz;
      offsets.add(new Date('2025-07-01T00:00:00Z').getTimezoneOffset());
      results.set(tz, probe());
    }
    expect(offsets.size).toBe(4); // the process really changed time zone between runs
    const [first, ...rest] = [...results.values()];
    for (const r of rest) expect(r).toEqual(first);
    expect((first as unknown[][])[1]![0]).toBe('2025-10-11T15:59:59.999Z');
  });
});
