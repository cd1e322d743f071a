// Working-day maths (工作日计算): the one set of clock functions every deadline in the product uses.
// Pure: a WorkingCalendar is a plain in-memory value (built from the calendar_days table by the
// service), so everything here is deterministic and unit-tested. See docs/calendar.md.
//
// Day boundaries are those of Asia/Shanghai (UTC+8, no daylight saving since 1991), whatever the
// server's time zone: a Date is an instant, and "its day" is the Beijing-time calendar date.
//
// Semantics, following the rule for periods in the Civil Code (民法典 第201–203条: the day on which
// a period starts is not counted; a period ends at 24:00 of its last day; a last day that is a
// holiday moves to the next working day):
//   addWorkingDays(cal, t, n)   = the END (23:59:59.999 Beijing time) of the n-th working day
//                                 strictly after the day of t, n ≥ 1 (zero and negatives refused).
//   workingDaysBetween(cal, a, b) = the number of working days d with day(a) < d ≤ day(b),
//                                 negative when b is before a; so that
//                                 workingDaysBetween(cal, t, addWorkingDays(cal, t, n)) === n.
//   addCalendarHours(t, h)      = t + h hours of the clock (not working hours): "first response
//                                 within 24 hours" runs through nights, weekends and holidays.

/** Treat as immutable once built: the maths caches a compiled form of each calendar object. */
export interface WorkingCalendar {
  /** Weekdays (Mon–Fri) that are days off, as 'YYYY-MM-DD'. Weekend dates here change nothing. */
  readonly holidays: ReadonlySet<string>;
  /** Weekend days (Sat/Sun) that are make-up working days (调休上班), as 'YYYY-MM-DD'. */
  readonly workdays: ReadonlySet<string>;
}

export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;
/** Longest run of consecutive days off the maths accepts before calling the calendar broken. */
const MAX_DAYS_OFF_IN_A_ROW = 60;
export const MAX_WORKING_DAYS = 3650;

export const EMPTY_CALENDAR: WorkingCalendar = Object.freeze({ holidays: new Set<string>(), workdays: new Set<string>() });

export function buildCalendar(rows: Iterable<{ date: string; kind: 'holiday' | 'workday' }>): WorkingCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const r of rows) (r.kind === 'holiday' ? holidays : workdays).add(r.date);
  return { holidays, workdays };
}

// ---- days ------------------------------------------------------------------------------------
// A day is handled as its day number: days since 1970-01-01 in Beijing time.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written 'YYYY-MM-DD' (2025-02-30 is not). */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function dayNumberOfDate(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function instant(t: Date): number {
  const ms = t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return ms;
}

const dayNumberOf = (t: Date) => Math.floor((instant(t) + SHANGHAI_OFFSET_MS) / DAY_MS);
const dateOfDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** The Beijing-time calendar date of an instant, 'YYYY-MM-DD'. */
export function shanghaiDate(t: Date): string {
  return dateOfDayNumber(dayNumberOf(t));
}

