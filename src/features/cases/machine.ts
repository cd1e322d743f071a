// The case workflow (投诉举报办理), pure: which action may happen in which state, who takes it, which
// fields it needs, and what it changes. The service loads the case, asks this module, and writes the
// result with its event, computing deadlines on the working-day calendar.
//
//   submitted ──accept──▶ accepted ──assign──▶ assigned ──investigate──▶ investigating ──resolve──▶ resolved ──close──▶ closed
//       └──reject(reason)──▶ rejected                                      │   ▲ extend(reason, new deadline)
//                                                                          └─▶ extended ──resolve──▶ resolved
//   rejected | resolved | closed ──reopen (reporter, within N days of the decision)──▶ submitted | investigating
//   submitted | accepted | assigned | investigating | extended:
//     transfer(unit, reason) → a pending transfer: the first unit stays accountable (首接负责) until the
//     other unit takes it (accept-transfer) or declines it (decline-transfer, reason)
//     merge(into) → merged (a duplicate; the surviving case carries on)
import type { FieldError } from '../../lib/errors.ts';
import { FINDINGS, type CaseFinding, type CaseStatus } from './tables.ts';

export const ACTION_NAMES = [
  'accept', 'reject', 'assign', 'investigate', 'extend', 'resolve', 'close', 'transfer', 'accept-transfer', 'decline-transfer', 'revisit',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];
/** Reporter actions go through the receipt code, not a sign-in. */
export type AnyAction = ActionName | 'reopen' | 'merge';

/** owner: the accountable unit's handlers; target: the unit a transfer is waiting on. */
export type Side = 'owner' | 'target';

const OPEN: readonly CaseStatus[] = ['submitted', 'accepted', 'assigned', 'investigating', 'extended'];
export const TERMINAL: readonly CaseStatus[] = ['rejected', 'closed', 'merged'];

export const ACTIONS: Record<AnyAction, { from: readonly CaseStatus[]; side: Side | 'reporter' }> = {
  accept: { from: ['submitted'], side: 'owner' },
  reject: { from: ['submitted'], side: 'owner' },
  assign: { from: ['accepted', 'assigned'], side: 'owner' },
  investigate: { from: ['assigned'], side: 'owner' },
  extend: { from: ['investigating', 'extended'], side: 'owner' },
  resolve: { from: ['investigating', 'extended'], side: 'owner' },
  close: { from: ['resolved'], side: 'owner' },
  transfer: { from: OPEN, side: 'owner' },
  'accept-transfer': { from: OPEN, side: 'target' },
  'decline-transfer': { from: OPEN, side: 'target' },
  revisit: { from: ['resolved', 'closed'], side: 'owner' },
  merge: { from: OPEN, side: 'owner' },
  reopen: { from: ['rejected', 'resolved', 'closed'], side: 'reporter' },
};

export const LIMITS = { reason: 1000, measures: 4000, note: 1000, assignee: 100 } as const;

export interface CaseState {
  status: CaseStatus;
  transferPending: boolean;
  dueAt: Date | null;
  /** When the decision the reporter may contest was taken (rejection or resolution). */
  decidedAt: Date | null;
}

export interface ActionInput {
  reason?: string;
  assignee?: string;
  finding?: string;
  measures?: string;
  newDeadline?: string;
  unitCode?: string;
  outcome?: string;
  note?: string;
}

export type ClockChange = 'start-resolve' | 'set-due' | 'restart-first-response' | 'stop' | 'keep';

export interface Effect {
  status: CaseStatus;
  /** Columns to set besides status (the service adds times, versions and deadlines). */
  patch: Record<string, unknown>;
  clock: ClockChange;
  /** Stops the first-response clock (the case got its first answer). */
  responded: boolean;
  /** Publicly visible in the reporter's timeline. */
  public: boolean;
  detail: Record<string, unknown>;
}

export type Result = { ok: true; effect: Effect } | { ok: false; kind: 'fields' | 'state'; errors: FieldError[]; message: string };

const fieldError = (errors: FieldError[]): Result => ({ ok: false, kind: 'fields', errors, message: errors.map((e) => `${e.path} ${e.message}`).join('; ') });
const stateError = (message: string): Result => ({ ok: false, kind: 'state', errors: [], message });

function text(body: ActionInput, key: keyof ActionInput, max: number, errors: FieldError[], required = true): string | undefined {
  const v = body[key]?.trim();
  if (!v) {
    if (required) errors.push({ path: `/body/${key}`, message: 'is required' });
    return undefined;
  }
  if ([...v].length > max) errors.push({ path: `/body/${key}`, message: `must be at most ${max} characters` });
  return v;
}

/** May `action` be taken from this state? (Fields are checked by transition.) */
export function allowed(state: CaseState, action: AnyAction): boolean {
  const a = ACTIONS[action];
  if (!a.from.includes(state.status)) return false;
  if (action === 'transfer') return !state.transferPending;
  if (action === 'accept-transfer' || action === 'decline-transfer') return state.transferPending;
  return true;
}

/** Actions a handler could take now, on the side they stand. */
export function allowedActions(state: CaseState, side: Side | null): ActionName[] {
  if (!side) return [];
  return ACTION_NAMES.filter((a) => ACTIONS[a].side === side && allowed(state, a));
}

