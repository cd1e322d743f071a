// SQL of the metric library: one set-based statement per evidence kind counts, for every subject
// at once (grouped by the staff or unit column), the numerators and denominators of a period.
// Never one query per subject. Working days use the calendar's SQL rule (is_working_day).
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { SubjectKind } from './definitions.ts';
import type { Period } from './period.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
export type Row = Record<string, number> & { subject_id: number };

export interface Scan {
  kind: SubjectKind;
  period: Period;
  /** null: every subject. */
  subjectIds: number[] | null;
}

const only = (column: RawBuilder<unknown>, ids: number[] | null) => (ids ? sql`and ${column} = any(${ids}::int[])` : sql``);

/** Beijing date (YYYY-MM-DD) of an instant that starts a Beijing day. */
export const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

async function rows(db: Executor, query: RawBuilder<Record<string, unknown>>): Promise<Map<number, Row>> {
  const out = new Map<number, Row>();
  for (const r of (await query.execute(db)).rows) {
    const n = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? 0 : Number(v)])) as Row;
    out.set(n.subject_id, n);
  }
  return out;
}

/** Days before the period whose working-day ordinals are passed in (acceptances older than this use the SQL function). */
const LOOKBACK_DAYS = 400;

/**
 * Working-day ordinal of every day from LOOKBACK_DAYS before the period to its end (the calendar's
 * rule, calendar_ordinals), so that working days between two days is a difference of ordinals.
 */
async function ordinals(db: Executor, p: Period): Promise<{ days: string[]; ords: number[] }> {
  const lo = beijingDay(new Date(p.from.getTime() - LOOKBACK_DAYS * 86_400_000));
  const r = await sql<{ day: string; ordinal: number }>`
    select to_char(day, 'YYYY-MM-DD') as day, ordinal from calendar_ordinals where day >= ${lo}::date and day <= ${beijingDay(p.to)}::date order by day`.execute(db);
  return { days: r.rows.map((x) => x.day), ords: r.rows.map((x) => Number(x.ordinal)) };
}

/**
 * Completed transactions: on time against the promise, and working days taken against promised.
 * One streaming pass (no materialised intermediate, so PostgreSQL may scan in parallel): the day
 * ordinals arrive as arrays; an acceptance before them falls back to working_days_between.
 */
export async function transactionCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  const subject = s.kind === 'staff' ? sql.raw('t.handler_staff_id') : sql.raw('t.unit_id');
  const { days, ords } = await ordinals(db, s.period);
  const cal = sql`unnest(${days}::date[], ${ords}::int[])`;
  return rows(db, sql`
    with tx as (
      select ${subject} as subject_id, t.promised_days as n,
        -- working days d with day(accepted) < d ≤ day(completed), and those before day(completed)
        coalesce(db.ord - da.ord, working_days_between(t.accepted_at, t.completed_at)) as taken,
        coalesce(bm.ord - da.ord, working_days_between(t.accepted_at, t.completed_at - interval '1 day')) as before_last,
        shanghai_date(t.completed_at) <= shanghai_date(t.accepted_at) as same_day
      from service_transactions t
      left join ${cal} as da(day, ord) on da.day = shanghai_date(t.accepted_at)
      left join ${cal} as db(day, ord) on db.day = shanghai_date(t.completed_at)
      left join ${cal} as bm(day, ord) on bm.day = shanghai_date(t.completed_at) - 1
      where t.status = 'completed' and t.completed_at >= ${s.period.from} and t.completed_at < ${s.period.to}
        and t.promised_days is not null and ${subject} is not null ${only(subject, s.subjectIds)}
    )
    select subject_id,
      count(*) as completed,
      -- on time ⇔ fewer than n working days lie after the day of acceptance and before the day of
      -- completion (completed by the end of the n-th working day); a 即办件 (n = 0) the same day
      count(*) filter (where case when n = 0 then same_day else before_last < n end) as on_time,
      sum(taken) as days_sum,
      sum(n) as promised_sum
    from tx
    group by subject_id`);
}

/** Ratings of the period (appeal-upheld ones excluded): count, 差评 and the satisfaction sum. */
export function ratingCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  const staff = s.kind === 'staff';
  const subject = staff ? sql.raw('t.handler_staff_id') : sql.raw('g.unit_id');
  return rows(db, sql`
    select ${subject} as subject_id,
      count(*) as ratings,
      count(*) filter (where g.level <= 2) as bad,
      sum(25 * (g.level - 1)) as satisfaction_sum
    from ratings g ${staff ? sql`join service_transactions t on t.id = g.transaction_id` : sql``}
    where not g.excluded and g.rated_at >= ${s.period.from} and g.rated_at < ${s.period.to}
      and ${subject} is not null ${only(subject, s.subjectIds)}
    group by 1`);
}

/**
 * Rectifications of the period's 差评, as of the end of the period (so a result never depends on
 * when it is computed): due = closed or past its deadline by then; rectified = closed by then.
 */
