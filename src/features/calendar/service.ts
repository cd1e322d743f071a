// The working-day calendar (工作日历): admins edit and import exceptions; every clock in the product
// reads the in-memory calendar from loadCalendar() and does its maths with working-days.ts.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { DB } from '../../db/types.ts';
import { AppError, notFound, validationFailed } from '../../lib/errors.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { parseCalendarCsv, type CsvRowError } from './csv.ts';
import { recordLedger, type CalendarLedgerRecord } from './ledger.ts';
import * as repo from './repo.ts';
import { checkDay, weekdayName, type DayInput } from './rules.ts';
import type { CalendarDayKind } from './tables.ts';
import {
  addDays, addWorkingDays, buildCalendar, daysInRange, isIsoDate, MAX_WORKING_DAYS, shanghaiDate, startOfShanghaiDay,
  toShanghaiIso, type WorkingCalendar,
} from './working-days.ts';

// ---- the in-memory calendar, cached per process ---------------------------------------------

/** Edits made through this process invalidate at once; edits by other replicas show within this time. */
export const CALENDAR_CACHE_TTL_MS = 60_000;
const cache = new WeakMap<Kysely<DB>, { loadedAt: number; calendar: Promise<WorkingCalendar> }>();

/** The calendar every clock uses: live exceptions from calendar_days, cached per database handle. */
export function loadCalendar(db: Kysely<DB>, now = Date.now()): Promise<WorkingCalendar> {
  const hit = cache.get(db);
  if (hit && now - hit.loadedAt < CALENDAR_CACHE_TTL_MS) return hit.calendar;
  const calendar = repo.allLiveDays(db).then((rows) => buildCalendar(rows.map((r) => ({ date: r.day, kind: r.kind }))));
  cache.set(db, { loadedAt: now, calendar });
  calendar.catch(() => {
    if (cache.get(db)?.calendar === calendar) cache.delete(db);
  });
  return calendar;
}

export function invalidateCalendar(db: Kysely<DB>): void {
  cache.delete(db);
}

// ---- views -----------------------------------------------------------------------------------

const dayView = (r: repo.CalendarDayRow) => ({
  date: r.day, kind: r.kind, name: r.name, weekday: weekdayName(r.day), version: r.version,
  updatedBy: r.updated_by_username, updatedAt: r.updated_at.toISOString(),
});
export type CalendarDayView = ReturnType<typeof dayView>;

const MAX_RANGE_DAYS = 1096;

function checkDateParam(value: string, path: string): string {
  if (!isIsoDate(value)) throw validationFailed([{ path, message: 'must be a real date written YYYY-MM-DD' }]);
  return value;
}

// ---- reads -----------------------------------------------------------------------------------

/**
 * Exceptions in [from, to] (default: the current year in Beijing time), the years the calendar has
 * data for, and with `days` the working / non-working status of every day in the range.
 */
