// Assessment periods (考核周期) by code: a year, a half, a quarter or a month, as [from, to) in
// Beijing time (UTC+8, no daylight saving), so a period starts at 00:00 China Standard Time.
import { validationFailed } from '../../lib/errors.ts';

export interface Period {
  code: string;
  /** First instant of the period (00:00 Beijing time of its first day). */
  from: Date;
  /** First instant after the period. */
  to: Date;
}

const beijing = (y: number, month: number) => new Date(Date.UTC(y, month - 1, 1) - 8 * 3600_000);
const FORMS = "'2026' (year), '2026H1' (half), '2026Q3' (quarter) or '2026-07' (month)";

/**
 * '2026' → the year, '2026H1'/'2026H2' → a half, '2026Q1'…'2026Q4' → a quarter, '2026-07' → a month.
 * Throws a 400 naming `path` (default /period) for anything else.
 */
export function parsePeriod(code: string, path = '/period'): Period {
  const fail = (why: string) => validationFailed([{ path, message: `${why}: expected ${FORMS} / 考核周期格式应为 2026、2026H1、2026Q3 或 2026-07` }]);
  const s = typeof code === 'string' ? code.trim().toUpperCase() : '';
  const m = /^(\d{4})(?:(H)([12])|(Q)([1-4])|-(\d{2}))?$/.exec(s);
  if (!m) throw fail(`"${String(code)}" is not a period`);
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) throw fail(`year ${year} is out of range 2000–2100`);
  let first = 1;
  let months = 12;
  if (m[2]) { first = m[3] === '1' ? 1 : 7; months = 6; }
  else if (m[4]) { first = (Number(m[5]) - 1) * 3 + 1; months = 3; }
  else if (m[6]) {
    first = Number(m[6]);
    if (first < 1 || first > 12) throw fail(`month ${m[6]} does not exist`);
    months = 1;
  }
  const end = first + months; // may be 13: Date.UTC rolls over into the next year
  const canonical = m[2] ? `${year}H${m[3]}` : m[4] ? `${year}Q${m[5]}` : m[6] ? `${year}-${m[6]}` : `${year}`;
  return { code: canonical, from: beijing(year, first), to: beijing(year, end) };
}

/** Days in the period (for prorating yearly requirements). */
export function periodDays(p: Period): number {
  return Math.round((p.to.getTime() - p.from.getTime()) / 86_400_000);
}