export function rectificationCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  const staff = s.kind === 'staff';
  const subject = staff ? sql.raw('t.handler_staff_id') : sql.raw('k.unit_id');
  return rows(db, sql`
    select ${subject} as subject_id,
      count(*) filter (where (k.closed_at is not null and k.closed_at < ${s.period.to}) or k.due_at < ${s.period.to}) as due,
      count(*) filter (where k.closed_at is not null and k.closed_at < ${s.period.to}) as rectified
    from rectifications k
    join ratings g on g.id = k.rating_id
    ${staff ? sql`join service_transactions t on t.id = g.transaction_id` : sql``}
    where not g.excluded and g.rated_at >= ${s.period.from} and g.rated_at < ${s.period.to}
      and ${subject} is not null ${only(subject, s.subjectIds)}
    group by 1`);
}

/** 12345 tickets received in the period (units only): answered within 24 hours, resolved. */
export function hotlineCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  return rows(db, sql`
    select h.unit_id as subject_id,
      count(*) as tickets,
      count(*) filter (where h.responded_at <= h.received_at + interval '24 hours') as responded_24h,
      count(*) filter (where h.resolved_at is not null) as resolved
    from hotline_tickets h
    where h.received_at >= ${s.period.from} and h.received_at < ${s.period.to} ${only(sql.raw('h.unit_id'), s.subjectIds)}
    group by 1`);
}

/** Proposals due in the period (units only): answered by their due date. */
export function proposalCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  return rows(db, sql`
    select p.unit_id as subject_id, count(*) as due, count(*) filter (where p.answered_on <= p.due_on) as on_time
    from proposals p
    where p.due_on >= ${beijingDay(s.period.from)}::date and p.due_on < ${beijingDay(s.period.to)}::date ${only(sql.raw('p.unit_id'), s.subjectIds)}
    group by 1`);
}

/**
 * Training hours completed in the period. A staff member counts their own; a unit counts its active
 * staff (their hours and their number, which scales the requirement).
 */
export function trainingCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  const from = beijingDay(s.period.from);
  const to = beijingDay(s.period.to);
  if (s.kind === 'staff') {
    return rows(db, sql`
      select r.staff_id as subject_id, sum(r.hours) as hours, 1 as people
      from training_records r
      where r.completed_on >= ${from}::date and r.completed_on < ${to}::date ${only(sql.raw('r.staff_id'), s.subjectIds)}
      group by 1`);
  }
  return rows(db, sql`
    select p.unit_id as subject_id, count(*) as people, coalesce(sum(h.hours), 0) as hours
    from staff p
    left join (
      select r.staff_id, sum(r.hours) as hours from training_records r
      where r.completed_on >= ${from}::date and r.completed_on < ${to}::date group by 1
    ) h on h.staff_id = p.id
    where p.status = 'active' ${only(sql.raw('p.unit_id'), s.subjectIds)}
    group by 1`);
}

/**
 * Complaints and reports (cases) against the subject, rejected ones (不予受理) left out: a person is the
 * case's subject person; a unit is the unit complained about, or the accountable handling unit when the
 * reporter named none. Received in the period: all, distinct complaints (not merged into another) and
 * repeats (a merged duplicate or a reopened case). Substantiated: found 属实 or 部分属实 in the period,
 * whenever received, so the count agrees with the complaint_substantiated events.
 */
export function caseCounts(db: Executor, s: Scan): Promise<Map<number, Row>> {
  const subject = s.kind === 'staff' ? sql.raw('c.subject_staff_id') : sql.raw('coalesce(c.subject_unit_id, c.unit_id)');
  const received = sql`c.submitted_at >= ${s.period.from} and c.submitted_at < ${s.period.to}`;
  const found = sql`c.finding in ('substantiated', 'partly') and c.resolved_at >= ${s.period.from} and c.resolved_at < ${s.period.to}`;
  return rows(db, sql`
    select ${subject} as subject_id,
      count(*) filter (where ${received}) as received,
      count(*) filter (where ${received} and c.merged_into_id is null) as complaints,
      count(*) filter (where ${received} and (c.merged_into_id is not null or c.reopen_count > 0)) as repeats,
      count(*) filter (where ${found}) as substantiated
    from cases c
    where c.status <> 'rejected' and ((${received}) or (${found}))
      and ${subject} is not null ${only(subject, s.subjectIds)}
    group by 1`);
}

/** Every subject id of a kind (when the caller names none). */
export async function allSubjectIds(db: Executor, kind: SubjectKind): Promise<number[]> {
  const table = kind === 'staff' ? sql.raw('staff') : sql.raw('units');
  return (await sql<{ id: number }>`select id from ${table} order by id`.execute(db)).rows.map((r) => Number(r.id));
}

/** Configurable requirements of the metrics (metric_settings), with their defaults. */
export async function settings(db: Executor): Promise<Map<string, number>> {
  const r = await sql<{ key: string; value: string }>`select key, value::text as value from metric_settings`.execute(db);
  return new Map(r.rows.map((x) => [x.key, Number(x.value)]));
}

/**
 * Runs fn in a transaction set for one big aggregation: JIT off (compilation costs seconds on these
 * scans and saves nothing), and enough work memory for the hash joins and aggregates of a province's
 * year to stay in memory (measured in bench/scoring).
 */
export async function withoutJit<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  const run = async (trx: Transaction<DB>) => {
    await sql`set local jit = off`.execute(trx);
    await sql`set local work_mem = '128MB'`.execute(trx);
    return fn(trx);
  };
  return db.isTransaction ? run(db as Transaction<DB>) : (db as Kysely<DB>).transaction().execute(run);
}
