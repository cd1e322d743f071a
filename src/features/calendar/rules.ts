// The rules for one calendar exception, shared by the API and CSV import (pure).
import type { CalendarDayKind } from './tables.ts';
import { isIsoDate, isWeekend, weekdayOf } from './working-days.ts';

/** The years the database calendar covers (calendar_ordinals). */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;
export const MAX_NAME = 50;

const WEEKDAYS = ['Sunday 周日', 'Monday 周一', 'Tuesday 周二', 'Wednesday 周三', 'Thursday 周四', 'Friday 周五', 'Saturday 周六'];
export const weekdayName = (date: string) => WEEKDAYS[weekdayOf(date)]!;

/** Spellings accepted in files (the API takes only holiday / workday). '调休' alone is ambiguous. */
const KIND_ALIASES: Record<string, CalendarDayKind> = {
  holiday: 'holiday', off: 'holiday', '休': 'holiday', '假': 'holiday', '休息': 'holiday', '放假': 'holiday',
  '节假日': 'holiday', '法定节假日': 'holiday', '节日': 'holiday',
  workday: 'workday', work: 'workday', '班': 'workday', '上班': 'workday', '补班': 'workday', '调休上班': 'workday', '工作日': 'workday',
};
export const KIND_HINT = 'holiday / workday (or 休 / 班, 节假日 / 调休上班)';

export function parseKind(raw: string): CalendarDayKind | null {
  return KIND_ALIASES[raw.trim().toLowerCase()] ?? null;
}

/** 'YYYY-MM-DD', also 'YYYY/M/D', 'YYYY.M.D' and 'YYYY年M月D日', to 'YYYY-MM-DD'; null if not a real date. */
export function parseDateLoose(raw: string): string | null {
  const m = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/.exec(raw.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isIsoDate(date) ? date : null;
}

export const defaultName = (kind: CalendarDayKind) => (kind === 'holiday' ? '节假日' : '调休上班');

export interface DayInput {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

/** Field-level problems of an exception whose date is already a real 'YYYY-MM-DD' date. */
export function checkDay(v: DayInput): { field: 'date' | 'kind' | 'name'; message: string }[] {
  const errors: { field: 'date' | 'kind' | 'name'; message: string }[] = [];
  const year = Number(v.date.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) errors.push({ field: 'date', message: `must be in the years ${MIN_YEAR}–${MAX_YEAR}` });
  else if (v.kind === 'workday' && !isWeekend(v.date)) {
    errors.push({ field: 'kind', message: `${v.date} is a ${weekdayName(v.date)}, already a working day: a make-up working day (调休上班) must be a Saturday or Sunday` });
  }
  if (!v.name.trim()) errors.push({ field: 'name', message: 'must not be empty' });
  else if ([...v.name.trim()].length > MAX_NAME) errors.push({ field: 'name', message: `must be at most ${MAX_NAME} characters` });
  return errors;
}
