// The reporter's side, without a sign-in: submitting a report (随手拍) and following it by receipt
// code: status, public timeline (units, not staff), messages both ways, and reopening a decision.
import { notFound, validationFailed } from '../../lib/errors.ts';
import { checkNewCase, createCase, type CasesDeps } from './intake.ts';
import { recordLedger } from './ledger.ts';
import { transition } from './machine.ts';
import { parseReceiptCode, verifyReceipt } from './receipt.ts';
import * as repo from './repo.ts';
import { clockOf, writeStep } from './service.ts';
import { receiveSubmission, removeTemps, storeSubmissionFiles, type IncomingPart } from './uploads.ts';
import { publicView, stateOf } from './views.ts';
import { AppError } from '../../lib/errors.ts';

const REPORTER = { userId: null, role: 'reporter' } as const;

/** Parses, checks and stores a public report; the receipt code is in the answer and nowhere else. */
export async function submitPublicCase(deps: CasesDeps, parts: AsyncIterable<IncomingPart>, now = new Date()): Promise<{ receiptCode: string }> {
  const { fields, files } = await receiveSubmission(parts, deps.media);
  const realName = ['true', '1', 'on', 'yes'].includes((fields.realName ?? '').toLowerCase());
  let checked;
  try {
    checked = await checkNewCase(deps, fields, { realName });
  } catch (err) {
    await removeTemps(files);
    throw err;
  }
  const media = await storeSubmissionFiles(files, deps.media);
  const created = await createCase(deps, checked, { channel: 'web', anonymousReceipt: true, media, actor: REPORTER, now });
  return { receiptCode: created.receiptCode! };
}

/** A receipt code as sent: in the path (`/params/receiptCode`) or in the body (`/body/receiptCode`). */
export type ReceiptInput = string | { code: string; sentIn: 'params' | 'body' };

/** The case a receipt code opens; 404 for any wrong code, without saying which half was wrong. */
async function byReceipt(deps: CasesDeps, input: ReceiptInput) {
  const { code: raw, sentIn } = typeof input === 'string' ? { code: input, sentIn: 'params' } : input;
  const parsed = parseReceiptCode(raw);
  if (!parsed) throw validationFailed([{ path: `/${sentIn}/receiptCode`, message: 'a receipt code is 24 digits' }]);
  const found = await repo.findByReceiptId(deps.db, parsed.receiptId);
  if (!found?.receipt_hash || !(await verifyReceipt(parsed.code, found.receipt_hash))) throw notFound('Case with this receipt code');
  let row = (await repo.findCaseById(deps.db, Number(found.id)))!;
  // A merged report is followed on the case it was merged into.
  for (let hops = 0; row.merged_into_id !== null && hops < 10; hops++) row = (await repo.findCaseById(deps.db, Number(row.merged_into_id)))!;
  return { row, own: Number(found.id) };
}

function reopenUntil(row: repo.CaseRow, days: number): Date | null {
  const decided = stateOf(row).decidedAt;
  return decided && ['rejected', 'resolved', 'closed'].includes(row.status) ? new Date(decided.getTime() + days * 86_400_000) : null;
}

export async function followCase(deps: CasesDeps, receiptCode: ReceiptInput, now = new Date()) {
  const { row, own } = await byReceipt(deps, receiptCode);
  const id = Number(row.id);
  const [events, messages, media] = await Promise.all([repo.eventsOf(deps.db, id), repo.messagesOf(deps.db, id), repo.mediaOf(deps.db, own)]);
  return { ...publicView(row, events, messages, media.length, reopenUntil(row, deps.settings.reopenDays), now), merged: own !== id };
}

export async function reporterMessage(deps: CasesDeps, receiptCode: ReceiptInput, body: string, now = new Date()) {
  const { row } = await byReceipt(deps, receiptCode);
  const text = body.trim();
  if (!text) throw validationFailed([{ path: '/body/body', message: 'is required' }]);
  if (['rejected', 'closed'].includes(row.status) && !(reopenUntil(row, deps.settings.reopenDays)! > now)) {
    throw new AppError(409, 'The case is finished; messages are closed');
  }
  await deps.db.transaction().execute(async (trx) => {
    const m = await repo.insertMessage(trx, { caseId: Number(row.id), author: 'reporter', unitId: null, actorUserId: null, body: text, at: now });
    await recordLedger(trx, [{ type: 'case.message', row: { ...m } }]);
  });
  return followCase(deps, receiptCode, now);
}

export async function reopenCase(deps: CasesDeps, receiptCode: ReceiptInput, reason: string | undefined, now = new Date()) {
  const { row } = await byReceipt(deps, receiptCode);
  const result = transition(stateOf(row), 'reopen', { reason }, now, { reopenDays: deps.settings.reopenDays });
  if (!result.ok) throw result.kind === 'fields' ? validationFailed(result.errors) : new AppError(409, result.message);
  const { effect } = result;
  await deps.db.transaction().execute((trx) => writeStep(trx, {
    caseId: Number(row.id), row, action: 'reopen', to: effect.status,
    patch: { ...effect.patch, resolved_at: null, closed_at: null, reopen_count: row.reopen_count + 1 },
    clock: clockOf(effect.clock, row, undefined, deps.settings.firstResponseHours), responded: false, unitId: null, actor: REPORTER, detail: effect.detail, now,
  }));
  return followCase(deps, receiptCode, now);
}

/** The subject-unit picker of the public form: codes and names of units (public knowledge), 20 at most. */
export async function searchPublicUnits(deps: Pick<CasesDeps, 'db'>, q: { q?: string; page: number; pageSize: number }) {
  const { items, total } = await repo.searchUnits(deps.db, q.q, q);
  return { items, page: q.page, pageSize: q.pageSize, total };
}
