// SQL of evidence events: one set-based statement per event type lists, for every subject of both
// kinds at once, the events of a period with the person and the unit they count against (either may
// be null), the ledger record behind each (type + id) and a one-line summary.
import { sql, type RawBuilder } from 'kysely';
import type { SubjectKind } from './definitions.ts';
import { beijingDay, type Executor, type Scan } from './repo.ts';

export interface EventRow { staff_id: number | null; unit_id: number | null; at: Date; ref_type: string; ref_id: string; summary: string }

/** The filter of a scan on the column that names each kind of subject (none for a kind without one). */
function only(s: Scan, columns: Partial<Record<SubjectKind, RawBuilder<unknown>>>) {
  if (!s.only) return sql``;
  const column = columns[s.only.kind];
  return column ? sql`and ${column} = any(${s.only.ids}::int[])` : sql`and false`;
}
const id = (v: unknown) => (v === null || v === undefined ? null : Number(v));
/** 00:00 Beijing time of a date expression, as an instant. */
const dayStart = (d: RawBuilder<unknown>) => sql`((${d})::timestamp - interval '8 hours') at time zone 'UTC'`;

async function list(db: Executor, q: RawBuilder<EventRow>): Promise<EventRow[]> {
  return (await q.execute(db)).rows.map((r) => ({ staff_id: id(r.staff_id), unit_id: id(r.unit_id), at: new Date(r.at), ref_type: r.ref_type, ref_id: String(r.ref_id), summary: r.summary }));
}

const LEVEL_ZH = `case g.level when 1 then '非常不满意' else '不满意' end`;

const G = { staff: sql.raw('g.handler_staff_id'), unit: sql.raw('g.unit_id') };

export function badRatings(db: Executor, s: Scan, now: Date) {
  void now;
  return list(db, sql<EventRow>`
    select g.handler_staff_id as staff_id, g.unit_id, g.rated_at as at, 'rating' as ref_type, g.id::text as ref_id,
      '差评（' || ${sql.raw(LEVEL_ZH)} || '），评价编号 ' || g.id as summary
    from ratings g
    where g.level <= 2 and not g.excluded and g.rated_at >= ${s.period.from} and g.rated_at < ${s.period.to} ${only(s, G)}`);
}

const K = { staff: sql.raw('g.handler_staff_id'), unit: sql.raw('k.unit_id') };

/** A rectification whose deadline fell in the period (and has passed) without it being closed by then. */
export function overdueRectifications(db: Executor, s: Scan, now: Date) {
  return list(db, sql<EventRow>`
    select g.handler_staff_id as staff_id, k.unit_id, k.due_at as at, 'rectification' as ref_type, k.id::text as ref_id,
      '差评整改逾期：整改编号 ' || k.id || '，期限 ' || to_char(shanghai_date(k.due_at), 'YYYY-MM-DD') as summary
    from rectifications k join ratings g on g.id = k.rating_id
    where not g.excluded and k.due_at >= ${s.period.from} and k.due_at < ${s.period.to} and k.due_at < ${now}
      and (k.closed_at is null or k.closed_at > k.due_at) ${only(s, K)}`);
}

/** Each finding of false rectification (虚假整改) by an inspector: the mark-false event. */
export function falseRectifications(db: Executor, s: Scan, now: Date) {
  void now;
  return list(db, sql<EventRow>`
    select g.handler_staff_id as staff_id, k.unit_id, e.at, 'rectification.event' as ref_type, e.id::text as ref_id,
      '虚假整改：整改编号 ' || k.id as summary
    from rectification_events e join rectifications k on k.id = e.rectification_id join ratings g on g.id = k.rating_id
    where e.action = 'mark-false' and e.at >= ${s.period.from} and e.at < ${s.period.to} ${only(s, K)}`);
}

const SEVERITY_ZH: Record<string, string> = { minor: '一般', major: '较重', severe: '严重' };

export function auditFindings(severity: 'minor' | 'major' | 'severe') {
  return (db: Executor, s: Scan, now: Date) => {
    void now;
    return list(db, sql<EventRow>`
      select a.staff_id, a.unit_id, ${dayStart(sql.raw('a.found_on'))} as at, 'audit_finding' as ref_type, a.id::text as ref_id,
        ${`审计发现问题（${SEVERITY_ZH[severity]}）：`}::text || left(a.summary, 200) as summary
      from audit_findings a
      where a.severity = ${severity} and a.found_on >= ${beijingDay(s.period.from)}::date and a.found_on < ${beijingDay(s.period.to)}::date
        ${only(s, { staff: sql.raw('a.staff_id'), unit: sql.raw('a.unit_id') })}`);
  };
}

