import { describe, expect, it } from 'vitest';
import { allowedActions, DEFAULT_DEADLINES, isOverdue, remainingDays, stageDays, transition, type MachineState } from './machine.ts';

const now = new Date('2025-09-26T02:00:00Z');
const state = (s: Partial<MachineState> = {}): MachineState => ({ status: 'verifying', resumeStatus: null, outcome: null, revisitRequired: false, appealed: false, ...s });
const ok = (r: ReturnType<typeof transition>) => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.effect;
};

describe('rectification state machine', () => {
  it('verify: founded → rectifying; unfounded (with reason) → closed', () => {
    expect(ok(transition(state(), 'verify', { finding: 'founded' }, now))).toMatchObject({ stage: 'rectifying', patch: { status: 'rectifying', finding: 'founded', verified_at: now } });
    expect(ok(transition(state(), 'verify', { finding: 'unfounded', reason: '监控显示按规定办理' }, now))).toMatchObject({
      stage: null, patch: { status: 'closed', outcome: 'unfounded', finding_reason: '监控显示按规定办理', closed_at: now },
    });
    expect(transition(state(), 'verify', { finding: 'unfounded' }, now)).toEqual({ ok: false, kind: 'fields', errors: [{ path: '/body/reason', message: 'is required for this action' }] });
    expect(transition(state(), 'verify', { finding: 'maybe' }, now)).toMatchObject({ ok: false, kind: 'fields', errors: [{ path: '/body/finding' }] });
    expect(transition(state(), 'verify', {}, now)).toMatchObject({ ok: false, kind: 'fields', errors: [{ path: '/body/finding' }] });
  });

  it('rectify: needs evidence; goes to revisiting for a real-name rating, else closes', () => {
    const r = state({ status: 'rectifying' });
    expect(ok(transition(r, 'rectify', { evidence: '已约谈窗口人员并优化流程', attachments: ['file:1'] }, now))).toMatchObject({ stage: null, patch: { status: 'closed', outcome: 'resolved', rectified_at: now } });
    expect(ok(transition({ ...r, revisitRequired: true }, 'rectify', { evidence: '已整改' }, now))).toMatchObject({ stage: 'revisiting', patch: { status: 'revisiting' } });
    expect(transition(r, 'rectify', { evidence: '   ' }, now)).toMatchObject({ ok: false, kind: 'fields', errors: [{ path: '/body/evidence' }] });
    const tooMany = transition(r, 'rectify', { evidence: 'x', attachments: Array.from({ length: 11 }, () => 'a') }, now);
    expect(tooMany).toMatchObject({ ok: false, errors: [{ path: '/body/attachments' }] });
  });

  it('revisit: 满意/基本满意 close it, 不满意 sends it back to rectifying', () => {
    const r = state({ status: 'revisiting', revisitRequired: true });
    expect(ok(transition(r, 'revisit', { outcome: 'satisfied' }, now))).toMatchObject({ stage: null, incrementRevisits: true, patch: { status: 'closed', outcome: 'resolved' } });
    expect(ok(transition(r, 'revisit', { outcome: 'basically_satisfied' }, now)).patch.status).toBe('closed');
    expect(ok(transition(r, 'revisit', { outcome: 'dissatisfied', note: '群众仍不满意' }, now))).toMatchObject({ stage: 'rectifying', patch: { status: 'rectifying', revisit_outcome: 'dissatisfied' } });
  });

  it('appeal: once, from verifying or rectifying; the decision closes it or hands it back', () => {
    const appeal = ok(transition(state({ status: 'rectifying' }), 'appeal', { kind: 'malicious', reason: '同一号码一日内差评12次' }, now));
    expect(appeal).toMatchObject({ stage: 'appealing', patch: { status: 'appealing', resume_status: 'rectifying', appeal_kind: 'malicious' } });
    expect(transition(state({ appealed: true }), 'appeal', { kind: 'mistaken', reason: 'x' }, now)).toMatchObject({ ok: false, kind: 'state' });
    expect(transition(state({ status: 'revisiting' }), 'appeal', { kind: 'mistaken', reason: 'x' }, now)).toMatchObject({ ok: false, kind: 'state' });

    const appealing = state({ status: 'appealing', resumeStatus: 'rectifying', appealed: true });
    expect(ok(transition(appealing, 'decide-appeal', { decision: 'upheld', reason: '恶意评价属实' }, now))).toMatchObject({
      stage: null, excludeRating: true, patch: { status: 'closed', outcome: 'appeal_upheld', resume_status: null },
    });
    expect(ok(transition(appealing, 'decide-appeal', { decision: 'rejected', reason: '评价属实' }, now))).toMatchObject({
      stage: 'rectifying', recomputeDue: true, excludeRating: false, patch: { status: 'rectifying', resume_status: null },
    });
    expect(transition(appealing, 'decide-appeal', { decision: 'rejected' }, now)).toMatchObject({ ok: false, kind: 'fields', errors: [{ path: '/body/reason' }] });
  });

  it('mark-false: reopens a rectified or unfounded-closed case as 虚假整改', () => {
    for (const s of [state({ status: 'closed', outcome: 'resolved' }), state({ status: 'closed', outcome: 'unfounded' }), state({ status: 'revisiting' })]) {
      expect(ok(transition(s, 'mark-false', { reason: '回访核查发现问题仍存在' }, now))).toMatchObject({
        stage: 'rectifying', patch: { status: 'rectifying', outcome: null, closed_at: null, false_rectification: true, finding: 'founded' },
      });
    }
    expect(transition(state({ status: 'closed', outcome: 'appeal_upheld' }), 'mark-false', { reason: 'x' }, now)).toMatchObject({ ok: false, kind: 'state' });
    expect(transition(state(), 'mark-false', { reason: 'x' }, now)).toMatchObject({ ok: false, kind: 'state' });
  });

  it('refuses fields an action does not take, and reports field errors before state errors', () => {
    const r = transition(state({ status: 'closed', outcome: 'resolved' }), 'verify', { finding: 'founded', evidence: 'x' }, now);
    expect(r).toMatchObject({ ok: false, kind: 'fields', errors: [{ path: '/body/evidence' }] });
    const wrongState = transition(state({ status: 'closed', outcome: 'resolved' }), 'verify', { finding: 'founded' }, now);
    expect(wrongState).toMatchObject({ ok: false, kind: 'state', message: expect.stringMatching(/Cannot verify a rectification that is closed/) });
  });

  it('lists the actions a unit or an inspector may take', () => {
    expect(allowedActions(state(), ['unit'])).toEqual(['verify', 'appeal']);
    expect(allowedActions(state({ appealed: true }), ['unit'])).toEqual(['verify']);
    expect(allowedActions(state(), ['inspector'])).toEqual([]);
    expect(allowedActions(state({ status: 'appealing', resumeStatus: 'verifying', appealed: true }), ['inspector'])).toEqual(['decide-appeal']);
    expect(allowedActions(state({ status: 'closed', outcome: 'resolved' }), ['inspector', 'unit'])).toEqual(['mark-false']);
  });
});

describe('deadlines', () => {
  it('has documented defaults and sums the remaining stages', () => {
    expect(DEFAULT_DEADLINES).toEqual({ verifyDays: 1, rectifyDays: 5, revisitDays: 3, appealDays: 5 });
    expect(stageDays(DEFAULT_DEADLINES, 'appealing')).toBe(5);
    expect(remainingDays(DEFAULT_DEADLINES, 'verifying', false)).toBe(6);
    expect(remainingDays(DEFAULT_DEADLINES, 'verifying', true)).toBe(9);
    expect(remainingDays(DEFAULT_DEADLINES, 'rectifying', true)).toBe(8);
  });

  it('is overdue only while open and past the stage deadline', () => {
    const deadline = new Date('2025-09-28T15:59:59.999Z');
    expect(isOverdue('verifying', deadline, new Date('2025-09-28T15:59:59.999Z'))).toBe(false);
    expect(isOverdue('verifying', deadline, new Date('2025-09-28T16:00:00Z'))).toBe(true);
    expect(isOverdue('closed', null, new Date('2030-01-01'))).toBe(false);
  });
});
