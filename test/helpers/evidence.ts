// Evidence rows for metric and integrity tests, inserted directly (the same factory style as
// transactions.ts): ratings with their rectifications, hotline tickets, proposals, training records
// and audit findings. Codes of units are resolved here; ids of staff are passed in.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.ts';
import { ensureSource } from './transactions.ts';

const hash = (x: unknown) => crypto.createHash('sha256').update(JSON.stringify(x)).digest();

async function unitIds(db: Kysely<DB>, codes: string[]): Promise<Map<string, number>> {
  const rows = await db.selectFrom('units').select(['id', 'code']).where('code', 'in', [...new Set(codes)]).execute();
  return new Map(rows.map((u) => [u.code, u.id]));
}

export interface RectificationSpec {
  opened: Date;
  due: Date;
  /** Closed (resolved) at this time; omitted: still rectifying. */
  closed?: Date;
  /** An inspector's finding of false rectification (虚假整改) at this time: reopens it. */
  markedFalse?: Date;
}

export interface RatingSpec {
  /** transaction_code of an inserted transaction. */
  transactionCode: string;
  level: 1 | 2 | 3 | 4 | 5;
  ratedAt: Date;
  excluded?: boolean;
  rectification?: RectificationSpec;
}

/** Ratings (unit copied from the transaction) and, where given, their rectifications; ids by transaction code. */
export async function insertRatings(db: Kysely<DB>, specs: RatingSpec[]): Promise<Map<string, { ratingId: number; rectificationId?: number }>> {
  const out = new Map<string, { ratingId: number; rectificationId?: number }>();
  for (const s of specs) {
    const tx = await db.selectFrom('service_transactions').select(['id', 'unit_id']).where('transaction_code', '=', s.transactionCode).executeTakeFirstOrThrow();
    const rating = await db.insertInto('ratings').values({
      transaction_id: tx.id, unit_id: tx.unit_id, level: s.level, channel: 'per_matter', origin: 'import', rated_at: s.ratedAt, excluded: s.excluded ?? false,
    }).returning('id').executeTakeFirstOrThrow();
    const entry: { ratingId: number; rectificationId?: number } = { ratingId: Number(rating.id) };
    const k = s.rectification;
    if (k) {
      const closed = k.closed && !k.markedFalse;
      const rect = await db.insertInto('rectifications').values({
        rating_id: rating.id, unit_id: tx.unit_id, status: closed ? 'closed' : 'rectifying', outcome: closed ? 'resolved' : null,
        finding: 'founded', revisit_required: false, opened_at: k.opened, due_at: k.due, stage_deadline: closed ? null : k.due,
        closed_at: closed ? k.closed! : null, rectified_at: k.closed ?? null, false_rectification: !!k.markedFalse,
      }).returning('id').executeTakeFirstOrThrow();
      entry.rectificationId = Number(rect.id);
      if (k.markedFalse) {
        await db.insertInto('rectification_events').values({ rectification_id: rect.id, action: 'mark-false', from_status: 'closed', to_status: 'rectifying', actor_role: 'inspector', at: k.markedFalse }).execute();
      }
    }
    out.set(s.transactionCode, entry);
  }
  return out;
}

export interface HotlineSpec { id: string; unitCode: string; received: Date; responded?: Date; resolved?: Date }

export async function insertHotline(db: Kysely<DB>, specs: HotlineSpec[]): Promise<Map<string, number>> {
  const source = await ensureSource(db);
  const units = await unitIds(db, specs.map((s) => s.unitCode));
  const rows = await db.insertInto('hotline_tickets').values(specs.map((s) => ({
    source_id: source, external_id: s.id, unit_id: units.get(s.unitCode)!, received_at: s.received,
    responded_at: s.responded ?? null, resolved_at: s.resolved ?? null, category: '', summary: '', content_hash: hash(s),
  }))).returning(['id', 'external_id']).execute();
  return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
}

export interface ProposalSpec { id: string; unitCode: string; received: string; due: string; answered?: string }

