// SQL of ratings: the public write path, bulk ratings from external systems, the default-rating job,
// and opening rectifications for 差评. Deadlines are computed in SQL by add_working_days (migration
// 0003), which has exactly the semantics of the calendar's addWorkingDays.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { DEFAULT_SCAN_KEY, type DefaultScan, type DefaultScanMark } from './default-scan.ts';
import type { RatingChannel, RatingOrigin } from './tables.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
export type Row = Record<string, unknown> & { id: number; version: number };

/**
 * Opens one rectification for each given rating that is a 差评 (level ≤ 2) and not defaulted, unless
 * it has one already; owned by the rating's unit, with deadlines from the unit category's rules
 * counted from the rating time. Returns the rectifications and their opening events.
 */
export async function openRectifications(db: Executor, ratingIds: readonly number[], now: Date, actorRole: string): Promise<{ rectifications: Row[]; events: Row[] }> {
  if (!ratingIds.length) return { rectifications: [], events: [] };
  const rects = await sql<Row>`
    insert into rectifications (rating_id, unit_id, status, revisit_required, opened_at, stage_deadline, due_at, created_at, updated_at)
    select r.id, r.unit_id, 'verifying', r.real_name, r.rated_at,
           add_working_days(r.rated_at, d.verify_days),
           add_working_days(r.rated_at, d.verify_days + d.rectify_days + case when r.real_name then d.revisit_days else 0 end),
           ${now}, ${now}
    from ratings r
    join units u on u.id = r.unit_id
    join rectification_deadlines d on d.unit_category = u.category
    where r.id = any(${[...ratingIds]}::bigint[]) and r.level <= 2 and not r.defaulted
    order by r.id
    on conflict (rating_id) do nothing
    returning *
  `.execute(db);
  if (!rects.rows.length) return { rectifications: [], events: [] };
  const events = await sql<Row>`
    insert into rectification_events (rectification_id, action, from_status, to_status, actor_role, detail, at)
    select k.id, 'open', null, 'verifying', ${actorRole}, jsonb_build_object('ratingId', k.rating_id), k.opened_at
    from rectifications k where k.id = any(${rects.rows.map((r) => r.id)}::bigint[])
    order by k.id
    returning *
  `.execute(db);
  return { rectifications: rects.rows, events: events.rows.map((e) => ({ ...e, version: 1 })) };
}

// ---- bulk ------------------------------------------------------------------------------------

export interface BulkRating {
  code: string;
  level: number;
  channel: RatingChannel;
  ratedAt: Date;
  comment: string | null;
  tags: string[];
  nameEnc: Buffer | null;
  phoneEnc: Buffer | null;
  phoneIndex: Buffer | null;
}

/** Inserts many ratings in one statement; returns the inserted rows with their transaction code. */
export async function insertRatings(db: Executor, rows: readonly BulkRating[], origin: RatingOrigin, now: Date): Promise<(Row & { transaction_code: string })[]> {
  if (!rows.length) return [];
  const col = <T>(f: (r: BulkRating) => T) => rows.map(f);
  // Byte columns travel as hex text (arrays of bytea do not bind on every driver), decoded in SQL.
  const hex = (b: Buffer | null) => (b ? b.toString('hex') : null);
  const result = await sql<Row & { transaction_code: string }>`
    with input as (
      select * from unnest(${col((r) => r.code)}::text[], ${col((r) => r.level)}::int[], ${col((r) => r.channel)}::text[],
                           ${col((r) => r.ratedAt)}::timestamptz[], ${col((r) => r.comment)}::text[], ${col((r) => JSON.stringify(r.tags))}::text[],
                           ${col((r) => hex(r.nameEnc))}::text[], ${col((r) => hex(r.phoneEnc))}::text[], ${col((r) => hex(r.phoneIndex))}::text[])
        as i(code, level, channel, rated_at, comment, tags, name_enc, phone_enc, phone_index)
    ), tx as (
      select t.id as transaction_id, t.unit_id, t.transaction_code, i.*
      from input i join service_transactions t on t.transaction_code = i.code
    ), ins as (
      insert into ratings (transaction_id, unit_id, level, channel, origin, comment, tags, real_name,
                           rater_name_enc, rater_phone_enc, rater_phone_index, rated_at, created_at, updated_at)
      select tx.transaction_id, tx.unit_id, tx.level, tx.channel, ${origin}, tx.comment, array(select jsonb_array_elements_text(tx.tags::jsonb)),
             tx.phone_enc is not null, decode(tx.name_enc, 'hex'), decode(tx.phone_enc, 'hex'), decode(tx.phone_index, 'hex'),
             tx.rated_at, ${now}, ${now}
      from tx
      order by tx.transaction_id
      on conflict (transaction_id) do nothing
      returning *
    )
    select ins.*, tx.transaction_code from ins join tx on tx.transaction_id = ins.transaction_id
  `.execute(db);
  return result.rows;
}

