// Rectifications (差评整改): the queue of the caller's units, one record with its history, and the
// actions of the loop. Rules are in machine.ts (pure); this file checks who may act, computes the
// deadlines on the working-day calendar, and writes each step with its event and ledger entries.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { maskPhone } from '../../lib/identity.ts';
import { parseSort, type Page } from '../../lib/pagination.ts';
import { recordAccess } from '../audit/service.ts';
import { authorize, can, type Principal } from '../auth/principal.ts';
import { recordLedger, type RatingsLedgerRecord } from './ledger.ts';
import {
  ACTIONS, allowedActions, isOverdue, remainingDays, stageDays, transition,
  type ActionInput, type ActionName, type Actor, type DeadlineRules, type MachineState,
} from './machine.ts';
import * as repo from './rectification-repo.ts';
import type { RectificationQuery } from './schema.ts';
import { LEVEL_NAMES } from './service.ts';

export interface RectificationDeps {
  db: Kysely<DB>;
  cipher: FieldCipher;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** 张三 → 张*, 欧阳娜娜 → 欧***: enough for a list, not enough to identify. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

function actorsOf(p: Principal): Actor[] {
  const actors: Actor[] = [];
  if (can(p, 'rectifications.act')) actors.push('unit');
  if (can(p, 'rectifications.supervise')) actors.push('inspector');
  return actors;
}

const stateOf = (row: repo.RectificationRow): MachineState => ({
  status: row.status,
  resumeStatus: row.resume_status,
  outcome: row.outcome,
  revisitRequired: row.revisit_required,
  appealed: row.appeal_kind !== null,
});

const rulesOf = (r: { verify_days: number; rectify_days: number; revisit_days: number; appeal_days: number }): DeadlineRules => ({
  verifyDays: r.verify_days, rectifyDays: r.rectify_days, revisitDays: r.revisit_days, appealDays: r.appeal_days,
});

function view(cipher: FieldCipher, row: repo.RectificationRow, p: Principal, now: Date, reveal = false) {
  let rater = null;
  if (row.real_name && row.rater_name_enc && row.rater_phone_enc) {
    const name = cipher.decrypt(row.rater_name_enc);
    const phone = cipher.decrypt(row.rater_phone_enc);
    rater = reveal ? { name, phone, masked: false } : { name: maskName(name), phone: maskPhone(phone), masked: true };
  }
  return {
    id: Number(row.id),
    status: row.status,
    overdue: isOverdue(row.status, row.stage_deadline, now),
    stageDeadline: iso(row.stage_deadline),
    dueAt: row.due_at.toISOString(),
    openedAt: row.opened_at.toISOString(),
    unit: { code: row.unit_code, name: row.unit_name, category: row.unit_category },
    transaction: { code: row.transaction_code, serviceItemCode: row.service_item_code, serviceItemName: row.service_item_name },
    rating: {
      id: Number(row.rating_id), level: row.level, levelName: LEVEL_NAMES[row.level] ?? String(row.level), channel: row.channel,
      comment: row.comment, tags: row.tags, ratedAt: row.rated_at.toISOString(), realName: row.real_name, excluded: row.excluded, rater,
    },
    finding: row.finding,
    findingReason: row.finding_reason,
    evidence: row.evidence,
    attachments: row.attachments,
    revisitRequired: row.revisit_required,
    revisitOutcome: row.revisit_outcome,
    revisitNote: row.revisit_note,
    revisitCount: row.revisit_count,
    appeal: row.appeal_kind ? { kind: row.appeal_kind, reason: row.appeal_reason, decision: row.appeal_decision, decisionReason: row.appeal_decision_reason } : null,
    falseRectification: row.false_rectification,
    falseReason: row.false_reason,
    outcome: row.outcome,
    verifiedAt: iso(row.verified_at),
    rectifiedAt: iso(row.rectified_at),
    revisitedAt: iso(row.revisited_at),
    closedAt: iso(row.closed_at),
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    allowedActions: allowedActions(stateOf(row), actorsOf(p)),
  };
}
export type RectificationView = ReturnType<typeof view>;

// ---- reads -------------------------------------------------------------------------------------

/** The queue of the caller's units (scope), most urgent deadline first unless sorted otherwise. */
export async function listRectifications(deps: RectificationDeps, principal: Principal | null, q: RectificationQuery, now = new Date()): Promise<Page<RectificationView>> {
  const p = authorize(principal, 'rectifications.read');
  const sort = parseSort(q.sort, { deadline: 'k.stage_deadline', dueAt: 'k.due_at', openedAt: 'k.opened_at', updatedAt: 'k.updated_at' }, { column: 'k.stage_deadline', direction: 'asc' });
  let unitPath: string | undefined;
  if (q.unitCode) {
    // An unknown or out-of-scope unit filters everything out, like any other filter value.
    unitPath = (await repo.unitPathByCode(deps.db, p.scope, q.unitCode)) ?? '/none/';
  }
  const { items, total } = await repo.listRectifications(deps.db, p.scope, { status: q.status, overdue: q.overdue, unitPath, page: q.page, pageSize: q.pageSize }, sort, now);
  return { items: items.map((row) => view(deps.cipher, row, p, now)), page: q.page, pageSize: q.pageSize, total };
}

export async function getRectification(deps: RectificationDeps, principal: Principal | null, id: number, opts: { reveal?: boolean; reason?: string } = {}, now = new Date()) {
  const p = authorize(principal, 'rectifications.read');
  if (opts.reveal) {
    authorize(p, 'ratings.reveal_rater');
    if (!opts.reason?.trim()) throw validationFailed([{ path: '/querystring/reason', message: 'is required to reveal the rater' }]);
  }
  const row = await repo.findRectification(deps.db, p.scope, id);
  if (!row) throw notFound(`Rectification ${id}`);
  if (opts.reveal) {
    if (!row.real_name) throw validationFailed([{ path: '/querystring/reveal', message: 'the rating is anonymous: there is no rater to reveal' }]);
    await recordAccess(deps.db, p, { subjectType: 'rating', subjectId: Number(row.rating_id), action: 'reveal', reason: opts.reason!.trim() });
  }
  const events = await repo.eventsOf(deps.db, id);
  return {
    ...view(deps.cipher, row, p, now, Boolean(opts.reveal)),
    events: events.map((e) => ({
      id: Number(e.id), action: e.action, fromStatus: e.from_status, toStatus: e.to_status, actor: e.actor, actorRole: e.actor_role,
      detail: e.detail, at: e.at.toISOString(),
    })),
  };
}

// ---- actions ----------------------------------------------------------------------------------

/**
 * One step of the loop. Order of refusals: 401, 403 (may not read), 404 (unknown or out of scope),
 * 403 (may not take this action), 400 (fields), 409 (not possible in this state, or a concurrent change).
 */
export async function act(deps: RectificationDeps, principal: Principal | null, id: number, action: ActionName, body: ActionInput, now = new Date()) {
  const p = authorize(principal, 'rectifications.read');
  const row = await repo.findRectification(deps.db, p.scope, id);
  if (!row) throw notFound(`Rectification ${id}`);
  authorize(p, ACTIONS[action].actor === 'unit' ? 'rectifications.act' : 'rectifications.supervise');

  const result = transition(stateOf(row), action, body, now);
  if (!result.ok) throw result.kind === 'fields' ? validationFailed(result.errors) : conflict(result.message);
  const { effect } = result;

  const rules = rulesOf(await repo.deadlineRules(deps.db, row.unit_id));
  const dueDays = effect.recomputeDue && (effect.stage === 'verifying' || effect.stage === 'rectifying') ? remainingDays(rules, effect.stage, row.revisit_required) : null;

  await deps.db.transaction().execute(async (trx) => {
    const updated = await repo.updateRectification(trx, id, row.version, {
      patch: effect.patch, stageDays: effect.stage ? stageDays(rules, effect.stage) : null, dueDays, incrementRevisits: effect.incrementRevisits, now,
    });
    if (!updated) throw conflict('The rectification was changed by someone else meanwhile; reload it and try again');
    const event = await repo.insertEvent(trx, {
      rectificationId: id, action, from: row.status, to: effect.patch.status, actorUserId: p.kind === 'user' ? p.id : null, actorRole: p.role, detail: effect.detail, at: now,
    });
    const records: RatingsLedgerRecord[] = [
      { type: 'rectification', key: String(id), version: updated.version, row: { ...updated } },
      { type: 'rectification.event', key: String(event.id), version: 1, row: { ...event } },
    ];
    if (effect.excludeRating) {
      const rating = await repo.excludeRating(trx, Number(row.rating_id), now);
      records.push({ type: 'rating', key: String(rating.id), version: rating.version, row: { ...rating } });
    }
    await recordLedger(trx, records);
  });
  return getRectification(deps, p, id, {}, now);
}

// ---- deadline rules (per unit category) -------------------------------------------------------------

type RuleRow = Awaited<ReturnType<typeof repo.listDeadlineRules>>[number];
const ruleView = (r: RuleRow) => ({
  unitCategory: r.unit_category, verifyDays: r.verify_days, rectifyDays: r.rectify_days, revisitDays: r.revisit_days, appealDays: r.appeal_days,
  version: r.version, updatedAt: r.updated_at.toISOString(),
});

export async function listDeadlineRules(db: Kysely<DB>, principal: Principal | null, q: { unitCategory?: string }) {
  authorize(principal, 'rectifications.read');
  const items = (await repo.listDeadlineRules(db, q.unitCategory)).map(ruleView);
  return { items, page: 1, pageSize: Math.max(1, items.length), total: items.length };
}

/**
 * Sets the working days of each stage for a unit category. A change applies to stages entered
 * after it: deadlines already set keep the rules they were set with.
 */
export async function setDeadlineRule(db: Kysely<DB>, principal: Principal | null, category: string, body: DeadlineRules, now = new Date()) {
  authorize(principal, 'rectifications.configure');
  return db.transaction().execute(async (trx) => {
    const updated = await repo.updateDeadlineRule(trx, category, { verify_days: body.verifyDays, rectify_days: body.rectifyDays, revisit_days: body.revisitDays, appeal_days: body.appealDays }, now);
    if (updated) await recordLedger(trx, [{ type: 'rectification.deadline', key: updated.unit_category, version: updated.version, row: { ...updated } }]);
    const [row] = await repo.listDeadlineRules(trx, category);
    if (!row) throw notFound(`Unit category ${category}`);
    return ruleView(row);
  });
}
