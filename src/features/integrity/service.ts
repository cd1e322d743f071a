// Integrity points (诚信积分): a running balance per person from evidence events, with configurable
// points per event type. Applying a period is idempotent (one entry per person and event, whatever
// the number of runs); each entry names the evidence (ledger record) behind it and is committed to
// the ledger in the same transaction. Rules: docs/metrics.md#integrity-points.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound, validationFailed } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import { entriesForStoredRows } from '../../ledger/record-types.ts';
import { appendToLedger } from '../../ledger/store.ts';
import { recordAccess } from '../audit/service.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { EVENT_TYPES, listEvents, parsePeriod, type Period } from '../metrics/service.ts';
import { INTEGRITY_LEDGER_TYPES } from './ledger-types.ts';
import * as repo from './repo.ts';

const BATCH = 1000;

export interface Rule { eventType: string; nameZh: string; nameEn: string; points: number; version: number; updatedAt: string }

const presentRule = (r: repo.RuleRow): Rule => ({
  eventType: r.event_type, nameZh: EVENT_TYPES[r.event_type]?.nameZh ?? r.event_type, nameEn: EVENT_TYPES[r.event_type]?.nameEn ?? r.event_type,
  points: Number(r.points), version: Number(r.version), updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listRules(db: Kysely<DB>, principal: Principal | null): Promise<Rule[]> {
  authorize(principal, 'integrity.read');
  return (await repo.listRules(db)).map(presentRule);
}

/** Sets the points of one event type of a person (admin); the change and its ledger entry commit together. */
export async function setRule(db: Kysely<DB>, principal: Principal | null, eventType: string, points: number): Promise<Rule> {
  const p = authorize(principal, 'integrity.configure');
  if (!EVENT_TYPES[eventType]?.subjects.includes('staff')) {
    const known = Object.values(EVENT_TYPES).filter((e) => e.subjects.includes('staff')).map((e) => e.type).join(', ');
    throw validationFailed([{ path: '/params/eventType', message: `not an event type of a person; one of ${known}` }]);
  }
  if (!Number.isFinite(points) || Math.abs(points) > 100 || Math.round(points * 100) !== points * 100) {
    throw validationFailed([{ path: '/body/points', message: 'must be between -100 and 100 with at most 2 decimals / 分值须在 -100 至 100 之间' }]);
  }
  return db.transaction().execute(async (trx) => {
    const changed = await repo.upsertRule(trx, eventType, points, p.kind === 'user' ? p.id : null);
    if (changed) await appendToLedger(trx, entriesForStoredRows(INTEGRITY_LEDGER_TYPES['integrity.rule'], [{ ...changed }]));
    const rule = changed ?? (await repo.listRules(trx)).find((r) => r.event_type === eventType)!;
    return presentRule(rule);
  });
}

export interface ApplyResult { period: string; events: number; applied: number; alreadyApplied: number; pointsApplied: number }

/**
 * Applies the events of a period to everyone's balance: one entry per (person, event) with the rule's
 * current points; events already applied (an earlier run) are left as they are. Event types whose
 * rule is 0 or missing give no entries.
 */
export async function applyPeriod(db: Kysely<DB>, period: Period, now = new Date()): Promise<ApplyResult> {
  const rules = (await repo.listRules(db)).filter((r) => Number(r.points) !== 0 && EVENT_TYPES[r.event_type]?.subjects.includes('staff'));
  const byType = new Map(rules.map((r) => [r.event_type, r]));
  const events = rules.length ? await listEvents(db, { kind: 'staff', period, types: rules.map((r) => r.event_type), now }) : new Map();
  const rows: repo.NewEntry[] = [];
  for (const [staffId, list] of events) {
    for (const e of list) {
      const rule = byType.get(e.type)!;
      rows.push({ staff_id: staffId, event_type: e.type, ref_type: e.ref.type, ref_id: e.ref.id, event_at: e.at, period_code: period.code,
        points: Number(rule.points), rule_version: Number(rule.version), summary: e.summary.slice(0, 500), applied_at: now });
    }
  }
  let applied = 0;
  let points = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.transaction().execute(async (trx) => {
      const inserted = await repo.insertEntries(trx, rows.slice(i, i + BATCH));
      await appendToLedger(trx, entriesForStoredRows(INTEGRITY_LEDGER_TYPES['integrity.entry'], inserted));
      applied += inserted.length;
      points += inserted.reduce((s, r) => s + Number(r.points), 0);
    });
  }
  return { period: period.code, events: rows.length, applied, alreadyApplied: rows.length - applied, pointsApplied: Math.round(points * 100) / 100 };
}

export async function applyFromApi(db: Kysely<DB>, principal: Principal | null, periodCode: string): Promise<ApplyResult> {
  authorize(principal, 'integrity.apply');
  return applyPeriod(db, parsePeriod(periodCode, '/body/period'));
}

export interface IntegrityEntry {
  id: number; eventType: string; eventNameZh: string; at: string; period: string; points: number; balance: number;
  ruleVersion: number; summary: string; evidence: { type: string; id: string; url: string }; ledgerUrl: string;
}

export interface IntegrityAccount extends Page<IntegrityEntry> {
  staff: { code: string; name: string; unitCode: string };
  basePoints: number;
  balance: number;
}

/** A person's balance and history (newest first), in scope; a civil servant only their own. Logged. */
export async function account(db: Kysely<DB>, principal: Principal | null, code: string, page: { page: number; pageSize: number }): Promise<IntegrityAccount> {
  const p = authorize(principal, 'integrity.read');
  const staff = await repo.findStaff(db, p.scope, code, p.role === 'staff' ? (p.staffId ?? -1) : null);
  if (!staff) throw notFound(`Staff ${code}`);
  await recordAccess(db, p, { subjectType: 'staff', subjectId: staff.id, action: 'view', reason: 'integrity points / 诚信积分' });
  const base = await repo.basePoints(db);
  const h = await repo.history(db, staff.id, base, page);
  return {
    staff: { code: staff.code, name: staff.name, unitCode: staff.unit_code },
    basePoints: base,
    balance: Math.round((base + h.sum) * 100) / 100,
    items: h.items.map((r) => ({
      id: r.id, eventType: r.event_type, eventNameZh: EVENT_TYPES[r.event_type]?.nameZh ?? r.event_type, at: new Date(r.event_at).toISOString(),
      period: r.period_code, points: Number(r.points), balance: Number(r.balance), ruleVersion: Number(r.rule_version), summary: r.summary,
      evidence: { type: r.ref_type, id: r.ref_id, url: `/api/ledger/records/${r.ref_type}/${r.ref_id}` },
      ledgerUrl: `/api/ledger/records/integrity.entry/${r.id}`,
    })),
    page: page.page,
    pageSize: page.pageSize,
    total: h.total,
  };
}
