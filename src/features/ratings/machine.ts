// The rectification state machine (差评整改), pure: which action may happen in which state, who does
// it, which fields it needs, and what it changes. The service loads the row, asks this module, and
// writes the result with the stage deadline computed on the working-day calendar.
//
//   verifying ──verify founded──▶ rectifying ──rectify──▶ revisiting ──revisit 满意/基本满意──▶ closed (resolved)
//       │                             ▲    │ (anonymous rating: no revisit) ─────────────────▶ closed (resolved)
//       │                             │    └───────────◀── revisit 不满意 ◀── revisiting
//       └──verify unfounded──▶ closed (unfounded)
//   verifying | rectifying ──appeal (unit, once)──▶ appealing ──upheld (inspector)──▶ closed (appeal_upheld)
//                                                        └──rejected (inspector)──▶ back where it was
//   revisiting | closed (resolved/unfounded) ──mark-false (inspector, 虚假整改)──▶ rectifying
import type { FieldError } from '../../lib/errors.ts';
import type {
  AppealDecision, AppealKind, Finding, RectificationOutcome, RectificationStatus, RevisitOutcome,
} from './tables.ts';

export const ACTION_NAMES = ['verify', 'rectify', 'revisit', 'appeal', 'decide-appeal', 'mark-false'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];
/** unit: the owning unit's head (首接负责); inspector: 纪检监察. */
export type Actor = 'unit' | 'inspector';
export type Stage = Exclude<RectificationStatus, 'closed'>;

export const ACTIONS: Record<ActionName, { actor: Actor; from: readonly RectificationStatus[] }> = {
  verify: { actor: 'unit', from: ['verifying'] },
  rectify: { actor: 'unit', from: ['rectifying'] },
  revisit: { actor: 'unit', from: ['revisiting'] },
  appeal: { actor: 'unit', from: ['verifying', 'rectifying'] },
  'decide-appeal': { actor: 'inspector', from: ['appealing'] },
  'mark-false': { actor: 'inspector', from: ['revisiting', 'closed'] },
};

export const LIMITS = { reason: 1000, evidence: 4000, note: 1000, attachments: 10, attachment: 200 } as const;

export interface MachineState {
  status: RectificationStatus;
  resumeStatus: 'verifying' | 'rectifying' | null;
  outcome: RectificationOutcome | null;
  revisitRequired: boolean;
  /** An appeal was filed already (one per rectification). */
  appealed: boolean;
}

export interface ActionInput {
  finding?: string;
  reason?: string;
  evidence?: string;
  attachments?: string[];
  outcome?: string;
  note?: string;
  kind?: string;
  decision?: string;
}

export interface RectificationPatch {
  status: RectificationStatus;
  resume_status?: 'verifying' | 'rectifying' | null;
  outcome?: RectificationOutcome | null;
  finding?: Finding;
  finding_reason?: string | null;
  evidence?: string;
  attachments?: string[];
  revisit_outcome?: RevisitOutcome;
  revisit_note?: string | null;
  appeal_kind?: AppealKind;
  appeal_reason?: string;
  appeal_decision?: AppealDecision;
  appeal_decision_reason?: string;
  false_rectification?: boolean;
  false_reason?: string;
  verified_at?: Date;
  rectified_at?: Date;
  revisited_at?: Date;
  closed_at?: Date | null;
}

export interface Effect {
  patch: RectificationPatch;
  /** The stage entered (its deadline is set from now), or null when the rectification closes. */
  stage: Stage | null;
  /** Recompute the overall deadline from now (an appeal that was rejected gives the time back). */
  recomputeDue: boolean;
  incrementRevisits: boolean;
  /** The rating is excluded from metrics (appeal upheld). */
  excludeRating: boolean;
  /** What the event records about this step (no personal data). */
  detail: Record<string, unknown>;
}

export type TransitionResult =
  | { ok: true; effect: Effect }
  | { ok: false; kind: 'fields'; errors: FieldError[] }
  | { ok: false; kind: 'state'; message: string };

const STATUS_NAMES: Record<RectificationStatus, string> = {
  verifying: 'verifying (核实)', rectifying: 'rectifying (整改)', revisiting: 'revisiting (回访)', appealing: 'appealing (申诉复核)', closed: 'closed',
};

/** Field checks: each returns an error for its field or nothing. */
function text(errors: FieldError[], input: ActionInput, field: 'reason' | 'evidence' | 'note', required: boolean, max: number): string | undefined {
  const v = input[field];
  const trimmed = typeof v === 'string' ? v.trim() : undefined;
  if (!trimmed) {
    if (required) errors.push({ path: `/body/${field}`, message: 'is required for this action' });
    return undefined;
  }
  if ([...trimmed].length > max) errors.push({ path: `/body/${field}`, message: `must be at most ${max} characters` });
  return trimmed;
}

