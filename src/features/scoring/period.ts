// Assessment periods by code: '2026' (year), '2026H1' (half), '2026Q3' (quarter), '2026-07' (month).
// Periods are [from, to) in Beijing dates (UTC+8), like every calendar day in Probity.
import { validationFailed } from '../../lib/errors.ts';
import type { Period } from './inputs.ts';

export interface ScoringPeriod extends Period {
  /** First and last Beijing day, YYYY-MM-DD. */
  fromDay: string;
  lastDay: string;
}

const beijingMidnight = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1, -8));
const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Parses a period code; throws a 400 naming `path` otherwise. */
export function parsePeriod(code: string, path = '/body/period'): ScoringPeriod {
  const m = /^(\d{4})(?:(Q[1-4])|(H[12])|-(0[1-9]|1[0-2]))?$/.exec(code);
  const year = m ? Number(m[1]) : 0;
  if (!m || year < 2000 || year > 2100) {
    throw validationFailed([{ path, message: "period must be a year '2026', a half '2026H1', a quarter '2026Q3' or a month '2026-07'" }]);
  }
  let first = 1;
  let months = 12;
  if (m[2]) [first, months] = [(Number(m[2][1]) - 1) * 3 + 1, 3];
  else if (m[3]) [first, months] = [m[3] === 'H1' ? 1 : 7, 6];
  else if (m[4]) [first, months] = [Number(m[4]), 1];
  const from = beijingMidnight(year, first);
  const end = first + months;
  const to = end > 12 ? beijingMidnight(year + 1, end - 12) : beijingMidnight(year, end);
  return { code, from, to, fromDay: day(from), lastDay: day(new Date(to.getTime() - 1)) };
}
