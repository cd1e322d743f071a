// SQL of unit metrics: one set-based statement counts, per target unit (optionally with its whole
// subtree), the ratings, rectifications and completed transactions of a period. Working days come
// from the calendar's SQL functions (migration 0003), the same rules as the TypeScript calendar.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, UnitCategory } from '../../db/types.ts';
import { offsetOf } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface TargetUnit { id: number; code: string; name: string; category: UnitCategory }

export async function findTarget(db: Executor, scope: Scope, code: string): Promise<TargetUnit | undefined> {
  return db.selectFrom('units as u').select(['u.id', 'u.code', 'u.name', 'u.category']).where('u.code', '=', code).where((eb) => unitInScope(eb, scope, 'u')).executeTakeFirst();
}

export async function pageOfTargets(db: Executor, scope: Scope, page: { page: number; pageSize: number }) {
  const q = db.selectFrom('units as u').where((eb) => unitInScope(eb, scope, 'u'));
  const [items, total] = await Promise.all([
    q.select(['u.id', 'u.code', 'u.name', 'u.category']).orderBy('u.code').limit(page.pageSize).offset(offsetOf(page)).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items as TargetUnit[], total: Number(total.n) };
}

/** Every unit in scope (for the CLI). */
export async function allTargets(db: Executor, scope: Scope): Promise<TargetUnit[]> {
  return (await db.selectFrom('units as u').select(['u.id', 'u.code', 'u.name', 'u.category']).where((eb) => unitInScope(eb, scope, 'u')).orderBy('u.code').execute()) as TargetUnit[];
}

export interface MetricCounts {
  target_id: number;
  ratings: number; good: number; bad: number; defaulted: number; excluded: number;
  rectifications: number; open: number; overdue: number; due: number; closed: number; closed_on_time: number;
  revisit_due: number; revisited: number; rectified: number; false_count: number;
  completed: number; with_promise: number; on_time: number; days_sum: number; promised_sum: number;
}

/**
 * Counts per target unit for ratings rated and transactions completed in [from, to). Rectifications
 * are those of the period's 差评, in their state as of `now`. With `includeSubUnits` a unit counts
 * the evidence of its whole subtree (its ancestors are read from the materialised path).
 */
export async function countsFor(db: Executor, targetIds: readonly number[], p: { from: Date; to: Date; now: Date; includeSubUnits: boolean }): Promise<Map<number, MetricCounts>> {
  if (!targetIds.length) return new Map();
  const ids = [...targetIds];
  // Which units count for which target, resolved first, so the main statement gets the unit ids as
  // an array (exact row estimates: index scans for one unit, sequential scans for a province).
  const pairs = p.includeSubUnits
    ? await sql<{ unit_id: number; target_id: number }>`
        select u.id as unit_id, a.id::int as target_id
        from units u cross join lateral unnest(string_to_array(trim(both '/' from u.path), '/')) as a(id)
        where a.id::int = any(${ids}::int[])`.execute(db)
    : { rows: ids.map((id) => ({ unit_id: id, target_id: id })) };
  const unitIds = [...new Set(pairs.rows.map((r) => r.unit_id))];
  // JIT compilation costs seconds here and saves nothing: these are scans and hash aggregates.
  return inTransaction(db, async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return countsIn(trx, ids, unitIds, pairs.rows, p);
  });
}

async function inTransaction<T>(db: Executor, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}