/** A 12345 ticket received in the period and not answered within 24 hours (once those have passed). Units only. */
export function overdueHotline(db: Executor, s: Scan, now: Date) {
  return list(db, sql<EventRow>`
    select null::int as staff_id, h.unit_id, h.received_at + interval '24 hours' as at, 'hotline_ticket' as ref_type, h.id::text as ref_id,
      '12345工单超24小时未响应：工单编号 ' || h.id as summary
    from hotline_tickets h
    where h.received_at >= ${s.period.from} and h.received_at < ${s.period.to} and h.received_at + interval '24 hours' < ${now}
      and (h.responded_at is null or h.responded_at > h.received_at + interval '24 hours') ${only(s, { unit: sql.raw('h.unit_id') })}`);
}

/** A proposal due in the period and answered after its due date, or not at all once it has passed. Units only. */
export function overdueProposals(db: Executor, s: Scan, now: Date) {
  return list(db, sql<EventRow>`
    select null::int as staff_id, p.unit_id, ${dayStart(sql.raw('p.due_on + 1'))} as at, 'proposal' as ref_type, p.id::text as ref_id,
      case p.kind when 'npc' then '人大建议' else '政协提案' end || '逾期办复：编号 ' || p.id || '，期限 ' || to_char(p.due_on, 'YYYY-MM-DD') as summary
    from proposals p
    where p.due_on >= ${beijingDay(s.period.from)}::date and p.due_on < ${beijingDay(s.period.to)}::date
      and p.due_on < shanghai_date(${now}::timestamptz) and (p.answered_on is null or p.answered_on > p.due_on)
      ${only(s, { unit: sql.raw('p.unit_id') })}`);
}

/** Training a person completed; a unit's are those of its staff (the person's unit, read from the registry). */
export function completedTraining(db: Executor, s: Scan, now: Date) {
  void now;
  const units = s.kinds.includes('unit') || s.only?.kind === 'unit';
  return list(db, sql<EventRow>`
    select r.staff_id, ${units ? sql`p.unit_id` : sql`null::int`} as unit_id, ${dayStart(sql.raw('r.completed_on'))} as at, 'training_record' as ref_type, r.id::text as ref_id,
      '完成培训《' || left(r.course, 100) || '》' || trim(trailing '.' from trim(trailing '0' from r.hours::text)) || '学时' as summary
    from training_records r ${units ? sql`join staff p on p.id = r.staff_id` : sql``}
    where r.completed_on >= ${beijingDay(s.period.from)}::date and r.completed_on < ${beijingDay(s.period.to)}::date
      ${only(s, { staff: sql.raw('r.staff_id'), unit: sql.raw('p.unit_id') })}`);
}

/** Who a case is against: the person named, and the unit named (else the accountable handling unit). */
const C = { staff: sql.raw('c.subject_staff_id'), unit: sql.raw('coalesce(c.subject_unit_id, c.unit_id)') };

/** A complaint whose first-response deadline (24 hours by default) fell in the period and has passed unanswered. */
export function lateComplaintResponses(db: Executor, s: Scan, now: Date) {
  return list(db, sql<EventRow>`
    select ${C.staff} as staff_id, ${C.unit} as unit_id, c.first_response_due as at, 'case' as ref_type, c.id::text as ref_id,
      '群众投诉未及时回应：案件编号 ' || c.id || '，应于 ' || to_char(c.first_response_due at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 前首次响应' as summary
    from cases c
    where c.first_response_due >= ${s.period.from} and c.first_response_due < ${s.period.to} and c.first_response_due < ${now}
      and (c.first_responded_at is null or c.first_responded_at > c.first_response_due)
      and c.merged_into_id is null ${only(s, C)}`);
}

/** A complaint found true (属实) or partly true (部分属实) in the period. */
export function substantiatedComplaints(db: Executor, s: Scan, now: Date) {
  void now;
  return list(db, sql<EventRow>`
    select ${C.staff} as staff_id, ${C.unit} as unit_id, c.resolved_at as at, 'case' as ref_type, c.id::text as ref_id,
      '群众投诉经核查' || case c.finding when 'substantiated' then '属实' else '部分属实' end || '：案件编号 ' || c.id as summary
    from cases c
    where c.finding in ('substantiated', 'partly') and c.resolved_at >= ${s.period.from} and c.resolved_at < ${s.period.to}
      and c.status <> 'rejected' ${only(s, C)}`);
}

export const EVENT_QUERIES: Record<string, (db: Executor, s: Scan, now: Date) => Promise<EventRow[]>> = {
  bad_rating: badRatings,
  rectification_overdue: overdueRectifications,
  false_rectification: falseRectifications,
  audit_finding_minor: auditFindings('minor'),
  audit_finding_major: auditFindings('major'),
  audit_finding_severe: auditFindings('severe'),
  hotline_overdue: overdueHotline,
  proposal_overdue: overdueProposals,
  training_completed: completedTraining,
  complaint_late_response: lateComplaintResponses,
  complaint_substantiated: substantiatedComplaints,
};