export async function insertProposals(db: Kysely<DB>, specs: ProposalSpec[]): Promise<Map<string, number>> {
  const source = await ensureSource(db);
  const units = await unitIds(db, specs.map((s) => s.unitCode));
  const rows = await db.insertInto('proposals').values(specs.map((s) => ({
    source_id: source, external_id: s.id, kind: 'npc' as const, unit_id: units.get(s.unitCode)!, received_on: s.received, due_on: s.due,
    answered_on: s.answered ?? null, content_hash: hash(s),
  }))).returning(['id', 'external_id']).execute();
  return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
}

export interface TrainingSpec { id: string; staffId: number; course: string; hours: number; completed: string }

export async function insertTraining(db: Kysely<DB>, specs: TrainingSpec[]): Promise<Map<string, number>> {
  const source = await ensureSource(db);
  const rows = await db.insertInto('training_records').values(specs.map((s) => ({
    source_id: source, external_id: s.id, staff_id: s.staffId, course: s.course, hours: s.hours, completed_on: s.completed, content_hash: hash(s),
  }))).returning(['id', 'external_id']).execute();
  return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
}

export interface AuditSpec { id: string; unitCode: string; staffId?: number; found: string; severity: 'minor' | 'major' | 'severe'; summary: string }

export async function insertAuditFindings(db: Kysely<DB>, specs: AuditSpec[]): Promise<Map<string, number>> {
  const source = await ensureSource(db);
  const units = await unitIds(db, specs.map((s) => s.unitCode));
  const rows = await db.insertInto('audit_findings').values(specs.map((s) => ({
    source_id: source, external_id: s.id, unit_id: units.get(s.unitCode)!, staff_id: s.staffId ?? null, found_on: s.found,
    severity: s.severity, summary: s.summary, content_hash: hash(s),
  }))).returning(['id', 'external_id']).execute();
  return new Map(rows.map((r) => [r.external_id, Number(r.id)]));
}

export interface CaseSpec {
  id: string;
  /** The accountable handling unit (首接负责). */
  unitCode: string;
  /** The unit complained about, when the reporter named one. */
  subjectUnitCode?: string;
  subjectStaffId?: number;
  submitted: Date;
  /** First response: due 24 hours after submission unless given. */
  firstResponseDue?: Date;
  responded?: Date;
  status?: 'submitted' | 'accepted' | 'rejected' | 'investigating' | 'resolved' | 'closed' | 'merged';
  finding?: 'substantiated' | 'partly' | 'unsubstantiated';
  resolved?: Date;
  /** Id (spec id) of an earlier case this one was merged into. */
  mergedInto?: string;
  reopenCount?: number;
}

/** Complaint cases with the fields the metric library reads; ids by spec id. */
export async function insertCases(db: Kysely<DB>, specs: CaseSpec[]): Promise<Map<string, number>> {
  const units = await unitIds(db, specs.flatMap((s) => [s.unitCode, ...(s.subjectUnitCode ? [s.subjectUnitCode] : [])]));
  const out = new Map<string, number>();
  for (const s of specs) {
    const row = await db.insertInto('cases').values({
      channel: 'letter', status: s.mergedInto ? 'merged' : (s.status ?? (s.resolved ? 'resolved' : 'accepted')), text: `测试投诉 ${s.id}`,
      category: 'other', classifier_category: 'other', unit_id: units.get(s.unitCode)!, subject_unit_id: s.subjectUnitCode ? units.get(s.subjectUnitCode)! : null,
      subject_staff_id: s.subjectStaffId ?? null, submitted_at: s.submitted, first_response_due: s.firstResponseDue ?? new Date(s.submitted.getTime() + 24 * 3600_000),
      first_responded_at: s.responded ?? null, finding: s.finding ?? null, resolved_at: s.resolved ?? null,
      merged_into_id: s.mergedInto ? out.get(s.mergedInto)! : null, reopen_count: s.reopenCount ?? 0,
    }).returning('id').executeTakeFirstOrThrow();
    out.set(s.id, Number(row.id));
  }
  return out;
}
