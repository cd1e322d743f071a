// Handling cases: the scoped queue, one case with its history, the workflow actions (machine.ts decides,
// this file checks who may act, resolves units and writes each step with its event and ledger entries),
// transfers (首接负责), merging duplicates, messages to the reporter, category overrides and the cases
// staff enter from letters, the hotline and visits.
import { sql } from 'kysely';
import { conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { parseSort, type Page } from '../../lib/pagination.ts';
import { recordAccess } from '../audit/service.ts';
import { authorize, can, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';
import { CONDUCT_CATEGORIES } from './classify.ts';
import { findDuplicates } from './duplicates.ts';
import { checkNewCase, createCase, type CasesDeps, type NewCase } from './intake.ts';
import { recordLedger, type CasesLedgerRecord, type Executor } from './ledger.ts';
import { ACTIONS, transition, type ActionInput, type AnyAction, type Side } from './machine.ts';
import * as repo from './repo.ts';
import type { CaseListQuery } from './schema.ts';
import type { CaseStatus } from './tables.ts';
import { eventView, handlerView, stateOf, type HandlerView } from './views.ts';

/** Which of the given units the principal's scope covers. */
async function unitsInScope(db: Executor, p: Principal, ids: (number | null)[]): Promise<Set<number>> {
  const list = ids.filter((x): x is number => x !== null);
  if (!list.length) return new Set();
  const rows = await db.selectFrom('units as u').select('u.id').where('u.id', 'in', list).where((eb) => unitInScope(eb, p.scope, 'u')).execute();
  return new Set(rows.map((r) => r.id));
}

async function sidesOf(db: Executor, p: Principal, row: repo.CaseRow): Promise<Side[]> {
  if (!can(p, 'cases.act')) return [];
  const inScope = await unitsInScope(db, p, [row.unit_id, row.transfer_to_unit_id]);
  const sides: Side[] = [];
  if (inScope.has(row.unit_id)) sides.push('owner');
  if (row.transfer_to_unit_id !== null && inScope.has(row.transfer_to_unit_id)) sides.push('target');
  return sides;
}

async function load(deps: Pick<CasesDeps, 'db'>, p: Principal, id: number) {
  const row = await repo.findCase(deps.db, p.scope, id);
  if (!row) throw notFound(`Case ${id}`);
  return row;
}

export async function listCases(deps: CasesDeps, principal: Principal | null, q: CaseListQuery, now = new Date()): Promise<Page<HandlerView>> {
  const p = authorize(principal, 'cases.read');
  const sort = parseSort(q.sort, { deadline: 'c.deadline', submittedAt: 'c.submitted_at', updatedAt: 'c.updated_at', dueAt: 'c.due_at' }, { column: 'c.deadline', direction: 'asc' });
  let unitPath: string | undefined;
  if (q.unitCode) {
    const u = await repo.unitByCode(deps.db, q.unitCode);
    unitPath = u?.path ?? '/none/';
  }
  const { items, total } = await repo.listCases(deps.db, p.scope, { ...q, unitPath }, sort, now);
  const actor = can(p, 'cases.act');
  return {
    items: await Promise.all(items.map(async (row) => handlerView(deps.cipher, row, actor ? await sidesOf(deps.db, p, row) : [], now))),
    page: q.page, pageSize: q.pageSize, total,
  };
}

export async function getCase(deps: CasesDeps, principal: Principal | null, id: number, opts: { reveal?: boolean; reason?: string } = {}, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  if (opts.reveal) {
    authorize(p, 'cases.reveal_reporter');
    if (!opts.reason?.trim()) throw validationFailed([{ path: '/querystring/reason', message: 'is required to see who reported (查看举报人须说明理由)' }]);
  }
  const row = await load(deps, p, id);
  if (opts.reveal) {
    if (!row.real_name) throw validationFailed([{ path: '/querystring/reveal', message: 'the report is anonymous: there is nobody to reveal' }]);
    await recordAccess(deps.db, p, { subjectType: 'case', subjectId: id, action: 'reveal', reason: opts.reason!.trim() });
  }
  const [events, messages, media] = await Promise.all([repo.eventsOf(deps.db, id), repo.messagesOf(deps.db, id), repo.mediaOf(deps.db, id)]);
  return {
    ...handlerView(deps.cipher, row, await sidesOf(deps.db, p, row), now, Boolean(opts.reveal)),
    events: events.map(eventView),
    messages: messages.map((m) => ({ id: Number(m.id), from: m.author, unit: m.unit_name, body: m.body, at: m.at.toISOString() })),
    media: media.map((m) => ({ id: Number(m.id), kind: m.kind, mime: m.mime, bytes: m.bytes === null ? null : Number(m.bytes), width: m.width, height: m.height, url: m.url })),
  };
}

interface Step {
  caseId: number;
  row: repo.CaseRow;
  action: string;
  to: CaseStatus;
  patch: Record<string, unknown>;
  clock: repo.ClockWrite;
  responded: boolean;
  unitId: number | null;
  actor: { userId: number | null; role: string };
  detail: Record<string, unknown>;
  now: Date;
}

/** One transition, its event and ledger entries; 409 when the case changed meanwhile. */
export async function writeStep(trx: Executor, s: Step, extra: CasesLedgerRecord[] = []) {
  const updated = await repo.updateCase(trx, s.caseId, s.row.version, { patch: { ...s.patch, status: s.to }, clock: s.clock, responded: s.responded, now: s.now });
  if (!updated) throw conflict('The case was changed by someone else meanwhile; reload it and try again');
  const event = await repo.insertEvent(trx, {
    caseId: s.caseId, action: s.action, from: s.row.status, to: s.to, unitId: s.unitId, actorUserId: s.actor.userId, actorRole: s.actor.role, detail: s.detail, at: s.now,
  });
  await recordLedger(trx, [{ type: 'case', row: { ...updated } }, { type: 'case.event', row: { ...event } }, ...extra]);
  return updated;
}

export const clockOf = (kind: string, row: { category: string }, at?: Date, hours = 24): repo.ClockWrite =>
  kind === 'start-resolve' ? { kind, category: row.category } : kind === 'set-due' ? { kind, at: at! } : kind === 'restart-first-response' ? { kind, hours } : kind === 'stop' ? { kind } : { kind: 'keep' };

const actorOf = (p: Principal) => ({ userId: p.kind === 'user' ? p.id : null, role: p.role });

/**
 * A handler's step. Refusals: 401, 403 (may not read), 404 (unknown or out of scope), 403 (may not act
 * on this side of the case), 400 (fields), 409 (not possible now, or a concurrent change).
 */
export async function act(deps: CasesDeps, principal: Principal | null, id: number, action: AnyAction, body: ActionInput, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  const row = await load(deps, p, id);
  authorize(p, 'cases.act');
  const side = ACTIONS[action].side;
  const sides = await sidesOf(deps.db, p, row);
  if (side === 'reporter' || !sides.includes(side)) {
    throw conflict(side === 'target' ? 'Only the unit the case is being transferred to can take this step' : 'Only the accountable unit can take this step');
  }
  const result = transition(stateOf(row), action, body, now, { reopenDays: deps.settings.reopenDays });
  if (!result.ok) throw result.kind === 'fields' ? validationFailed(result.errors) : conflict(result.message);
  const { effect } = result;
  const patch: Record<string, unknown> = { ...effect.patch };
  let unitId: number | null = row.unit_id;
  if (action === 'transfer') {
    const target = await repo.unitByCode(deps.db, body.unitCode!.trim());
    if (!target) throw validationFailed([{ path: '/body/unitCode', message: 'no such unit' }]);
    if (target.id === row.unit_id) throw validationFailed([{ path: '/body/unitCode', message: 'the case is already with this unit' }]);
    patch.transfer_to_unit_id = target.id;
    effect.detail.unitName = target.name;
  }
  if (action === 'accept-transfer') {
    patch.unit_id = row.transfer_to_unit_id;
    patch.transfer_to_unit_id = null;
    unitId = row.transfer_to_unit_id;
    effect.detail.fromUnit = row.unit_name;
  }
  if (action === 'decline-transfer') {
    patch.transfer_to_unit_id = null;
    unitId = row.transfer_to_unit_id;
  }
  if (action === 'resolve') patch.resolved_at = now;
  if (action === 'close') patch.closed_at = now;
  await deps.db.transaction().execute((trx) => writeStep(trx, {
    caseId: id, row, action, to: effect.status, patch, clock: clockOf(effect.clock, row, effect.patch.due_at as Date | undefined, deps.settings.firstResponseHours), responded: effect.responded, unitId, actor: actorOf(p), detail: effect.detail, now,
  }));
  return getCase(deps, p, id, {}, now);
}

/** Merges a duplicate into the case that carries on; the reporter of either follows the survivor. */
export async function mergeCase(deps: CasesDeps, principal: Principal | null, id: number, intoId: number, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  const row = await load(deps, p, id);
  authorize(p, 'cases.act');
  if (!(await sidesOf(deps.db, p, row)).includes('owner')) throw conflict('Only the accountable unit can merge the case');
  if (intoId === id) throw validationFailed([{ path: '/body/intoId', message: 'a case cannot be merged into itself' }]);
  const into = await repo.findCase(deps.db, p.scope, intoId);
  if (!into) throw validationFailed([{ path: '/body/intoId', message: 'no such case in your scope' }]);
  if (into.status === 'merged' || into.status === 'rejected') throw validationFailed([{ path: '/body/intoId', message: `that case is ${into.status}` }]);
  const result = transition(stateOf(row), 'merge', {}, now);
  if (!result.ok) throw conflict(result.message);
  await deps.db.transaction().execute(async (trx) => {
    await writeStep(trx, { caseId: id, row, action: 'merge', to: 'merged', patch: { merged_into_id: intoId }, clock: { kind: 'stop' }, responded: true, unitId: row.unit_id, actor: actorOf(p), detail: { intoId }, now });
    await writeStep(trx, { caseId: intoId, row: into, action: 'absorb', to: into.status, patch: {}, clock: { kind: 'keep' }, responded: false, unitId: into.unit_id, actor: actorOf(p), detail: { caseId: id }, now });
  });
  return getCase(deps, p, id, {}, now);
}

export async function duplicatesOf(deps: CasesDeps, principal: Principal | null, id: number) {
  const p = authorize(principal, 'cases.read');
  const row = await load(deps, p, id);
  const candidates = await repo.sameSubjectCases(deps.db, { id, subject_unit_id: row.subject_unit_id, subject_staff_id: row.subject_staff_id, unit_id: row.unit_id, submitted_at: row.submitted_at }, deps.settings.duplicateWindowDays);
  const visible = await unitsInScope(deps.db, p, [...new Set(candidates.map((c) => c.unit_id))]);
  const items = findDuplicates(row.text, candidates.filter((c) => visible.has(c.unit_id)), deps.settings.duplicateThreshold)
    .map((d) => ({ id: Number(d.candidate.id), status: d.candidate.status, submittedAt: d.candidate.submitted_at.toISOString(), similarity: Math.round(d.similarity * 1000) / 1000, text: d.candidate.text.slice(0, 200) }));
  return { items, page: 1, pageSize: Math.max(1, items.length), total: items.length };
}

export async function handlerMessage(deps: CasesDeps, principal: Principal | null, id: number, body: string, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  const row = await load(deps, p, id);
  authorize(p, 'cases.act');
  if (!(await sidesOf(deps.db, p, row)).includes('owner')) throw conflict('Only the accountable unit writes to the reporter');
  if (row.status === 'merged') throw conflict('The case was merged; write on the case it was merged into');
  const text = body.trim();
  if (!text) throw validationFailed([{ path: '/body/body', message: 'is required' }]);
  await deps.db.transaction().execute(async (trx) => {
    const m = await repo.insertMessage(trx, { caseId: id, author: 'handler', unitId: row.unit_id, actorUserId: p.kind === 'user' ? p.id : null, body: text, at: now });
    // A message to the reporter is a first response when none was given yet.
    if (row.first_responded_at === null) {
      const updated = await repo.updateCase(trx, id, row.version, { patch: {}, clock: { kind: 'keep' }, responded: true, now });
      if (!updated) throw conflict('The case was changed by someone else meanwhile; try again');
      await recordLedger(trx, [{ type: 'case', row: { ...updated } }]);
    }
    await recordLedger(trx, [{ type: 'case.message', row: { ...m } }]);
  });
  return getCase(deps, p, id, {}, now);
}

/** A person overrides the classifier: the new category is kept with who and when; the classifier's stays. */
export async function recategorise(deps: CasesDeps, principal: Principal | null, id: number, category: string, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  const row = await load(deps, p, id);
  authorize(p, 'cases.act');
  if (!(await sidesOf(deps.db, p, row)).includes('owner')) throw conflict('Only the accountable unit can change the category');
  if (!(CONDUCT_CATEGORIES as readonly string[]).includes(category)) throw validationFailed([{ path: '/body/category', message: `must be one of ${CONDUCT_CATEGORIES.join(', ')}` }]);
  await deps.db.transaction().execute((trx) => writeStep(trx, {
    caseId: id, row, action: 'recategorise', to: row.status,
    patch: { category, category_source: 'person', category_confidence: 1, category_set_by: p.kind === 'user' ? p.id : null, category_set_at: now },
    clock: { kind: 'keep' }, responded: false, unitId: row.unit_id, actor: actorOf(p), detail: { from: row.category, to: category }, now,
  }));
  return getCase(deps, p, id, {}, now);
}

/** A case entered by staff from a letter, a hotline call or a visit; routed inside the enterer's scope. */
export async function enterCase(deps: CasesDeps, principal: Principal | null, body: NewCase & { channel: 'letter' | 'hotline' | 'visit'; realName?: boolean }, now = new Date()) {
  const p = authorize(principal, 'cases.enter');
  const checked = await checkNewCase(deps, body, { realName: Boolean(body.realName) });
  if (!body.subjectUnitCode && !body.subjectStaffCode && p.scope.kind === 'unit') checked.unitId = p.scope.unitId;
  if (!(await unitsInScope(deps.db, p, [checked.unitId])).has(checked.unitId)) {
    throw validationFailed([{ path: '/body/subjectUnitCode', message: 'is outside your scope: enter it at that unit, or transfer it after entering it for your own unit' }]);
  }
  const created = await createCase(deps, checked, { channel: body.channel, anonymousReceipt: true, media: [], actor: actorOf(p), now });
  return { ...(await getCase(deps, p, created.id, {}, now)), receiptCode: created.receiptCode };
}

export async function overdueUnits(deps: CasesDeps, principal: Principal | null, now = new Date()) {
  const p = authorize(principal, 'cases.read');
  const rows = await repo.overdueByUnit(deps.db, p.scope, now);
  const items = rows.map((r) => ({ unitCode: r.code, unitName: r.name, overdue: Number(r.overdue), oldestDeadline: r.oldest_deadline ? new Date(r.oldest_deadline as unknown as string).toISOString() : null }));
  return { items, page: 1, pageSize: Math.max(1, items.length), total: items.length };
}

export async function listNotifications(deps: CasesDeps, principal: Principal | null, q: { page: number; pageSize: number; kind?: string }) {
  const p = authorize(principal, 'cases.read');
  let query = deps.db.selectFrom('case_notifications as n').innerJoin('units as u', 'u.id', 'n.unit_id').where((eb) => unitInScope(eb, p.scope, 'u'));
  // Escalations are for inspectors; a unit sees its own reminders and the escalations about it.
  if (q.kind) query = query.where('n.kind', '=', q.kind as never);
  const [items, total] = await Promise.all([
    query.select(['n.id', 'n.case_id', 'n.kind', 'n.audience', 'n.deadline', 'n.created_at', 'u.code', 'u.name']).orderBy('n.id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: items.map((n) => ({ id: Number(n.id), caseId: Number(n.case_id), kind: n.kind, audience: n.audience, unitCode: n.code, unitName: n.name, deadline: n.deadline.toISOString(), createdAt: n.created_at.toISOString() })),
    page: q.page, pageSize: q.pageSize, total: Number(total.n),
  };
}