export async function listCalendar(db: Kysely<DB>, principal: Principal | null, q: { from?: string; to?: string; days?: boolean }, now = new Date()) {
  authorize(principal, 'calendar.read');
  const year = shanghaiDate(now).slice(0, 4);
  const from = checkDateParam(q.from ?? `${year}-01-01`, '/querystring/from');
  const to = checkDateParam(q.to ?? `${q.from ? from.slice(0, 4) : year}-12-31`, '/querystring/to');
  if (to < from) throw validationFailed([{ path: '/querystring/to', message: 'must not be before from' }]);
  if (to > addDays(from, MAX_RANGE_DAYS - 1)) throw validationFailed([{ path: '/querystring/to', message: `the range may cover at most ${MAX_RANGE_DAYS} days` }]);
  const [rows, coveredYears] = await Promise.all([repo.liveDaysInRange(db, from, to), repo.coveredYears(db)]);
  const exceptions = rows.map(dayView);
  const result: { from: string; to: string; coveredYears: number[]; exceptions: CalendarDayView[]; days?: unknown[] } = { from, to, coveredYears, exceptions };
  if (q.days) {
    const byDate = new Map(exceptions.map((e) => [e.date, e]));
    const cal = buildCalendar(exceptions);
    result.days = daysInRange(cal, from, to).map((d) => {
      const e = byDate.get(d.date);
      return { date: d.date, weekday: d.weekday, working: d.working, ...(e ? { kind: e.kind, name: e.name } : {}) };
    });
  }
  return result;
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * "N working days after t" for clients and tests. `from` is an instant with an explicit offset
 * (2025-09-30T10:00:00+08:00) or a date (2025-09-30, a day in Beijing time); a local time without
 * an offset is refused because its day would depend on where it was written.
 */
export async function workingDeadline(db: Kysely<DB>, principal: Principal | null, q: { from: string; days: number }) {
  authorize(principal, 'calendar.read');
  let from: Date;
  if (isIsoDate(q.from)) from = startOfShanghaiDay(q.from);
  else if (INSTANT_RE.test(q.from) && isIsoDate(q.from.slice(0, 10)) && Number.isFinite(Date.parse(q.from))) from = new Date(q.from);
  else throw validationFailed([{ path: '/querystring/from', message: 'must be a date (YYYY-MM-DD, Beijing time) or a date-time with an offset, e.g. 2025-09-30T10:00:00+08:00' }]);
  if (!Number.isInteger(q.days) || q.days < 1 || q.days > MAX_WORKING_DAYS) {
    throw validationFailed([{ path: '/querystring/days', message: `must be an integer from 1 to ${MAX_WORKING_DAYS}` }]);
  }
  const deadline = addWorkingDays(await loadCalendar(db), from, q.days);
  return { from: from.toISOString(), days: q.days, deadline: deadline.toISOString(), deadlineLocal: toShanghaiIso(deadline), deadlineDate: shanghaiDate(deadline) };
}

// ---- writes ----------------------------------------------------------------------------------

const actorId = (p: Principal | null) => (p?.kind === 'user' ? p.id : null);

/** Sets one day's exception: 201 when the day had none, 200 otherwise (also when nothing changed). */
export async function putDay(db: Kysely<DB>, principal: Principal | null, date: string, body: { kind: CalendarDayKind; name: string }) {
  const p = authorize(principal, 'calendar.write');
  checkDateParam(date, '/params/date');
  const input: DayInput = { date, kind: body.kind, name: body.name.trim() };
  const errors = checkDay(input);
  if (errors.length) throw validationFailed(errors.map((e) => ({ path: e.field === 'date' ? '/params/date' : `/body/${e.field}`, message: e.message })));
  const written = await db.transaction().execute(async (trx) => {
    const r = await repo.upsertDay(trx, { day: date, kind: input.kind, name: input.name, userId: actorId(p) });
    if (r.change !== 'unchanged') await recordLedger(trx, [{ type: 'calendar_day', id: r.id, key: date, version: r.version }]);
    return r;
  });
  invalidateCalendar(db);
  const row = await repo.findDay(db, date);
  return { created: written.change === 'inserted', day: dayView(row!) };
}

/** Removes a day's exception (the day follows the plain week again); 404 when it has none. */
export async function deleteDay(db: Kysely<DB>, principal: Principal | null, date: string): Promise<void> {
  const p = authorize(principal, 'calendar.write');
  checkDateParam(date, '/params/date');
  await db.transaction().execute(async (trx) => {
    const r = await repo.deleteDay(trx, date, actorId(p));
    if (!r) throw notFound(`Calendar exception on ${date}`);
    await recordLedger(trx, [{ type: 'calendar_day', id: r.id, key: date, version: r.version }]);
  });
  invalidateCalendar(db);
}

// ---- import ----------------------------------------------------------------------------------

export interface CalendarImportReport {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Days left as they were because they already had an exception (loadDefaultCalendar only). */
  kept: number;
  errors: CsvRowError[];
}

const MAX_IMPORT_BYTES = 1024 * 1024;
const MAX_IMPORT_ROWS = 20_000;

/**
 * Decodes a CSV as people send it: UTF-8 (BOM or not), or GB18030/GBK as Excel on a Chinese
 * Windows saves "CSV" by default.
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/**
 * Writes the good rows of a calendar CSV in one transaction with their ledger entries; bad rows are
 * reported by row and field. Idempotent: the same file again changes nothing. With keepExisting,
 * a day that has (or had, and an admin deleted) an exception is left alone.
 */
async function importText(db: Kysely<DB>, actor: number | null, text: string, opts: { keepExisting?: boolean } = {}): Promise<CalendarImportReport> {
  const parsed = parseCalendarCsv(text);
  const rows = parsed.rows.length + new Set(parsed.errors.map((e) => e.row)).size;
  if (rows > MAX_IMPORT_ROWS) throw new AppError(413, `a calendar file may have at most ${MAX_IMPORT_ROWS} rows`);
  const report: CalendarImportReport = { rows, inserted: 0, updated: 0, unchanged: 0, kept: 0, errors: parsed.errors };
  await db.transaction().execute(async (trx) => {
    const existing = new Map((await repo.findDays(trx, parsed.rows.map((r) => r.date))).map((r) => [r.day, r]));
    const changed: CalendarLedgerRecord[] = [];
    const fresh = parsed.rows.filter((r) => !existing.has(r.date));
    // New days in one statement; a day a concurrent writer created meanwhile goes through upsertDay.
    const inserted = new Set<string>();
    for (const w of await repo.insertNewDays(trx, fresh.map((r) => ({ day: r.date, kind: r.kind, name: r.name })), actor)) {
      inserted.add(w.day);
      report.inserted++;
      changed.push({ type: 'calendar_day', id: w.id, key: w.day, version: w.version });
    }
    for (const r of parsed.rows) {
      if (inserted.has(r.date)) continue;
      const before = existing.get(r.date);
      if (opts.keepExisting && before) {
        report.kept++;
        continue;
      }
      if (before && !before.deleted && before.kind === r.kind && before.name === r.name) {
        report.unchanged++;
        continue;
      }
      const w = await repo.upsertDay(trx, { day: r.date, kind: r.kind, name: r.name, userId: actor });
      report[w.change]++;
      if (w.change !== 'unchanged') changed.push({ type: 'calendar_day', id: w.id, key: r.date, version: w.version });
    }
    await recordLedger(trx, changed);
  });
  if (report.inserted || report.updated) invalidateCalendar(db);
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}

/** POST /api/calendar/import: the CSV is the raw body (null: the body came in another content type). */
export async function importCalendar(db: Kysely<DB>, principal: Principal | null, body: Uint8Array | null) {
  const p = authorize(principal, 'calendar.write');
  if (!body) throw new AppError(415, 'Send the CSV as the raw request body with Content-Type: text/csv');
  if (!body.length) throw validationFailed([{ path: '/body', message: 'is empty: send a CSV with the columns date, kind, name (日期, 类型, 名称)' }]);
  return importText(db, actorId(p), decodeCsv(body));
}

/** For `probity calendar import FILE`: an operator at the server, so no principal and no actor. */
export async function importCalendarCsv(ctx: Pick<AppContext, 'db'>, file: string): Promise<CalendarImportReport> {
  const size = fs.statSync(file).size;
  if (size > MAX_IMPORT_BYTES) throw new AppError(413, `a calendar file may be at most ${MAX_IMPORT_BYTES} bytes`);
  return importText(ctx.db, null, decodeCsv(fs.readFileSync(file)));
}

export const DEFAULT_CALENDAR_FILE = fileURLToPath(new URL('./data/cn-2025-2026.csv', import.meta.url));

/**
 * Loads the bundled mainland China calendar (2025–2026). Idempotent, and never overrides an admin:
 * a day that already has an exception record (even a deleted one) is kept as it is.
 */
export async function loadDefaultCalendar(db: Kysely<DB>): Promise<CalendarImportReport> {
  const report = await importText(db, null, fs.readFileSync(DEFAULT_CALENDAR_FILE, 'utf8'), { keepExisting: true });
  if (report.errors.length) throw new Error(`bundled calendar refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return report;
}