async function countsIn(
  db: Executor,
  ids: number[],
  unitIds: number[],
  pairs: { unit_id: number; target_id: number }[],
  p: { from: Date; to: Date; now: Date },
): Promise<Map<number, MetricCounts>> {
  const result = await sql<MetricCounts>`
    with member as (
      select * from unnest(${pairs.map((x) => x.unit_id)}::int[], ${pairs.map((x) => x.target_id)}::int[]) as m(unit_id, target_id)
    ),
    r as (
      select m.target_id,
        count(*) filter (where not g.excluded) as ratings,
        count(*) filter (where not g.excluded and g.level >= 4) as good,
        count(*) filter (where not g.excluded and g.level <= 2) as bad,
        count(*) filter (where not g.excluded and g.defaulted) as defaulted,
        count(*) filter (where g.excluded) as excluded
      from ratings g join member m on m.unit_id = g.unit_id
      where g.unit_id = any(${unitIds}::int[]) and g.rated_at >= ${p.from} and g.rated_at < ${p.to}
      group by m.target_id
    ),
    k as (
      select m.target_id,
        count(*) as rectifications,
        count(*) filter (where k.status <> 'closed') as open,
        count(*) filter (where k.status <> 'closed' and k.stage_deadline < ${p.now}) as overdue,
        count(*) filter (where k.status = 'closed' or k.due_at < ${p.now}) as due,
        count(*) filter (where k.status = 'closed') as closed,
        count(*) filter (where k.status = 'closed' and k.closed_at <= k.due_at) as closed_on_time,
        count(*) filter (where g.real_name and k.finding = 'founded' and k.rectified_at is not null) as revisit_due,
        count(*) filter (where g.real_name and k.finding = 'founded' and k.rectified_at is not null and k.revisited_at >= k.rectified_at) as revisited,
        count(*) filter (where k.rectified_at is not null or k.false_rectification) as rectified,
        count(*) filter (where k.false_rectification) as false_count
      from rectifications k
      join ratings g on g.id = k.rating_id
      join member m on m.unit_id = k.unit_id
      where k.unit_id = any(${unitIds}::int[]) and g.rated_at >= ${p.from} and g.rated_at < ${p.to} and not g.excluded
      group by m.target_id
    ),
    tx as (
      select m.target_id, s.promised_days, shanghai_date(s.accepted_at) as a, shanghai_date(s.completed_at) as b
      from service_transactions s join member m on m.unit_id = s.unit_id
      where s.unit_id = any(${unitIds}::int[]) and s.status = 'completed' and s.completed_at >= ${p.from} and s.completed_at < ${p.to}
    ),
    -- Working-day ordinals of the days these transactions span (is_working_day: the calendar's rule), so
    -- that working days between two days is a difference of ordinals instead of a scan per row.
    days as (
      select d::date as day, sum(case when is_working_day(d::date) then 1 else 0 end) over (order by d) as ord
      from generate_series((select min(least(a, b)) - 1 from tx), (select max(greatest(a, b)) from tx), interval '1 day') as d
    ),
    t as (
      select tx.target_id,
        count(*) as completed,
        count(*) filter (where tx.promised_days is not null) as with_promise,
        -- on time ⇔ completed_at ≤ add_working_days(accepted_at, n) ⇔ fewer than n working days lie after the
        -- day of acceptance and before the day of completion; a 即办件 (n = 0) is on time the same day
        count(*) filter (where tx.promised_days is not null and case when tx.promised_days = 0 then tx.b <= tx.a
                                                                      else bm.ord - da.ord < tx.promised_days end) as on_time,
        coalesce(sum(db.ord - da.ord) filter (where tx.promised_days is not null), 0) as days_sum,
        coalesce(sum(tx.promised_days), 0) as promised_sum
      from tx
      join days da on da.day = tx.a
      join days db on db.day = tx.b
      join days bm on bm.day = tx.b - 1
      group by tx.target_id
    )
    select x.id as target_id,
      coalesce(r.ratings, 0) as ratings, coalesce(r.good, 0) as good, coalesce(r.bad, 0) as bad,
      coalesce(r.defaulted, 0) as defaulted, coalesce(r.excluded, 0) as excluded,
      coalesce(k.rectifications, 0) as rectifications, coalesce(k.open, 0) as open, coalesce(k.overdue, 0) as overdue,
      coalesce(k.due, 0) as due, coalesce(k.closed, 0) as closed, coalesce(k.closed_on_time, 0) as closed_on_time,
      coalesce(k.revisit_due, 0) as revisit_due, coalesce(k.revisited, 0) as revisited,
      coalesce(k.rectified, 0) as rectified, coalesce(k.false_count, 0) as false_count,
      coalesce(t.completed, 0) as completed, coalesce(t.with_promise, 0) as with_promise, coalesce(t.on_time, 0) as on_time,
      coalesce(t.days_sum, 0) as days_sum, coalesce(t.promised_sum, 0) as promised_sum
    from unnest(${ids}::int[]) as x(id)
    left join r on r.target_id = x.id
    left join k on k.target_id = x.id
    left join t on t.target_id = x.id
  `.execute(db);
  const out = new Map<number, MetricCounts>();
  for (const row of result.rows) {
    const numeric = Object.fromEntries(Object.entries(row).map(([key, v]) => [key, Number(v)])) as unknown as MetricCounts;
    out.set(numeric.target_id, numeric);
  }
  return out;
}
