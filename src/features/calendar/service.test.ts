// The calendar against a real database (PGlite, or PostgreSQL with PROBITY_TEST_DATABASE_URL): the
// bundled calendar, the per-process cache, CSV import, and the SQL functions' parity with the TS maths.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import type { Database } from '../../db/connection.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { parseCalendarCsv } from './csv.ts';
import * as repo from './repo.ts';
import {
  CALENDAR_CACHE_TTL_MS, DEFAULT_CALENDAR_FILE, deleteDay, importCalendarCsv, loadCalendar, loadDefaultCalendar, putDay, workingDeadline,
} from './service.ts';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from './working-days.ts';

// A machine admin (bearer token): allowed to edit, and recorded as no particular person.
const admin: Principal = { kind: 'token', id: 1, name: 'test', role: 'admin', scope: { kind: 'all' }, staffId: null };
const observer: Principal = { ...admin, kind: 'user', role: 'observer' };

let database: Database;
let tmp: string;
beforeAll(async () => {
  database = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-calendar-'));
});
afterAll(async () => {
  await database?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const bundledRows = parseCalendarCsv(fs.readFileSync(DEFAULT_CALENDAR_FILE, 'utf8')).rows.length;

describe('loadDefaultCalendar', () => {
  it('loads the bundled 2025–2026 calendar once, and again changes nothing', async () => {
    const first = await loadDefaultCalendar(database.db);
    expect(first).toMatchObject({ inserted: bundledRows, updated: 0, kept: 0, errors: [] });
    const again = await loadDefaultCalendar(database.db);
    expect(again).toMatchObject({ inserted: 0, updated: 0, kept: bundledRows });
    expect(await repo.coveredYears(database.db)).toEqual([2025, 2026]);
  });

  it("never overrides an admin's edit or brings back a day an admin removed", async () => {
    await putDay(database.db, admin, '2026-10-07', { kind: 'holiday', name: '国庆节（已核对）' });
    await deleteDay(database.db, admin, '2026-10-10');
    await loadDefaultCalendar(database.db);
    expect((await repo.findDay(database.db, '2026-10-07'))?.name).toBe('国庆节（已核对）');
    expect((await repo.findDay(database.db, '2026-10-10'))?.deleted).toBe(true);
    // Restore the official calendar for the tests below.
    await putDay(database.db, admin, '2026-10-07', { kind: 'holiday', name: '国庆节' });
    await putDay(database.db, admin, '2026-10-10', { kind: 'workday', name: '国庆节调休上班' });
  });
});

describe('the in-memory calendar', () => {
  it('is cached per process and reloaded after an edit through the service', async () => {
    const a = await loadCalendar(database.db);
    expect(await loadCalendar(database.db)).toBe(a);
    expect(isWorkingDay(a, '2025-10-11')).toBe(true);
    await putDay(database.db, admin, '2025-12-01', { kind: 'holiday', name: '测试假日' });
    const b = await loadCalendar(database.db);
    expect(b).not.toBe(a);
    expect(isWorkingDay(b, '2025-12-01')).toBe(false);
    await deleteDay(database.db, admin, '2025-12-01');
    expect(isWorkingDay(await loadCalendar(database.db), '2025-12-01')).toBe(true);
  });

  it("sees another replica's edit once the cache has expired", async () => {
    const before = await loadCalendar(database.db);
    await repo.upsertDay(database.db, { day: '2025-12-02', kind: 'holiday', name: '另一副本', userId: null });
    expect(await loadCalendar(database.db)).toBe(before);
    const later = await loadCalendar(database.db, Date.now() + CALENDAR_CACHE_TTL_MS + 1);
    expect(isWorkingDay(later, '2025-12-02')).toBe(false);
    await deleteDay(database.db, admin, '2025-12-02');
  });

  it('versions every change and records who made it', async () => {
    await putDay(database.db, admin, '2025-12-03', { kind: 'holiday', name: '一' });
    const same = await putDay(database.db, admin, '2025-12-03', { kind: 'holiday', name: '一' });
    expect(same).toMatchObject({ created: false, day: { version: 1 } });
    const renamed = await putDay(database.db, admin, '2025-12-03', { kind: 'holiday', name: '二' });
    expect(renamed.day.version).toBe(2);
    await deleteDay(database.db, admin, '2025-12-03');
    const back = await putDay(database.db, admin, '2025-12-03', { kind: 'holiday', name: '二' });
    expect(back).toMatchObject({ created: false, day: { version: 4, updatedBy: null } });
    await deleteDay(database.db, admin, '2025-12-03');
    await expect(deleteDay(database.db, admin, '2025-12-03')).rejects.toMatchObject({ status: 404 });
  });

  it('refuses edits without calendar.write', async () => {
    await expect(putDay(database.db, observer, '2025-12-04', { kind: 'holiday', name: 'x' })).rejects.toMatchObject({ status: 403 });
    await expect(putDay(database.db, null, '2025-12-04', { kind: 'holiday', name: 'x' })).rejects.toMatchObject({ status: 401 });
  });

  it('answers the deadline endpoint from the cached calendar', async () => {
    expect(await workingDeadline(database.db, observer, { from: '2025-09-30T10:00:00+08:00', days: 3 })).toEqual({
      from: '2025-09-30T02:00:00.000Z', days: 3, deadline: '2025-10-11T15:59:59.999Z', deadlineLocal: '2025-10-11T23:59:59.999+08:00', deadlineDate: '2025-10-11',
    });
    expect((await workingDeadline(database.db, observer, { from: '2025-09-30', days: 1 })).deadlineDate).toBe('2025-10-09');
    await expect(workingDeadline(database.db, observer, { from: '2025-09-30T10:00:00', days: 1 })).rejects.toMatchObject({ status: 400 });
  });
});

describe('importCalendarCsv (the CLI path)', () => {
  it('reads a GBK file with Chinese headers and 休/班, keeps good rows and reports bad ones', async () => {
    const text = '日期,类型,名称\n2027-01-01,休,元旦\n2027/1/2,节假日,\n2027-02-06,班,春节调休上班\n2027-02-30,休,不存在\n2027-02-03,班,周三不能调休上班\n';
    const file = path.join(tmp, 'gbk.csv');
    // Encode as GB18030 the way Excel on a Chinese Windows saves "CSV".
    fs.writeFileSync(file, encodeGb18030(text));
    const report = await importCalendarCsv({ db: database.db }, file);
    expect(report).toMatchObject({ rows: 5, inserted: 3, updated: 0, unchanged: 0 });
    expect(report.errors).toEqual([
      { row: 5, field: 'date', reason: 'must be a real date written YYYY-MM-DD' },
      { row: 6, field: 'kind', reason: expect.stringContaining('must be a Saturday or Sunday') },
    ]);
    expect((await repo.findDay(database.db, '2027-01-02'))?.name).toBe('节假日');
    expect((await importCalendarCsv({ db: database.db }, file))).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('refuses a file without the date or kind column', async () => {
    const file = path.join(tmp, 'bad-header.csv');
    fs.writeFileSync(file, 'day,name\n2027-01-01,元旦\n');
    await expect(importCalendarCsv({ db: database.db }, file)).rejects.toBeInstanceOf(AppError);
  });
});

describe('SQL functions agree with the TypeScript maths', () => {
  it('working_days_between, add_working_days, is_working_day and the calendar_ordinals view for random instants', async () => {
    const cal = await loadCalendar(database.db, Date.now() + CALENDAR_CACHE_TTL_MS + 1);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const start = Date.UTC(2024, 10, 1);
    const a: string[] = [];
    const b: string[] = [];
    const n: number[] = [];
    for (let i = 0; i < 400; i++) {
      a.push(new Date(start + rand() * 800 * 86_400_000).toISOString());
      b.push(new Date(start + rand() * 800 * 86_400_000).toISOString());
      n.push(1 + Math.floor(rand() * 30));
    }
    const { rows } = await sql<{ between: number; ordinals: number; deadline: Date; working: boolean; viewWorking: boolean }>`
      select working_days_between(x.a, x.b) as between, ob.ordinal - oa.ordinal as ordinals, add_working_days(x.a, x.n) as deadline,
             is_working_day(shanghai_date(x.a)) as working, oa.working as "viewWorking"
      from unnest(${a}::timestamptz[], ${b}::timestamptz[], ${n}::int[]) with ordinality as x(a, b, n, i)
      join calendar_ordinals oa on oa.day = shanghai_date(x.a)
      join calendar_ordinals ob on ob.day = shanghai_date(x.b)
      order by x.i
    `.execute(database.db);
    expect(rows).toHaveLength(a.length);
    rows.forEach((r, i) => {
      const ta = new Date(a[i]!);
      const tb = new Date(b[i]!);
      expect(r.between, `${a[i]} → ${b[i]}`).toBe(workingDaysBetween(cal, ta, tb));
      expect(r.ordinals, `${a[i]} → ${b[i]} (view)`).toBe(r.between);
      expect(r.viewWorking).toBe(r.working);
      expect(new Date(r.deadline).toISOString(), `${a[i]} + ${n[i]}`).toBe(addWorkingDays(cal, ta, n[i]!).toISOString());
      expect(r.working).toBe(isWorkingDay(cal, ta));
    });
  });

  it('do not depend on the session time zone', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`set local time zone 'America/New_York'`.execute(trx);
      const { rows } = await sql<{ d: Date; n: number }>`
        select add_working_days('2025-09-30T10:00:00+08:00'::timestamptz, 3) as d,
               working_days_between('2025-09-30T10:00:00+08:00'::timestamptz, '2025-10-11T23:00:00+08:00'::timestamptz) as n
      `.execute(trx);
      expect(new Date(rows[0]!.d).toISOString()).toBe('2025-10-11T15:59:59.999Z');
      expect(rows[0]!.n).toBe(3);
    });
  });

  it('add_working_days refuses zero and negative counts', async () => {
    await expect(sql`select add_working_days(now(), 0)`.execute(database.db)).rejects.toThrow(/n must be from 1/);
  });
});

/** GB18030 encoder for the few characters the test uses (Node has a decoder but no encoder). */
function encodeGb18030(text: string): Buffer {
  const table = new Map<string, number[]>();
  // Build the reverse map by decoding every two-byte GBK code once.
  const decoder = new TextDecoder('gb18030');
  const wanted = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < wanted.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (wanted.has(ch) && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const bytes: number[] = [];
  for (const c of text) {
    const code = table.get(c);
    if (code) bytes.push(...code);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes);
}
