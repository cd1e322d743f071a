// How a case is shown: to handlers (internal view; reporter identity masked unless an inspector reveals
// it with a reason) and to the reporter by receipt code (public view: units, never staff).
import type { FieldCipher } from '../../lib/crypto.ts';
import { maskPhone } from '../../lib/identity.ts';
import { maskName } from '../ratings/rectification-service.ts';
import { allowedActions, type CaseState, type Side } from './machine.ts';
import type * as repo from './repo.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const STATUS_NAMES: Record<string, string> = {
  submitted: '已提交', accepted: '已受理', rejected: '不予受理', assigned: '已交办', investigating: '调查核实中', extended: '已延期',
  resolved: '已办结', closed: '已结案', merged: '已合并',
};
export const FINDING_NAMES: Record<string, string> = { substantiated: '属实', partly: '部分属实', unsubstantiated: '不属实' };

export function stateOf(row: Pick<repo.CaseRow, 'status' | 'transfer_to_unit_id' | 'due_at' | 'resolved_at' | 'closed_at' | 'updated_at'> & { decided_at?: Date | null }): CaseState {
  return {
    status: row.status,
    transferPending: row.transfer_to_unit_id !== null,
    dueAt: row.due_at,
    decidedAt: row.status === 'closed' ? row.resolved_at ?? row.closed_at : row.status === 'resolved' ? row.resolved_at : row.status === 'rejected' ? row.updated_at : null,
  };
}

export function handlerView(cipher: FieldCipher, row: repo.CaseRow, sides: Side[], now: Date, reveal = false) {
  let reporter = null;
  if (row.real_name && row.reporter_name_enc) {
    const name = cipher.decrypt(row.reporter_name_enc);
    const phone = row.reporter_phone_enc ? cipher.decrypt(row.reporter_phone_enc) : null;
    const email = row.reporter_email_enc ? cipher.decrypt(row.reporter_email_enc) : null;
    reporter = reveal
      ? { name, phone, email, masked: false }
      : { name: maskName(name), phone: phone ? maskPhone(phone) : null, email: email ? email.replace(/^(.).*@/, '$1***@') : null, masked: true };
  }
  const state = stateOf(row);
  return {
    id: Number(row.id),
    channel: row.channel,
    status: row.status,
    statusName: STATUS_NAMES[row.status] ?? row.status,
    text: row.text,
    category: {
      code: row.category, nameZh: row.category_name_zh, nameEn: row.category_name_en, confidence: row.category_confidence, source: row.category_source,
      classifierCategory: row.classifier_category, setBy: row.category_set_by_name, setAt: iso(row.category_set_at),
    },
    unit: { code: row.unit_code, name: row.unit_name },
    transfer: row.transfer_unit_code ? { unitCode: row.transfer_unit_code, unitName: row.transfer_unit_name, reason: row.transfer_reason } : null,
    subject: { unitCode: row.subject_unit_code, unitName: row.subject_unit_name, staffCode: row.subject_staff_code, staffName: row.subject_staff_name },
    assignee: row.assignee,
    location: { lat: row.lat, long: row.long, address: row.address },
    realName: row.real_name,
    reporter,
    rejectReason: row.reject_reason,
    finding: row.finding,
    measures: row.measures,
    mergedIntoId: row.merged_into_id === null ? null : Number(row.merged_into_id),
    submittedAt: row.submitted_at.toISOString(),
    firstResponseDue: row.first_response_due.toISOString(),
    firstRespondedAt: iso(row.first_responded_at),
    dueAt: iso(row.due_at),
    deadline: iso(row.deadline),
    overdue: row.deadline !== null && row.deadline < now,
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    reopenCount: row.reopen_count,
    escalatedAt: iso(row.escalated_at),
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    allowedActions: [...new Set(sides.flatMap((s) => allowedActions(state, s)))],
  };
}
export type HandlerView = ReturnType<typeof handlerView>;

type EventRow = Awaited<ReturnType<typeof repo.eventsOf>>[number];
type MessageRow = Awaited<ReturnType<typeof repo.messagesOf>>[number];

/** Details the public may see of an event: reasons and outcomes, not who inside the unit did it. */
const PUBLIC_DETAIL = ['reason', 'finding', 'measures', 'from', 'to', 'channel'];
const INTERNAL_ACTIONS = new Set(['revisit', 'recategorise', 'reveal']);

export function publicView(row: repo.CaseRow, events: EventRow[], messages: MessageRow[], mediaCount: number, reopenUntil: Date | null, now: Date) {
  return {
    status: row.status,
    statusName: STATUS_NAMES[row.status] ?? row.status,
    category: { code: row.category, nameZh: row.category_name_zh, nameEn: row.category_name_en },
    unit: { code: row.unit_code, name: row.unit_name },
    submittedAt: row.submitted_at.toISOString(),
    firstResponseDue: row.first_response_due.toISOString(),
    dueAt: iso(row.due_at),
    finding: row.finding,
    findingName: row.finding ? FINDING_NAMES[row.finding] : null,
    measures: row.measures,
    rejectReason: row.reject_reason,
    media: mediaCount,
    canReopenUntil: reopenUntil && reopenUntil > now ? reopenUntil.toISOString() : null,
    timeline: events.filter((e) => !INTERNAL_ACTIONS.has(e.action)).map((e) => ({
      action: e.action,
      status: e.to_status,
      statusName: STATUS_NAMES[e.to_status] ?? e.to_status,
      unit: e.unit_name,
      detail: Object.fromEntries(Object.entries(e.detail ?? {}).filter(([k]) => PUBLIC_DETAIL.includes(k))),
      at: e.at.toISOString(),
    })),
    messages: messages.map((m) => ({ id: Number(m.id), from: m.author, unit: m.author === 'handler' ? m.unit_name : null, body: m.body, at: m.at.toISOString() })),
  };
}

export function eventView(e: EventRow) {
  return { id: Number(e.id), action: e.action, fromStatus: e.from_status, toStatus: e.to_status, unit: e.unit_name, actor: e.actor, actorRole: e.actor_role, detail: e.detail, at: e.at.toISOString() };
}
