// Shapes of the cases API (投诉举报) for the console, and the fields each workflow step asks for.
import type { MessageKey } from '../shared/i18n/index.tsx';

export interface CaseItem {
  id: number;
  channel: string;
  status: string;
  statusName: string;
  text: string;
  category: { code: string; nameZh: string; nameEn: string; confidence: number | null; source: string; classifierCategory: string | null; setBy: string | null; setAt: string | null };
  unit: { code: string; name: string };
  transfer: { unitCode: string; unitName: string | null; reason: string | null } | null;
  subject: { unitCode: string | null; unitName: string | null; staffCode: string | null; staffName: string | null };
  assignee: string | null;
  location: { lat: number | null; long: number | null; address: string | null };
  realName: boolean;
  reporter: { name: string; phone: string | null; email: string | null; masked: boolean } | null;
  rejectReason: string | null;
  finding: string | null;
  measures: string | null;
  mergedIntoId: number | null;
  submittedAt: string;
  firstResponseDue: string;
  firstRespondedAt: string | null;
  dueAt: string | null;
  deadline: string | null;
  overdue: boolean;
  resolvedAt: string | null;
  closedAt: string | null;
  reopenCount: number;
  escalatedAt: string | null;
  version: number;
  updatedAt: string;
  allowedActions: string[];
}

export interface CaseDetail extends CaseItem {
  events: { id: number; action: string; fromStatus: string | null; toStatus: string; unit: string | null; actor: string | null; actorRole: string | null; detail: Record<string, unknown>; at: string }[];
  messages: { id: number; from: 'reporter' | 'handler'; unit: string | null; body: string; at: string }[];
  media: { id: number; kind: string; mime: string; bytes: number | null; width: number | null; height: number | null; url: string | null }[];
}

export const OPEN_STATUSES = ['submitted', 'accepted', 'assigned', 'investigating', 'extended'];
export const CASE_STATUSES = ['submitted', 'accepted', 'rejected', 'assigned', 'investigating', 'extended', 'resolved', 'closed', 'merged'];
export const CASE_CHANNELS = ['web', 'open311', 'letter', 'hotline', 'visit'];
/** Conduct categories (作风问题类别), in the server's order. */
export const CASE_CATEGORIES = ['indifference', 'buck_passing', 'extortion', 'inaction', 'selective_enforcement', 'data_fraud', 'formalism', 'other'];

/** Which clock runs now: the first response (until accepted, rejected or answered), else 办结. */
export function runningClock(c: Pick<CaseItem, 'deadline' | 'firstRespondedAt' | 'status'>): 'firstResponse' | 'resolve' | null {
  if (!c.deadline) return null;
  return c.firstRespondedAt === null && c.status === 'submitted' ? 'firstResponse' : 'resolve';
}

export type Field =
  | { name: string; kind: 'choice'; label: MessageKey; options: { value: string; label: MessageKey }[]; required: boolean }
  | { name: string; kind: 'text' | 'line' | 'datetime' | 'unit'; label: MessageKey; required: boolean | ((v: Record<string, string>) => boolean) };

const reason = (required = true): Field => ({ name: 'reason', kind: 'text', label: 'cases.form.reason', required });

/** The form of each action; the server checks the same rules and its field errors land on these fields. */
export const CASE_ACTION_FIELDS: Record<string, Field[]> = {
  accept: [],
  reject: [reason()],
  assign: [{ name: 'assignee', kind: 'line', label: 'cases.form.assignee', required: true }],
  investigate: [],
  extend: [reason(), { name: 'newDeadline', kind: 'datetime', label: 'cases.form.newDeadline', required: true }],
  resolve: [
    { name: 'finding', kind: 'choice', label: 'cases.field.finding', required: true, options: [
      { value: 'substantiated', label: 'cases.finding.substantiated' },
      { value: 'partly', label: 'cases.finding.partly' },
      { value: 'unsubstantiated', label: 'cases.finding.unsubstantiated' },
    ] },
    { name: 'measures', kind: 'text', label: 'cases.field.measures', required: (v) => v.finding !== 'unsubstantiated' },
  ],
  close: [],
  transfer: [{ name: 'unitCode', kind: 'unit', label: 'cases.form.transferTo', required: true }, reason()],
  'accept-transfer': [],
  'decline-transfer': [reason()],
  revisit: [
    { name: 'outcome', kind: 'choice', label: 'cases.form.outcome', required: true, options: [
      { value: 'satisfied', label: 'cases.outcome.satisfied' },
      { value: 'basically_satisfied', label: 'cases.outcome.basically_satisfied' },
      { value: 'dissatisfied', label: 'cases.outcome.dissatisfied' },
      { value: 'unreachable', label: 'cases.outcome.unreachable' },
    ] },
    { name: 'note', kind: 'text', label: 'cases.form.note', required: false },
  ],
};

/** `2026-11-30T18:00` typed in a datetime-local field, read as Beijing time → ISO with +08:00. */
export const beijingIso = (local: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local);
