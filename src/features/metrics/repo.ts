// SQL of the metric library: one set-based statement per evidence kind counts, for every subject of
// both kinds at once (grouped by person and unit, summed into each kind here), the numerators and
// denominators of a period. Never one query per subject. Working days use the calendar's SQL rule.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { SubjectKind } from './definitions.ts';
import type { Period } from './period.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
export type Row = Record<string, number>;
/** Counts per subject of each kind. */
export type ByKind = Record<SubjectKind, Map<number, Row>>;

export interface Scan {
  period: Period;
  /** The kinds of subject wanted. */
  kinds: readonly SubjectKind[];
  /** Only these subjects of one kind; null: every subject. */
  only: { kind: SubjectKind; ids: number[] } | null;
}

/** The filter of a scan on the column that names each kind of subject. */
function onlyThose(s: Scan, columns: Partial<Record<SubjectKind, RawBuilder<unknown>>>) {
  if (!s.only) return sql``;
  const column = columns[s.only.kind];
  return column ? sql`and ${column} = any(${s.only.ids}::int[])` : sql`and false`;
}

/** Beijing date (YYYY-MM-DD) of an instant that starts a Beijing day. */
export const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Every statement groups by the pair (person, unit) and the pairs are summed here into each kind:
 * one scan of the evidence serves both staff and units (the counts are sums, so they add up), and
 * the pairs are few (about one per person).
 */
async function byPair(db: Executor, query: RawBuilder<Record<string, unknown>>, kinds: readonly SubjectKind[]): Promise<ByKind> {
  const out: ByKind = { staff: new Map(), unit: new Map() };
  for (const r of (await query.execute(db)).rows) {
    const values: Row = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'staff_id' && k !== 'unit_id') values[k] = v === null ? 0 : Number(v);
    for (const kind of kinds) {
      const id = r[kind === 'staff' ? 'staff_id' : 'unit_id'];
      if (id === null || id === undefined) continue;
      const acc = out[kind].get(Number(id));
      if (!acc) out[kind].set(Number(id), { ...values });
      else for (const k in values) acc[k] = (acc[k] ?? 0) + values[k]!;
    }
  }
  return out;
}

/** Days before the period whose working-day ordinals are passed in (acceptances older than this use the SQL function). */
const LOOKBACK_DAYS = 400;

/**
 * Working-day ordinal of every day from LOOKBACK_DAYS before the period to its end (the calendar's
 * rule, calendar_ordinals), so that working days between two days is a difference of ordinals.
 */
async function ordinals(db: Executor, p: Period): Promise<{ first: string; ords: number[] }> {
  const lo = beijingDay(new Date(p.from.getTime() - LOOKBACK_DAYS * 86_400_000));
  const r = await sql<{ ordinal: number }>`
    select ordinal from calendar_ordinals where day >= ${lo}::date and day <= ${beijingDay(p.to)}::date order by day`.execute(db);
  return { first: lo, ords: r.rows.map((x) => Number(x.ordinal)) };
}

/**
 * Completed transactions: on time against the promise, and working days taken against promised.
 * One streaming pass that PostgreSQL scans in parallel. The working days come from an array of day
 * ordinals indexed by day (a lookup per row: ten times cheaper than joining a calendar); an
 * acceptance before the array falls back to working_days_between.
 */
export async function transactionCounts(db: Executor, s: Scan): Promise<ByKind> {
  const { first, ords } = await ordinals(db, s.period);
  const o = sql`(select o from cal)`;
  return byPair(db, sql`
    with cal as materialized (select ${ords}::int[] as o, ${first}::date as base)
    select staff_id, unit_id,
      count(*) as completed,
      -- on time ⇔ fewer than n working days lie after the day of acceptance and before the day of
      -- completion (completed by the end of the n-th working day); a 即办件 (n = 0) the same day
      count(*) filter (where case when n = 0 then bd <= ad
                                  when ad >= 1 then ${o}[bd - 1] - ${o}[ad] < n
                                  else working_days_between(accepted_at, completed_at - interval '1 day') < n end) as on_time,
      -- working days d with day(accepted) < d ≤ day(completed)
      sum(case when ad >= 1 then ${o}[bd] - ${o}[ad] else working_days_between(accepted_at, completed_at) end) as days_sum,
      sum(n) as promised_sum
    from (
      select t.handler_staff_id as staff_id, t.unit_id, t.promised_days as n, t.accepted_at, t.completed_at,
        shanghai_date(t.accepted_at) - (select base from cal) + 1 as ad,
        shanghai_date(t.completed_at) - (select base from cal) + 1 as bd
      from service_transactions t
      where t.status = 'completed' and t.completed_at >= ${s.period.from} and t.completed_at < ${s.period.to}
        and t.promised_days is not null ${onlyThose(s, { staff: sql.raw('t.handler_staff_id'), unit: sql.raw('t.unit_id') })}
    ) x
    group by staff_id, unit_id`, s.kinds);
}

/** Ratings of the period (appeal-upheld ones excluded): count, 差评 and the satisfaction sum. */
export function ratingCounts(db: Executor, s: Scan): Promise<ByKind> {
  return byPair(db, sql`
    select g.handler_staff_id as staff_id, g.unit_id,
      count(*) as ratings,
      count(*) filter (where g.level <= 2) as bad,
      sum(25 * (g.level - 1)) as satisfaction_sum
    from ratings g
    where not g.excluded and g.rated_at >= ${s.period.from} and g.rated_at < ${s.period.to}
      ${onlyThose(s, { staff: sql.raw('g.handler_staff_id'), unit: sql.raw('g.unit_id') })}
    group by 1, 2`, s.kinds);
}

