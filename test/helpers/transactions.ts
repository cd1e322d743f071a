// Service transactions (办件) and calendar days for ratings tests and benchmarks, inserted directly
// (one factory style): a source, transactions of demo units, and working-day calendar exceptions.
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/types.ts';

export const TEST_SOURCE = 'test-source';

/** The id of the test source, created on first use. */
export async function ensureSource(db: Kysely<DB>, code = TEST_SOURCE): Promise<number> {
  const existing = await db.selectFrom('sources').select('id').where('code', '=', code).executeTakeFirst();
  if (existing) return existing.id;
  const row = await db.insertInto('sources').values({ code, name: `测试数据源 ${code}` }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export interface TransactionSpec {
  code: string;
  unitCode: string;
  serviceItemCode?: string;
  status?: 'accepted' | 'completed' | 'rejected' | 'withdrawn';
  channel?: 'window' | 'online' | 'mobile' | 'self_service' | 'hotline';
  acceptedAt: Date | string;
  completedAt?: Date | string | null;
  promisedDays?: number | null;
  /** staff(id) of the handler (经办人). */
  handlerStaffId?: number | null;
}

/** Inserts transactions (external id = code); returns their ids by code. */
export async function insertTransactions(db: Kysely<DB>, specs: TransactionSpec[]): Promise<Map<string, number>> {
  if (!specs.length) return new Map();
  const sourceId = await ensureSource(db);
  const unitCodes = [...new Set(specs.map((s) => s.unitCode))];
  const units = new Map((await db.selectFrom('units').select(['id', 'code']).where('code', 'in', unitCodes).execute()).map((u) => [u.code, u.id]));
  const itemCodes = [...new Set(specs.flatMap((s) => (s.serviceItemCode ? [s.serviceItemCode] : [])))];
  const items = itemCodes.length
    ? new Map((await db.selectFrom('service_items').select(['id', 'code']).where('code', 'in', itemCodes).execute()).map((i) => [i.code, i.id]))
    : new Map<string, number>();
  const out = new Map<string, number>();
  for (let i = 0; i < specs.length; i += 1000) {
    const rows = specs.slice(i, i + 1000).map((s) => {
      const unitId = units.get(s.unitCode);
      if (!unitId) throw new Error(`no unit ${s.unitCode}`);
      const status = s.status ?? (s.completedAt ? 'completed' : 'accepted');
      return {
        source_id: sourceId,
        external_id: s.code,
        transaction_code: s.code,
        service_item_id: s.serviceItemCode ? (items.get(s.serviceItemCode) ?? null) : null,
        unit_id: unitId,
        handler_staff_id: s.handlerStaffId ?? null,
        channel: s.channel ?? 'window',
        status,
        accepted_at: s.acceptedAt,
        completed_at: s.completedAt ?? null,
        promised_days: s.promisedDays ?? null,
        content_hash: crypto.createHash('sha256').update(JSON.stringify(s)).digest(),
      };
    });
    const inserted = await db.insertInto('service_transactions').values(rows).returning(['id', 'transaction_code']).execute();
    for (const r of inserted) out.set(r.transaction_code, r.id);
  }
  return out;
}

/** Many completed transactions of one unit, codes `${prefix}000001`…, for load tests. Set-based. */
export async function insertManyTransactions(db: Kysely<DB>, opts: { prefix: string; count: number; unitCode: string; acceptedAt: Date; promisedDays?: number }): Promise<void> {
  const sourceId = await ensureSource(db);
  const unit = await db.selectFrom('units').select('id').where('code', '=', opts.unitCode).executeTakeFirstOrThrow();
  await sql`
    insert into service_transactions (source_id, external_id, transaction_code, unit_id, channel, status, accepted_at, completed_at, promised_days, content_hash)
    select ${sourceId}, ${opts.prefix} || lpad(g::text, 7, '0'), ${opts.prefix} || lpad(g::text, 7, '0'), ${unit.id}, 'window', 'completed',
           ${opts.acceptedAt}::timestamptz, ${opts.acceptedAt}::timestamptz + interval '1 hour', ${opts.promisedDays ?? 5}, sha256(convert_to(${opts.prefix} || g::text, 'UTF8'))
    from generate_series(1, ${opts.count}) as g
    on conflict do nothing
  `.execute(db);
}

/** Calendar exceptions: holidays (weekdays off) and make-up working weekends (调休上班). */
export async function seedCalendar(db: Kysely<DB>, days: { day: string; kind: 'holiday' | 'workday'; name: string }[]): Promise<void> {
  if (!days.length) return;
  await db.insertInto('calendar_days').values(days).onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind'), name: eb.ref('excluded.name'), deleted: false }))).execute();
}

/** 2025 National Day (国庆节): Oct 1–8 off; Sunday Sep 28 and Saturday Oct 11 worked (国办发明电〔2024〕12号). */
export const NATIONAL_DAY_2025 = [
  ...['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08']
    .map((day) => ({ day, kind: 'holiday' as const, name: '国庆节、中秋节' })),
  { day: '2025-09-28', kind: 'workday' as const, name: '国庆节调休上班' },
  { day: '2025-10-11', kind: 'workday' as const, name: '国庆节调休上班' },
];