export interface ExistingRating {
  transaction_code: string;
  id: number | null;
  level: number | null;
  channel: string | null;
  rated_at: Date | null;
  comment: string | null;
  tags: string[] | null;
}

/** For each code: whether the transaction exists, and its rating if it has one. */
export async function ratingsByCode(db: Executor, codes: readonly string[]): Promise<Map<string, ExistingRating>> {
  if (!codes.length) return new Map();
  const result = await sql<ExistingRating>`
    select t.transaction_code, r.id, r.level, r.channel, r.rated_at, r.comment, r.tags
    from service_transactions t left join ratings r on r.transaction_id = t.id
    where t.transaction_code = any(${[...new Set(codes)]}::text[])
  `.execute(db);
  return new Map(result.rows.map((r) => [r.transaction_code, r]));
}

// ---- default ratings -----------------------------------------------------------------------------

/** Which completed transactions a default-rating statement looks at (default-scan.ts). */
function defaultScanFilter(scan: DefaultScan) {
  const byCompletion = sql`order by t.completed_at, t.id`;
  switch (scan.kind) {
    case 'all':
      return { where: sql`t.completed_at <= ${scan.upTo}`, order: byCompletion };
    case 'window':
      return { where: sql`t.completed_at > ${scan.after} and t.completed_at <= ${scan.upTo}`, order: byCompletion };
    case 'late':
      return { where: sql`t.id > ${scan.idAbove} and t.completed_at <= ${scan.upTo}`, order: sql`order by t.id` };
  }
}

/**
 * Rates up to `limit` completed transactions of the scan that have no rating, with the default
 * level, as defaulted 一事一评 ratings rated at completion + afterDays. Set-based and idempotent (the
 * unique transaction_id and NOT EXISTS leave rated ones alone).
 */
export async function insertDefaultRatings(db: Executor, opts: { now: Date; afterDays: number; level: number; limit: number; scan: DefaultScan }): Promise<Row[]> {
  const scan = defaultScanFilter(opts.scan);
  const result = await sql<Row>`
    insert into ratings (transaction_id, unit_id, level, channel, origin, defaulted, rated_at, created_at, updated_at)
    select t.id, t.unit_id, ${opts.level}, 'per_matter', 'default', true,
           t.completed_at + make_interval(days => ${opts.afterDays}), ${opts.now}, ${opts.now}
    from service_transactions t
    where t.status = 'completed'
      and not exists (select 1 from ratings r where r.transaction_id = t.id)
      and ${scan.where}
    ${scan.order}
    limit ${opts.limit}
    on conflict (transaction_id) do nothing
    returning *
  `.execute(db);
  return result.rows;
}

/** The mark the last finished default-rating run left, if any. */
export async function loadDefaultScanMark(db: Executor): Promise<DefaultScanMark | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', DEFAULT_SCAN_KEY).executeTakeFirst();
  const v = row?.value as { completedThrough?: string; idThrough?: number } | undefined;
  if (!v?.completedThrough || typeof v.idThrough !== 'number') return null;
  return { completedThrough: new Date(v.completedThrough), idThrough: v.idThrough };
}

export async function saveDefaultScanMark(db: Executor, mark: DefaultScanMark): Promise<void> {
  const value = JSON.stringify({ completedThrough: mark.completedThrough.toISOString(), idThrough: mark.idThrough });
  await db.insertInto('meta').values({ key: DEFAULT_SCAN_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** The highest transaction id of the rows created before `before` (0 when none): a backward walk of the primary key. */
export async function settledTransactionId(db: Executor, before: Date): Promise<number> {
  const r = await sql<{ id: number }>`select id from service_transactions where created_at < ${before} order by id desc limit 1`.execute(db);
  return r.rows.length ? Number(r.rows[0]!.id) : 0;
}