/**
 * Rectifications of the period's 差评, as of the end of the period (so a result never depends on
 * when it is computed): due = closed or past its deadline by then; rectified = closed by then.
 */
export function rectificationCounts(db: Executor, s: Scan): Promise<ByKind> {
  return byPair(db, sql`
    select g.handler_staff_id as staff_id, k.unit_id,
      count(*) filter (where (k.closed_at is not null and k.closed_at < ${s.period.to}) or k.due_at < ${s.period.to}) as due,
      count(*) filter (where k.closed_at is not null and k.closed_at < ${s.period.to}) as rectified
    from rectifications k
    join ratings g on g.id = k.rating_id
    where not g.excluded and g.rated_at >= ${s.period.from} and g.rated_at < ${s.period.to}
      ${onlyThose(s, { staff: sql.raw('g.handler_staff_id'), unit: sql.raw('k.unit_id') })}
    group by 1, 2`, s.kinds);
}

/** 12345 tickets received in the period (units only): answered within 24 hours, resolved. */
export function hotlineCounts(db: Executor, s: Scan): Promise<ByKind> {
  return byPair(db, sql`
    select null::int as staff_id, h.unit_id,
      count(*) as tickets,
      count(*) filter (where h.responded_at <= h.received_at + interval '24 hours') as responded_24h,
      count(*) filter (where h.resolved_at is not null) as resolved
    from hotline_tickets h
    where h.received_at >= ${s.period.from} and h.received_at < ${s.period.to} ${onlyThose(s, { unit: sql.raw('h.unit_id') })}
    group by 2`, s.kinds);
}

/** Proposals due in the period (units only): answered by their due date. */
export function proposalCounts(db: Executor, s: Scan): Promise<ByKind> {
  return byPair(db, sql`
    select null::int as staff_id, p.unit_id, count(*) as due, count(*) filter (where p.answered_on <= p.due_on) as on_time
    from proposals p
    where p.due_on >= ${beijingDay(s.period.from)}::date and p.due_on < ${beijingDay(s.period.to)}::date ${onlyThose(s, { unit: sql.raw('p.unit_id') })}
    group by 2`, s.kinds);
}

/**
 * Training hours completed in the period. A staff member counts their own; a unit counts its active
 * staff (their hours and their number, which scales the requirement) — not a sum over pairs, so the
 * two kinds are two statements.
 */
export async function trainingCounts(db: Executor, s: Scan): Promise<ByKind> {
  const from = beijingDay(s.period.from);
  const to = beijingDay(s.period.to);
  const out: ByKind = { staff: new Map(), unit: new Map() };
  if (s.kinds.includes('staff')) {
    out.staff = (await byPair(db, sql`
      select r.staff_id, null::int as unit_id, sum(r.hours) as hours, 1 as people
      from training_records r
      where r.completed_on >= ${from}::date and r.completed_on < ${to}::date ${onlyThose(s, { staff: sql.raw('r.staff_id') })}
      group by 1`, ['staff'])).staff;
  }
  if (s.kinds.includes('unit')) {
    out.unit = (await byPair(db, sql`
      select null::int as staff_id, p.unit_id, count(*) as people, coalesce(sum(h.hours), 0) as hours
      from staff p
      left join (
        select r.staff_id, sum(r.hours) as hours from training_records r
        where r.completed_on >= ${from}::date and r.completed_on < ${to}::date group by 1
      ) h on h.staff_id = p.id
      where p.status = 'active' ${onlyThose(s, { unit: sql.raw('p.unit_id') })}
      group by 2`, ['unit'])).unit;
  }
  return out;
}

/**
 * Complaints and reports (cases) against the subject, rejected ones (不予受理) left out: a person is the
 * case's subject person; a unit is the unit complained about, or the accountable handling unit when the
 * reporter named none. Received in the period: all, distinct complaints (not merged into another) and
 * repeats (a merged duplicate or a reopened case). Substantiated: found 属实 or 部分属实 in the period,
 * whenever received, so the count agrees with the complaint_substantiated events.
 */
export function caseCounts(db: Executor, s: Scan): Promise<ByKind> {
  const received = sql`c.submitted_at >= ${s.period.from} and c.submitted_at < ${s.period.to}`;
  const found = sql`c.finding in ('substantiated', 'partly') and c.resolved_at >= ${s.period.from} and c.resolved_at < ${s.period.to}`;
  return byPair(db, sql`
    select c.subject_staff_id as staff_id, coalesce(c.subject_unit_id, c.unit_id) as unit_id,
      count(*) filter (where ${received}) as received,
      count(*) filter (where ${received} and c.merged_into_id is null) as complaints,
      count(*) filter (where ${received} and (c.merged_into_id is not null or c.reopen_count > 0)) as repeats,
      count(*) filter (where ${found}) as substantiated
    from cases c
    where c.status <> 'rejected' and ((${received}) or (${found}))
      ${onlyThose(s, { staff: sql.raw('c.subject_staff_id'), unit: sql.raw('coalesce(c.subject_unit_id, c.unit_id)') })}
    group by 1, 2`, s.kinds);
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
