// SLA clocks of cases: first response within N hours (calendar hours) and 办结 within the category's
// working days (add_working_days). One run inserts reminders before a breach and, on a breach, an
// escalation to inspectors with an event on the case; each notification is unique per case, kind and
// deadline, so runs are idempotent and an extended deadline gets its own reminders.
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/types.ts';
import { recordLedger, type CasesLedgerRecord } from './ledger.ts';
import type { CasesSettings } from './settings.ts';

export interface ClockRun {
  reminders: number;
  escalations: number;
}

type Rules = Pick<CasesSettings, 'firstResponseReminderHours' | 'dueReminderWorkingDays'>;

export async function runCaseClocks(db: Kysely<DB>, now: Date, rules: Rules): Promise<ClockRun> {
  return db.transaction().execute(async (trx) => {
    // Reminders: to the accountable unit, before the deadline.
    const reminders = await sql<{ id: string }>`
      insert into case_notifications (case_id, kind, audience, unit_id, deadline, created_at)
      select c.id, case when c.status = 'submitted' then 'first_response_reminder' else 'due_reminder' end, 'unit', c.unit_id, c.deadline, ${now}::timestamptz
        from cases c
       where c.deadline is not null and c.deadline > ${now}::timestamptz
         and (c.status <> 'submitted' or c.first_responded_at is null)
         and case when c.status = 'submitted'
                  then c.deadline <= ${now}::timestamptz + make_interval(hours => ${rules.firstResponseReminderHours}::int)
                  else working_days_between(${now}::timestamptz, c.deadline) <= ${rules.dueReminderWorkingDays}::int end
      on conflict (case_id, kind, deadline) do nothing
      returning id`.execute(trx);

    // Breaches: escalated to inspectors (纪检监察), once per deadline.
    const breaches = await sql<{ case_id: string }>`
      insert into case_notifications (case_id, kind, audience, unit_id, deadline, created_at)
      select c.id, case when c.status = 'submitted' then 'first_response_breach' else 'due_breach' end, 'inspectors', c.unit_id, c.deadline, ${now}::timestamptz
        from cases c
       where c.deadline is not null and c.deadline <= ${now}::timestamptz
         and (c.status <> 'submitted' or c.first_responded_at is null)
      on conflict (case_id, kind, deadline) do nothing
      returning case_id`.execute(trx);

    const ids = breaches.rows.map((r) => Number(r.case_id));
    if (ids.length) {
      const updated = await trx.updateTable('cases')
        .set((eb) => ({ escalated_at: now, version: eb('version', '+', 1), updated_at: now }))
        .where('id', 'in', ids).returningAll().execute();
      const events = await trx.insertInto('case_events')
        .values(updated.map((c) => ({
          case_id: c.id, action: 'escalate', from_status: c.status, to_status: c.status, unit_id: c.unit_id, actor_user_id: null, actor_role: 'system',
          detail: JSON.stringify({ clock: c.status === 'submitted' ? 'first_response' : 'resolve', deadline: c.deadline?.toISOString() ?? null }), at: now,
        })))
        .returningAll().execute();
      const records: CasesLedgerRecord[] = [...updated.map((row) => ({ type: 'case' as const, row: { ...row } })), ...events.map((row) => ({ type: 'case.event' as const, row: { ...row } }))];
      await recordLedger(trx, records);
    }
    return { reminders: reminders.rows.length, escalations: ids.length };
  });
}

export interface CaseClockJob {
  stop(): Promise<void>;
}

/** Runs the clocks every `minutes` inside the server process; idempotent, so replicas may overlap. */
export function startCaseClockJob(db: Kysely<DB>, log: Pick<Logger, 'info' | 'error'>, settings: CasesSettings & { clockMinutes: number }): CaseClockJob {
  let stopped = false;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (stopped || running) return;
    running = runCaseClocks(db, new Date(), settings)
      .then((r) => { if (r.reminders || r.escalations) log.info(r, 'case clocks: reminders and escalations'); })
      .catch((err: unknown) => log.error({ err }, 'case clock run failed; retried at the next run'))
      .finally(() => { running = undefined; });
  };
  const timer = setInterval(tick, settings.clockMinutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
