// Writing new cases, one or many in a transaction. The public intake (随手拍) hands its cases to a
// group-commit queue (src/lib/group-commit.ts, like public ratings): at hundreds of reports a second
// the statements, round trips and commits are shared by a batch instead of paid by each report.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { GroupCommit } from '../../lib/group-commit.ts';
import type { AttachedMedia } from './intake.ts';
import { recordLedger } from './ledger.ts';
import * as repo from './repo.ts';
import type { CasesTable } from './tables.ts';

/** A new case ready to be written: checked, classified, its secrets hashed and sealed. */
export interface PreparedCase {
  values: Insertable<CasesTable>;
  /** Shown once to an anonymous reporter; only its hash is in `values`. */
  receiptCode: string | null;
  media: AttachedMedia[];
  actor: { userId: number | null; role: string };
}

/** Inserts the cases, their media and first events, and their ledger entries; rows in input order. */
export async function writeCases(trx: Transaction<DB>, cases: readonly PreparedCase[], firstResponseHours: number): Promise<repo.StoredCase[]> {
  const stored = await repo.insertCases(trx, cases.map((c) => c.values), firstResponseHours);
  await repo.insertMedia(trx, cases.flatMap((c, i) => c.media.map((m) => ({
    case_id: stored[i]!.id, kind: m.kind, mime: m.mime, sha256: m.sha256, thumb_sha256: m.thumbSha256, bytes: m.bytes, width: m.width, height: m.height, url: m.url,
  }))));
  const events = await repo.insertEvents(trx, cases.map((c, i) => ({
    caseId: stored[i]!.id, action: 'submit', from: null, to: 'submitted' as const, unitId: null, actorUserId: c.actor.userId, actorRole: c.actor.role,
    detail: { channel: c.values.channel, media: c.media.length }, at: c.values.submitted_at as Date,
  })));
  await recordLedger(trx, stored.flatMap((row, i) => [{ type: 'case' as const, row: { ...row } }, { type: 'case.event' as const, row: { ...events[i]! } }]));
  return stored;
}

/** The group-commit queue of new cases. One per server process. */
export class CaseWriter {
  private readonly queue: GroupCommit<PreparedCase, repo.StoredCase>;

  constructor(db: Kysely<DB>, firstResponseHours: number, opts: { maxBatch?: number; maxInFlight?: number } = {}) {
    this.queue = new GroupCommit((cases) => db.transaction().execute((trx) => writeCases(trx, cases, firstResponseHours)), opts);
  }

  /** Resolves with the stored row once the case's batch has committed. */
  submit(c: PreparedCase): Promise<repo.StoredCase> {
    return this.queue.submit(c);
  }
}
