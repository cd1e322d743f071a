// The case workflow and duplicate similarity, as pure functions.
import { describe, expect, it } from 'vitest';
import { bigrams, findDuplicates, jaccard } from './duplicates.ts';
import { allowedActions, transition, type CaseState } from './machine.ts';

const now = new Date('2025-06-10T10:00:00+08:00');
const state = (s: Partial<CaseState>): CaseState => ({ status: 'submitted', transferPending: false, dueAt: null, decidedAt: null, ...s });

describe('case workflow', () => {
  it('walks submitted → accepted → assigned → investigating → resolved → closed', () => {
    let s = state({});
    for (const [action, body, to] of [
      ['accept', {}, 'accepted'], ['assign', { assignee: '张三' }, 'assigned'], ['investigate', {}, 'investigating'],
      ['resolve', { finding: 'partly', measures: '约谈' }, 'resolved'], ['close', {}, 'closed'],
    ] as const) {
      const r = transition(s, action, body, now);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) s = state({ status: r.effect.status, decidedAt: now });
      expect(s.status).toBe(to);
    }
  });

  it('needs a reason to reject, extend, transfer or reopen, and refuses steps out of order', () => {
    for (const [st, action] of [['submitted', 'reject'], ['investigating', 'extend'], ['accepted', 'transfer'], ['resolved', 'reopen']] as const) {
      const r = transition(state({ status: st, decidedAt: now }), action, { unitCode: 'U1', newDeadline: '2030-01-01T00:00:00+08:00' }, now);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.path)).toContain('/body/reason');
    }
    const r = transition(state({ status: 'submitted' }), 'resolve', { finding: 'substantiated', measures: 'x' }, now);
    expect(r).toMatchObject({ ok: false, kind: 'state' });
  });

  it('lets an unsubstantiated finding go without measures but not the others', () => {
    expect(transition(state({ status: 'investigating' }), 'resolve', { finding: 'unsubstantiated' }, now).ok).toBe(true);
    expect(transition(state({ status: 'investigating' }), 'resolve', { finding: 'partly' }, now).ok).toBe(false);
  });

  it('allows an extension only to a later deadline', () => {
    const s = state({ status: 'investigating', dueAt: new Date('2025-06-20T23:59:59+08:00') });
    expect(transition(s, 'extend', { reason: '需补充调查', newDeadline: '2025-06-19T00:00:00+08:00' }, now).ok).toBe(false);
    const r = transition(s, 'extend', { reason: '需补充调查', newDeadline: '2025-06-30T18:00:00+08:00' }, now);
    expect(r).toMatchObject({ ok: true, effect: { status: 'extended', clock: 'set-due' } });
  });

  it('reopens within the window only', () => {
    const decided = new Date(now.getTime() - 16 * 86_400_000);
    expect(transition(state({ status: 'closed', decidedAt: decided }), 'reopen', { reason: '未解决' }, now, { reopenDays: 15 })).toMatchObject({ ok: false, kind: 'state' });
    expect(transition(state({ status: 'closed', decidedAt: decided }), 'reopen', { reason: '未解决' }, now, { reopenDays: 20 })).toMatchObject({ ok: true, effect: { status: 'investigating' } });
    expect(transition(state({ status: 'rejected', decidedAt: now }), 'reopen', { reason: '补充材料' }, now)).toMatchObject({ ok: true, effect: { status: 'submitted', clock: 'restart-first-response' } });
  });

  it('gives the transfer target only accept-transfer and decline-transfer', () => {
    const s = state({ status: 'accepted', transferPending: true });
    expect(allowedActions(s, 'target').sort()).toEqual(['accept-transfer', 'decline-transfer']);
    expect(allowedActions(s, 'owner')).not.toContain('transfer');
    expect(allowedActions(state({ status: 'accepted' }), 'target')).toEqual([]);
  });
});

describe('duplicate similarity', () => {
  it('is 1 for the same text up to punctuation, width and spaces, and low for unrelated text', () => {
    expect(jaccard(bigrams('窗口人员玩手机！'), bigrams('窗口 人员玩手机'))).toBe(1);
    expect(jaccard(bigrams('ＡＢＣ１２'), bigrams('abc12'))).toBe(1);
    expect(jaccard(bigrams('窗口人员玩手机'), bigrams('收费标准过期未更新'))).toBe(0);
  });

  it('ranks candidates above the threshold, most similar first', () => {
    const found = findDuplicates('三号窗口工作人员上班玩手机', [{ text: '公示栏过期' }, { text: '3号窗口工作人员上班时间玩手机' }, { text: '三号窗口工作人员上班玩手机' }], 0.5);
    expect(found.map((f) => f.candidate.text)).toEqual(['三号窗口工作人员上班玩手机', '3号窗口工作人员上班时间玩手机']);
  });
});
