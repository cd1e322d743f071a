// Shapes of the rectification API (差评整改) and the fields each transition asks for.
import type { MessageKey } from '../shared/i18n/index.tsx';

export interface Rectification {
  id: number;
  status: string;
  overdue: boolean;
  stageDeadline: string | null;
  dueAt: string;
  openedAt: string;
  unit: { code: string; name: string; category: string };
  transaction: { code: string; serviceItemCode: string | null; serviceItemName: string | null };
  rating: { id: number; level: number; levelName: string; channel: string; comment: string | null; tags: string[]; ratedAt: string; realName: boolean; excluded: boolean; rater: { name: string; phone: string; masked: boolean } | null };
  finding: string | null;
  findingReason: string | null;
  evidence: string | null;
  attachments: string[];
  revisitRequired: boolean;
  revisitOutcome: string | null;
  revisitNote: string | null;
  appeal: { kind: string; reason: string | null; decision: string | null; decisionReason: string | null } | null;
  falseRectification: boolean;
  falseReason: string | null;
  outcome: string | null;
  version: number;
  allowedActions: string[];
}

export interface RectificationEvent {
  id: number; action: string; fromStatus: string | null; toStatus: string; actor: string | null; actorRole: string | null; detail: Record<string, unknown>; at: string;
}

export type Field =
  | { name: string; kind: 'choice'; label: MessageKey; options: { value: string; label: MessageKey }[]; required: boolean }
  | { name: string; kind: 'text'; label: MessageKey; required: boolean | ((v: Record<string, string>) => boolean) };

/** The form of each action; the server checks the same rules and its field errors land on these fields. */
export const ACTION_FIELDS: Record<string, Field[]> = {
  verify: [
    { name: 'finding', kind: 'choice', label: 'rect.field.finding', required: true, options: [{ value: 'founded', label: 'rect.finding.founded' }, { value: 'unfounded', label: 'rect.finding.unfounded' }] },
    { name: 'reason', kind: 'text', label: 'rect.field.reason', required: (v) => v.finding === 'unfounded' },
  ],
  rectify: [{ name: 'evidence', kind: 'text', label: 'rect.field.evidence', required: true }],
  revisit: [
    { name: 'outcome', kind: 'choice', label: 'rect.field.outcome', required: true, options: [{ value: 'satisfied', label: 'rect.outcome.satisfied' }, { value: 'basically_satisfied', label: 'rect.outcome.basically_satisfied' }, { value: 'dissatisfied', label: 'rect.outcome.dissatisfied' }] },
    { name: 'note', kind: 'text', label: 'rect.field.note', required: false },
  ],
  appeal: [
    { name: 'kind', kind: 'choice', label: 'rect.field.appealKind', required: true, options: [{ value: 'mistaken', label: 'rect.appeal.mistaken' }, { value: 'malicious', label: 'rect.appeal.malicious' }] },
    { name: 'reason', kind: 'text', label: 'rect.field.reason', required: true },
  ],
  'decide-appeal': [
    { name: 'decision', kind: 'choice', label: 'rect.field.decision', required: true, options: [{ value: 'upheld', label: 'rect.decision.upheld' }, { value: 'rejected', label: 'rect.decision.rejected' }] },
    { name: 'reason', kind: 'text', label: 'rect.field.reason', required: false },
  ],
  'mark-false': [{ name: 'reason', kind: 'text', label: 'rect.field.reason', required: true }],
};
