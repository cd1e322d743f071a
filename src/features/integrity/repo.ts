// SQL of integrity points (诚信积分): rules, entries (inserted idempotently by person and event) and
// a person's balance and history, the balance running in event-time order.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface RuleRow { event_type: string; points: string; version: number; updated_by: number | null; updated_at: Date }

export const listRules = (db: Executor) => db.selectFrom('integrity_rules').selectAll().orderBy('event_type').execute() as Promise<RuleRow[]>;

/** Inserts or changes a rule (version + 1 on change); returns the stored row, or undefined when unchanged. */
export async function upsertRule(trx: Executor, eventType: string, points: number, userId: number | null): Promise<RuleRow | undefined> {
  return (await trx.insertInto('integrity_rules').values({ event_type: eventType, points, updated_by: userId, updated_at: new Date() })
    .onConflict((oc) => oc.column('event_type').doUpdateSet((eb) => ({
      points: eb.ref('excluded.points'), updated_by: eb.ref('excluded.updated_by'), updated_at: eb.ref('excluded.updated_at'),
      version: sql<number>`integrity_rules.version + 1`,
    })).where(sql<boolean>`integrity_rules.points <> excluded.points`))
    .returningAll().executeTakeFirst()) as RuleRow | undefined;
}

export interface NewEntry { staff_id: number; event_type: string; ref_type: string; ref_id: string; event_at: Date; period_code: string; points: number; rule_version: number; summary: string; applied_at: Date }

/** Entries not yet recorded (one per person and event); returns the rows inserted now. */
export async function insertEntries(trx: Executor, rows: NewEntry[]): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  return trx.insertInto('integrity_entries').values(rows)
    .onConflict((oc) => oc.columns(['staff_id', 'event_type', 'ref_type', 'ref_id']).doNothing())
    .returningAll().execute();
}

export async function findStaff(db: Executor, scope: Scope, code: string, onlyStaffId: number | null) {
  return db.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id')
    .select(['s.id', 's.code', 's.name', 'u.code as unit_code']).where('s.code', '=', code).where((eb) => unitInScope(eb, scope, 'u'))
    .$if(onlyStaffId !== null, (q) => q.where('s.id', '=', onlyStaffId!))
    .executeTakeFirst();
}

export async function basePoints(db: Executor): Promise<number> {
  const row = await db.selectFrom('metric_settings').select('value').where('key', '=', 'integrity_base_points').executeTakeFirst();
  return row ? Number(row.value) : 100;
}

export interface HistoryRow { id: number; event_type: string; ref_type: string; ref_id: string; event_at: Date; period_code: string; points: string; rule_version: number; summary: string; applied_at: Date; balance: string }

/** A page of a person's entries, newest event first, each with the balance after it. */
export async function history(db: Executor, staffId: number, base: number, page: { page: number; pageSize: number }): Promise<{ items: HistoryRow[]; total: number; sum: number }> {
  const [items, totals] = await Promise.all([
    sql<HistoryRow>`
      select * from (
        select e.id, e.event_type, e.ref_type, e.ref_id, e.event_at, e.period_code, e.points::text as points, e.rule_version, e.summary, e.applied_at,
          (${base} + sum(e.points) over (order by e.event_at, e.id))::text as balance
        from integrity_entries e where e.staff_id = ${staffId}
      ) h order by h.event_at desc, h.id desc limit ${page.pageSize} offset ${offsetOf(page)}`.execute(db),
    sql<{ n: string; total: string | null }>`select count(*) as n, sum(points)::text as total from integrity_entries where staff_id = ${staffId}`.execute(db),
  ]);
  return { items: items.rows.map((r) => ({ ...r, id: Number(r.id) })), total: Number(totals.rows[0]!.n), sum: Number(totals.rows[0]!.total ?? 0) };
}

/** Balances of many people at once (base + their entries' points). */
export async function balances(db: Executor, staffIds: number[], base: number): Promise<Map<number, number>> {
  const r = await sql<{ staff_id: number; total: string }>`
    select staff_id, sum(points)::text as total from integrity_entries where staff_id = any(${staffIds}::int[]) group by staff_id`.execute(db);
  const out = new Map(staffIds.map((id) => [id, base]));
  for (const row of r.rows) out.set(Number(row.staff_id), Math.round((base + Number(row.total)) * 100) / 100);
  return out;
}