function oneOf<T extends string>(errors: FieldError[], input: ActionInput, field: 'finding' | 'outcome' | 'kind' | 'decision', allowed: readonly T[]): T | undefined {
  const v = input[field];
  if (v === undefined || v === '') {
    errors.push({ path: `/body/${field}`, message: `is required for this action (one of ${allowed.join(', ')})` });
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(v)) {
    errors.push({ path: `/body/${field}`, message: `must be one of ${allowed.join(', ')}` });
    return undefined;
  }
  return v as T;
}

/** Fields an action does not take are refused rather than silently ignored. */
const FIELDS: Record<ActionName, readonly (keyof ActionInput)[]> = {
  verify: ['finding', 'reason'],
  rectify: ['evidence', 'attachments'],
  revisit: ['outcome', 'note'],
  appeal: ['kind', 'reason'],
  'decide-appeal': ['decision', 'reason'],
  'mark-false': ['reason'],
};

function unexpected(errors: FieldError[], action: ActionName, input: ActionInput) {
  for (const key of Object.keys(input) as (keyof ActionInput)[]) {
    if (input[key] !== undefined && !FIELDS[action].includes(key)) {
      errors.push({ path: `/body/${key}`, message: `is not a field of ${action} (fields: ${FIELDS[action].join(', ')})` });
    }
  }
}

/**
 * Decides one action. Field errors come before state errors, so a client learns everything it must
 * fix in the body even when it also raced another user. The caller checks who may act (ACTIONS.actor).
 */
export function transition(state: MachineState, action: ActionName, input: ActionInput, now: Date): TransitionResult {
  const errors: FieldError[] = [];
  unexpected(errors, action, input);
  let effect: Effect | undefined;
  const base = { recomputeDue: false, incrementRevisits: false, excludeRating: false };

  switch (action) {
    case 'verify': {
      const finding = oneOf(errors, input, 'finding', ['founded', 'unfounded'] as const);
      const reason = text(errors, input, 'reason', finding === 'unfounded', LIMITS.reason);
      if (finding === 'founded') {
        effect = { ...base, stage: 'rectifying', patch: { status: 'rectifying', finding, finding_reason: reason ?? null, verified_at: now }, detail: { finding, reason: reason ?? null } };
      } else if (finding === 'unfounded') {
        effect = { ...base, stage: null, patch: { status: 'closed', outcome: 'unfounded', finding, finding_reason: reason ?? null, verified_at: now, closed_at: now }, detail: { finding, reason: reason ?? null } };
      }
      break;
    }
    case 'rectify': {
      const evidence = text(errors, input, 'evidence', true, LIMITS.evidence);
      const attachments = input.attachments ?? [];
      if (attachments.length > LIMITS.attachments) errors.push({ path: '/body/attachments', message: `must have at most ${LIMITS.attachments} items` });
      attachments.forEach((a, i) => {
        if (typeof a !== 'string' || !a.trim() || a.length > LIMITS.attachment) errors.push({ path: `/body/attachments/${i}`, message: `must be a reference of 1 to ${LIMITS.attachment} characters` });
      });
      if (evidence) {
        const patch: RectificationPatch = state.revisitRequired
          ? { status: 'revisiting', evidence, attachments, rectified_at: now }
          : { status: 'closed', outcome: 'resolved', evidence, attachments, rectified_at: now, closed_at: now };
        effect = { ...base, stage: state.revisitRequired ? 'revisiting' : null, patch, detail: { evidence, attachments } };
      }
      break;
    }
    case 'revisit': {
      const outcome = oneOf(errors, input, 'outcome', ['satisfied', 'basically_satisfied', 'dissatisfied'] as const);
      const note = text(errors, input, 'note', false, LIMITS.note);
      if (outcome === 'dissatisfied') {
        effect = { ...base, incrementRevisits: true, stage: 'rectifying', patch: { status: 'rectifying', revisit_outcome: outcome, revisit_note: note ?? null, revisited_at: now }, detail: { outcome, note: note ?? null } };
      } else if (outcome) {
        effect = { ...base, incrementRevisits: true, stage: null, patch: { status: 'closed', outcome: 'resolved', revisit_outcome: outcome, revisit_note: note ?? null, revisited_at: now, closed_at: now }, detail: { outcome, note: note ?? null } };
      }
      break;
    }
    case 'appeal': {
      const kind = oneOf(errors, input, 'kind', ['mistaken', 'malicious'] as const);
      const reason = text(errors, input, 'reason', true, LIMITS.reason);
      if (kind && reason && (state.status === 'verifying' || state.status === 'rectifying')) {
        effect = { ...base, stage: 'appealing', patch: { status: 'appealing', resume_status: state.status, appeal_kind: kind, appeal_reason: reason }, detail: { kind, reason } };
      }
      break;
    }
    case 'decide-appeal': {
      const decision = oneOf(errors, input, 'decision', ['upheld', 'rejected'] as const);
      const reason = text(errors, input, 'reason', true, LIMITS.reason);
      if (decision === 'upheld' && reason) {
        effect = { ...base, excludeRating: true, stage: null, patch: { status: 'closed', outcome: 'appeal_upheld', resume_status: null, appeal_decision: decision, appeal_decision_reason: reason, closed_at: now }, detail: { decision, reason } };
      } else if (decision === 'rejected' && reason) {
        const back = state.resumeStatus ?? 'verifying';
        effect = { ...base, recomputeDue: true, stage: back, patch: { status: back, resume_status: null, appeal_decision: decision, appeal_decision_reason: reason }, detail: { decision, reason } };
      }
      break;
    }
    case 'mark-false': {
      const reason = text(errors, input, 'reason', true, LIMITS.reason);
      if (reason) {
        effect = {
          ...base, stage: 'rectifying',
          patch: { status: 'rectifying', outcome: null, closed_at: null, finding: 'founded', false_rectification: true, false_reason: reason },
          detail: { reason },
        };
      }
      break;
    }
  }

  if (errors.length) return { ok: false, kind: 'fields', errors };
  const allowedFrom = ACTIONS[action].from;
  if (!allowedFrom.includes(state.status)) {
    return { ok: false, kind: 'state', message: `Cannot ${action} a rectification that is ${STATUS_NAMES[state.status]}; ${action} is possible only while ${allowedFrom.map((s) => STATUS_NAMES[s]).join(' or ')}` };
  }
  if (action === 'appeal' && state.appealed) return { ok: false, kind: 'state', message: 'This rectification was appealed already; an appeal can be filed once' };
  if (action === 'mark-false' && state.status === 'closed' && state.outcome === 'appeal_upheld') {
    return { ok: false, kind: 'state', message: 'The rating was set aside on appeal; there is no rectification to find false' };
  }
  return { ok: true, effect: effect! };
}