/** 0 = Sunday … 6 = Saturday, of a 'YYYY-MM-DD' date. */
export function weekdayOf(date: string): number {
  return (((dayNumberOfDate(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export const isWeekend = (date: string) => {
  const w = weekdayOf(date);
  return w === 0 || w === 6;
};

/** 00:00:00.000 Beijing time of a date. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(dayNumberOfDate(date) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** 23:59:59.999 Beijing time of a date: the last instant that still belongs to it. */
export function endOfShanghaiDay(date: string): Date {
  return new Date((dayNumberOfDate(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

/** The date n days after (or before, n < 0) a date. */
export function addDays(date: string, n: number): string {
  return dateOfDayNumber(dayNumberOfDate(date) + n);
}

/** An instant written in Beijing time with its offset, e.g. '2025-10-11T23:59:59.999+08:00'. */
export function toShanghaiIso(t: Date): string {
  return `${new Date(instant(t) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23)}+08:00`;
}

// ---- working days ----------------------------------------------------------------------------

// The calendar's dates as day numbers, computed once per calendar object: the maths then does no
// string work per day (a calendar is treated as immutable once built).
const compiled = new WeakMap<WorkingCalendar, Compiled>();

function compile(cal: WorkingCalendar): Compiled {
  let c = compiled.get(cal);
  if (!c) {
    c = { off: new Set([...cal.holidays].map(dayNumberOfDate)), on: new Set([...cal.workdays].map(dayNumberOfDate)) };
    compiled.set(cal, c);
  }
  return c;
}

type Compiled = { off: Set<number>; on: Set<number> };

function working(c: Compiled, n: number): boolean {
  const w = (((n + 4) % 7) + 7) % 7;
  if (w === 0 || w === 6) return c.on.has(n);
  return !c.off.has(n);
}

const workingDayNumber = (cal: WorkingCalendar, n: number) => working(compile(cal), n);

/** Whether a day is a working day: Mon–Fri unless a holiday, Sat/Sun only when a make-up workday. */
export function isWorkingDay(cal: WorkingCalendar, day: string | Date): boolean {
  return workingDayNumber(cal, typeof day === 'string' ? dayNumberOfDate(day) : dayNumberOf(day));
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`the number of working days must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
}

function nthWorkingDayNumber(cal: WorkingCalendar, from: Date, n: number): number {
  checkCount(n);
  const c = compile(cal);
  let day = dayNumberOf(from);
  let off = 0;
  for (let left = n; left > 0; ) {
    day++;
    if (working(c, day)) {
      left--;
      off = 0;
    } else if (++off > MAX_DAYS_OFF_IN_A_ROW) {
      throw new RangeError(`the calendar has more than ${MAX_DAYS_OFF_IN_A_ROW} days off in a row after ${dateOfDayNumber(day - off)}`);
    }
  }
  return day;
}

/** The n-th working day strictly after the day of `from`, as 'YYYY-MM-DD' (n ≥ 1). */
export function nthWorkingDayAfter(cal: WorkingCalendar, from: Date, n: number): string {
  return dateOfDayNumber(nthWorkingDayNumber(cal, from, n));
}

/**
 * The deadline "n working days after t": the end (23:59:59.999 Beijing time) of the n-th working
 * day strictly after the day of t. The day of t never counts, whether t is in or out of office
 * hours and whether or not that day is a working day. n must be an integer ≥ 1 (RangeError else).
 */
export function addWorkingDays(cal: WorkingCalendar, from: Date, n: number): Date {
  return new Date((nthWorkingDayNumber(cal, from, n) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

/**
 * Working days d with day(a) < d ≤ day(b) (negative, mirrored, when b is before a; 0 on the same
 * day). "Processing days" of a transaction accepted at a and completed at b: completing on the day
 * of acceptance is 0 days, on the next working day 1 day. An event at b is within an n-day deadline
 * from a exactly when b ≤ addWorkingDays(cal, a, n); the count alone can't say so when b falls on a
 * day off after the deadline day (the count is still n), so compare instants for on-time/overdue
 * and use this count for "by how many working days".
 */
export function workingDaysBetween(cal: WorkingCalendar, a: Date, b: Date): number {
  const from = dayNumberOf(a);
  const to = dayNumberOf(b);
  if (to < from) return -workingDaysBetween(cal, b, a);
  const c = compile(cal);
  let count = 0;
  for (let d = from + 1; d <= to; d++) if (working(c, d)) count++;
  return count;
}

/** Clock hours, not working hours: t + h hours (h may be fractional; negative refused). */
export function addCalendarHours(from: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a finite number ≥ 0, got ${hours}`);
  return new Date(instant(from) + Math.round(hours * 3600_000));
}

/** Per-day status for a range of dates (inclusive), for calendars shown to people. */
export function daysInRange(cal: WorkingCalendar, from: string, to: string): { date: string; weekday: number; working: boolean }[] {
  const out: { date: string; weekday: number; working: boolean }[] = [];
  for (let d = dayNumberOfDate(from), end = dayNumberOfDate(to); d <= end; d++) {
    out.push({ date: dateOfDayNumber(d), weekday: (((d + 4) % 7) + 7) % 7, working: workingDayNumber(cal, d) });
  }
  return out;
}