export interface ReopenRule {
  reopenDays: number;
}

/**
 * The next state for an action, or why not. `now` decides the reopen window; a reopened rejection
 * starts again from submitted, a reopened resolution goes back to investigating with a new 办结 clock.
 */
export function transition(state: CaseState, action: AnyAction, body: ActionInput, now: Date, rule: ReopenRule = { reopenDays: 15 }): Result {
  if (!ACTIONS[action].from.includes(state.status)) return stateError(`A case that is ${state.status} does not allow ${action}`);
  if (!allowed(state, action)) {
    return stateError(action === 'transfer' ? 'A transfer is already waiting for the other unit' : 'No transfer is waiting for this unit');
  }
  const errors: FieldError[] = [];
  const ok = (e: Omit<Effect, 'responded' | 'public' | 'clock'> & Partial<Effect>): Result =>
    errors.length ? fieldError(errors) : { ok: true, effect: { responded: false, public: true, clock: 'keep', ...e } };
  switch (action) {
    case 'accept':
      return ok({ status: 'accepted', patch: {}, clock: 'start-resolve', responded: true, detail: {} });
    case 'reject': {
      const reason = text(body, 'reason', LIMITS.reason, errors);
      return ok({ status: 'rejected', patch: { reject_reason: reason }, clock: 'stop', responded: true, detail: { reason } });
    }
    case 'assign': {
      const assignee = text(body, 'assignee', LIMITS.assignee, errors);
      // Who handles it is internal: the public timeline says only that it was assigned.
      return ok({ status: 'assigned', patch: { assignee }, detail: { assignee } });
    }
    case 'investigate':
      return ok({ status: 'investigating', patch: {}, detail: {} });
    case 'extend': {
      const reason = text(body, 'reason', LIMITS.reason, errors);
      const raw = body.newDeadline?.trim();
      let deadline: Date | undefined;
      if (!raw) errors.push({ path: '/body/newDeadline', message: 'is required' });
      else {
        deadline = new Date(raw);
        if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(deadline.getTime())) errors.push({ path: '/body/newDeadline', message: 'must be a date-time with offset' });
        else if (state.dueAt && deadline <= state.dueAt) errors.push({ path: '/body/newDeadline', message: `must be after the current deadline ${state.dueAt.toISOString()}` });
        else if (deadline <= now) errors.push({ path: '/body/newDeadline', message: 'must be in the future' });
      }
      return ok({ status: 'extended', patch: { due_at: deadline }, clock: 'set-due', detail: { reason, from: state.dueAt?.toISOString() ?? null, to: deadline?.toISOString() } });
    }
    case 'resolve': {
      const finding = body.finding;
      if (!finding || !(FINDINGS as readonly string[]).includes(finding)) errors.push({ path: '/body/finding', message: `must be one of ${FINDINGS.join(', ')}` });
      const measures = text(body, 'measures', LIMITS.measures, errors, finding !== 'unsubstantiated');
      return ok({ status: 'resolved', patch: { finding: finding as CaseFinding, measures: measures ?? null }, clock: 'stop', detail: { finding, measures: measures ?? null } });
    }
    case 'close':
      return ok({ status: 'closed', patch: {}, clock: 'stop', detail: {} });
    case 'transfer': {
      const reason = text(body, 'reason', LIMITS.reason, errors);
      if (!body.unitCode?.trim()) errors.push({ path: '/body/unitCode', message: 'is required' });
      return ok({ status: state.status, patch: { transfer_reason: reason }, detail: { reason, unitCode: body.unitCode?.trim() } });
    }
    case 'accept-transfer':
      // The receiving unit takes over; its own acceptance counts as the first response if none came yet.
      return ok({ status: state.status === 'submitted' ? 'accepted' : state.status, patch: { transfer_reason: null }, clock: state.status === 'submitted' ? 'start-resolve' : 'keep', responded: true, detail: {} });
    case 'decline-transfer': {
      const reason = text(body, 'reason', LIMITS.reason, errors);
      return ok({ status: state.status, patch: { transfer_reason: null }, detail: { reason } });
    }
    case 'revisit': {
      const outcome = body.outcome;
      if (!outcome || !['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'].includes(outcome)) {
        errors.push({ path: '/body/outcome', message: 'must be one of satisfied, basically_satisfied, dissatisfied, unreachable' });
      }
      const note = text(body, 'note', LIMITS.note, errors, false);
      return ok({ status: state.status, patch: {}, public: false, detail: { outcome, note: note ?? null } });
    }
    case 'merge':
      return ok({ status: 'merged', patch: {}, clock: 'stop', detail: {} });
    case 'reopen': {
      const reason = text(body, 'reason', LIMITS.reason, errors);
      if (state.decidedAt && now.getTime() - state.decidedAt.getTime() > rule.reopenDays * 86_400_000) {
        return stateError(`The case can be reopened within ${rule.reopenDays} days of its decision; that time has passed`);
      }
      if (state.status === 'rejected') return ok({ status: 'submitted', patch: { reject_reason: null }, clock: 'restart-first-response', detail: { reason } });
      return ok({ status: 'investigating', patch: { finding: null, measures: null }, clock: 'start-resolve', detail: { reason } });
    }
  }
}
