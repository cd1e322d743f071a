// SLA clocks on a fixed clock across the 2025 National Day holiday and its 调休 Saturday: the 办结
// deadline in working days, reminders before it, escalation to inspectors after it, overdue lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { principalFromSession } from '../auth/service.ts';
import type { Principal } from '../auth/principal.ts';
import { runCaseClocks } from './clocks.ts';
import { checkNewCase, createCase, type CasesDeps } from './intake.ts';
import { casesDeps } from './routes.ts';
import { act, listNotifications, overdueUnits } from './service.ts';

const UNIT = 'U99010201';
const at = (s: string) => new Date(s);
const RULES = { firstResponseReminderHours: 4, dueReminderWorkingDays: 1 };
let t: TestApp;
let deps: CasesDeps;
let head: Principal;
let inspector: Principal;

async function principal(user: string): Promise<Principal> {
  const cookie = await t.login(user);
  return (await principalFromSession({ db: t.ctx.db } as never, cookie.split('=')[1]!))!;
}

async function newCase(text: string, now: Date, category = 'inaction') {
  const checked = await checkNewCase(deps, { text, subjectUnitCode: UNIT, category }, { realName: false });
  return (await createCase(deps, checked, { channel: 'web', anonymousReceipt: true, media: [], actor: { userId: null, role: 'reporter' }, now })).id;
}
const caseRow = (id: number) => t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 10 });
  deps = casesDeps(t.ctx);
  head = await principal('unit_head');
  inspector = await principal('inspector');
  // 办结 within 6 working days for this category (configurable per category).
  await t.ctx.db.updateTable('case_categories').set({ resolve_days: 6 }).where('code', '=', 'inaction').execute();
});
afterAll(async () => t?.close());

describe('the 办结 clock on the working-day calendar', () => {
  let id: number;
  it('counts the 调休 Sunday, skips the holiday and ends on the 调休 Saturday', async () => {
    id = await newCase('办理不动产登记拖了两个月没有结果', at('2025-09-26T10:00:00+08:00'));
    await act(deps, head, id, 'accept', {}, at('2025-09-26T15:00:00+08:00'));
    const row = await caseRow(id);
    // Sun 28 (调休上班) 1, Mon 29 2, Tue 30 3, Oct 1–8 holiday, Thu 9 4, Fri 10 5, Sat 11 (调休上班) 6.
    expect(row.due_at?.toISOString()).toBe(at('2025-10-11T23:59:59.999+08:00').toISOString());
    expect(row.deadline?.toISOString()).toBe(row.due_at?.toISOString());
  });

  it('reminds the unit one working day before, not earlier', async () => {
    expect(await runCaseClocks(t.ctx.db, at('2025-10-09T12:00:00+08:00'), RULES)).toEqual({ reminders: 0, escalations: 0 });
    expect(await runCaseClocks(t.ctx.db, at('2025-10-10T12:00:00+08:00'), RULES)).toEqual({ reminders: 1, escalations: 0 });
    expect(await runCaseClocks(t.ctx.db, at('2025-10-11T20:00:00+08:00'), RULES)).toEqual({ reminders: 0, escalations: 0 });
    const n = await t.ctx.db.selectFrom('case_notifications').selectAll().where('case_id', '=', id).execute();
    expect(n.map((x) => [x.kind, x.audience])).toEqual([['due_reminder', 'unit']]);
  });

  it('escalates to inspectors once the deadline passes, once', async () => {
    expect(await runCaseClocks(t.ctx.db, at('2025-10-12T00:30:00+08:00'), RULES)).toEqual({ reminders: 0, escalations: 1 });
    expect(await runCaseClocks(t.ctx.db, at('2025-10-12T09:00:00+08:00'), RULES)).toEqual({ reminders: 0, escalations: 0 });
    const row = await caseRow(id);
    expect(row.escalated_at?.toISOString()).toBe(at('2025-10-12T00:30:00+08:00').toISOString());
    const events = await t.ctx.db.selectFrom('case_events').select(['action', 'actor_role']).where('case_id', '=', id).orderBy('id').execute();
    expect(events.at(-1)).toEqual({ action: 'escalate', actor_role: 'system' });
    const seen = await listNotifications(deps, inspector, { page: 1, pageSize: 50, kind: 'due_breach' });
    expect(seen.items.map((x) => [x.caseId, x.audience])).toEqual([[id, 'inspectors']]);
    const entries = await t.ctx.db.selectFrom('ledger_entries').select('record_id').where('record_type', '=', 'case').where('record_id', '=', String(id)).execute();
    expect(entries).toHaveLength(row.version);
  });

  it('gives an extended deadline its own reminders and breach', async () => {
    await act(deps, head, id, 'assign', { assignee: '李四' }, at('2025-10-13T09:00:00+08:00'));
    await act(deps, head, id, 'investigate', {}, at('2025-10-13T09:10:00+08:00'));
    const bad = act(deps, head, id, 'extend', { reason: '需调取监控', newDeadline: '2025-10-10T00:00:00+08:00' }, at('2025-10-13T09:20:00+08:00'));
    await expect(bad).rejects.toMatchObject({ status: 400 });
    await act(deps, head, id, 'extend', { reason: '需调取监控', newDeadline: '2025-10-20T18:00:00+08:00' }, at('2025-10-13T09:20:00+08:00'));
    expect(await runCaseClocks(t.ctx.db, at('2025-10-20T08:00:00+08:00'), RULES)).toEqual({ reminders: 1, escalations: 0 });
    expect(await runCaseClocks(t.ctx.db, at('2025-10-20T18:00:01+08:00'), RULES)).toEqual({ reminders: 0, escalations: 1 });
  });
});

describe('the first-response clock', () => {
  it('runs 24 calendar hours, through a holiday, then escalates; an answer stops it', async () => {
    const late = await newCase('窗口无人', at('2025-09-30T10:00:00+08:00'));
    const answered = await newCase('窗口无人二', at('2025-09-30T10:05:00+08:00'));
    await act(deps, head, answered, 'accept', {}, at('2025-09-30T16:00:00+08:00'));
    expect((await caseRow(late)).first_response_due.toISOString()).toBe(at('2025-10-01T10:00:00+08:00').toISOString());
    expect(await runCaseClocks(t.ctx.db, at('2025-10-01T07:00:00+08:00'), RULES)).toMatchObject({ reminders: 1 });
    const r = await runCaseClocks(t.ctx.db, at('2025-10-01T10:00:01+08:00'), RULES);
    expect(r.escalations).toBe(1);
    const kinds = await t.ctx.db.selectFrom('case_notifications').select(['case_id', 'kind']).where('case_id', 'in', [late, answered]).orderBy('id').execute();
    expect(kinds.map((k) => [Number(k.case_id), k.kind])).toEqual([[late, 'first_response_reminder'], [late, 'first_response_breach']]);
  });

  it('lists overdue cases per unit', async () => {
    const list = await overdueUnits(deps, head, at('2025-10-21T00:00:00+08:00'));
    expect(list.items).toEqual([{ unitCode: UNIT, unitName: expect.any(String), overdue: 3, oldestDeadline: at('2025-10-01T10:00:00+08:00').toISOString() }]);
    const none = await overdueUnits(deps, await principal('unit_head2'), at('2025-10-21T00:00:00+08:00'));
    expect(none.items).toEqual([]);
  });
});