/** The actions the given kinds of actor could take now (for the UI; the service re-checks). */
export function allowedActions(state: MachineState, actors: readonly Actor[]): ActionName[] {
  return ACTION_NAMES.filter((a) => {
    const spec = ACTIONS[a];
    if (!actors.includes(spec.actor) || !spec.from.includes(state.status)) return false;
    if (a === 'appeal' && state.appealed) return false;
    if (a === 'mark-false' && state.status === 'closed' && state.outcome === 'appeal_upheld') return false;
    return true;
  });
}

// ---- deadlines -----------------------------------------------------------------------------------

export interface DeadlineRules {
  verifyDays: number;
  rectifyDays: number;
  revisitDays: number;
  appealDays: number;
}

/** Documented defaults (docs/ratings.md), also the seed rows of rectification_deadlines. */
export const DEFAULT_DEADLINES: DeadlineRules = { verifyDays: 1, rectifyDays: 5, revisitDays: 3, appealDays: 5 };

/** Working days allowed for one stage, counted from the moment the stage is entered. */
export function stageDays(rules: DeadlineRules, stage: Stage): number {
  switch (stage) {
    case 'verifying': return rules.verifyDays;
    case 'rectifying': return rules.rectifyDays;
    case 'revisiting': return rules.revisitDays;
    case 'appealing': return rules.appealDays;
  }
}

/**
 * Working days from entering `stage` to the end of the whole rectification: the overall deadline
 * (due) is this many working days after the 差评 for a new rectification (from 'verifying'), and
 * after the decision when a rejected appeal hands the case back.
 */
export function remainingDays(rules: DeadlineRules, stage: 'verifying' | 'rectifying', revisitRequired: boolean): number {
  const revisit = revisitRequired ? rules.revisitDays : 0;
  return stage === 'verifying' ? rules.verifyDays + rules.rectifyDays + revisit : rules.rectifyDays + revisit;
}

/** Overdue: open, and now is past the current stage's deadline. */
export function isOverdue(status: RectificationStatus, stageDeadline: Date | null, now: Date): boolean {
  return status !== 'closed' && stageDeadline !== null && now.getTime() > stageDeadline.getTime();
}
