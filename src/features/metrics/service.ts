// The metric library (指标数据): metric values and evidence events of every staff member or unit for
// a period, computed set-based in SQL (repo.ts, events-repo.ts); the ratios and the "insufficient
// evidence" rule are pure (ratioValue). This is the interface the scoring engine calls.
// Definitions and formulas: docs/metrics.md.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { validationFailed } from '../../lib/errors.ts';
import { EVENT_TYPES, METRICS, SUBJECT_KINDS, type SubjectKind } from './definitions.ts';
import { EVENT_QUERIES } from './events-repo.ts';
import { periodDays, type Period } from './period.ts';
import * as repo from './repo.ts';

export { EVENT_TYPES, METRICS, SUBJECT_KINDS, type EventTypeDef, type MetricDef, type SubjectKind } from './definitions.ts';
export { parsePeriod, type Period } from './period.ts';

export interface MetricValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** How many items (transactions, ratings, tickets, people …) the value rests on. */
  sample: number;
  /** True when the sample is below the metric's minimum: value is then null, never a silent zero. */
  insufficient: boolean;
}

export interface EvidenceEvent {
  type: string;
  subjectId: number;
  at: Date;
  /** The ledger record behind the event: its record type and id (/api/ledger/records/<type>/<id>). */
  ref: { type: string; id: string };
  summary: string;
}

export const DEFAULT_TRAINING_HOURS_PER_YEAR = 50;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * numerator / denominator × scale, or null and insufficient when the sample is below the minimum or
 * the denominator is zero. Rounded to 6 decimals so every driver gives the same bytes.
 */
export function ratioValue(code: string, numerator: number, denominator: number, sample: number, minSample = METRICS[code]!.minSample): MetricValue {
  const insufficient = sample < Math.max(minSample, 1) || denominator === 0;
  return { value: insufficient ? null : round6(numerator / denominator), numerator: round6(numerator), denominator: round6(denominator), sample, insufficient };
}

/** A metric that cannot be computed yet (its evidence does not exist): null everywhere. */
const unavailable = (): MetricValue => ({ value: null, numerator: null, denominator: null, sample: 0, insufficient: true });

type Group = 'transactions' | 'ratings' | 'rectifications' | 'hotline' | 'proposals' | 'training' | 'cases';
/** The counting statements each metric reads (complaints per 1,000 needs the transactions too). */
const GROUPS_OF: Record<string, Group[]> = {
  on_time_completion_rate: ['transactions'],
  avg_processing_days_ratio: ['transactions'],
  satisfaction_index: ['ratings'],
  bad_rating_rate: ['ratings'],
  bad_rating_rectified_rate: ['rectifications'],
  complaints_per_1000: ['cases', 'transactions'],
  substantiated_complaints: ['cases'],
  repeat_complaint_rate: ['cases'],
  hotline_response_24h_rate: ['hotline'],
  hotline_resolution_rate: ['hotline'],
  training_hours_share: ['training'],
  proposals_on_time_rate: ['proposals'],
};

const QUERIES: Record<Group, (db: repo.Executor, s: repo.Scan) => Promise<repo.ByKind>> = {
  transactions: repo.transactionCounts,
  ratings: repo.ratingCounts,
  rectifications: repo.rectificationCounts,
  hotline: repo.hotlineCounts,
  proposals: repo.proposalCounts,
  training: repo.trainingCounts,
  cases: repo.caseCounts,
};

export interface MetricsRequest {
  kind: SubjectKind;
  period: Period;
  codes: string[];
  /** Without it: every staff member (or unit) in the registry. */
  subjectIds?: number[];
  /** Overrides every metric's minimum sample (the API's minSample; tests). */
  minSample?: number;
}

function checkCodes(kind: SubjectKind, codes: string[], catalogue: Record<string, { subjects: SubjectKind[] }>, path: string) {
  const errors = codes.flatMap((c) => {
    const def = catalogue[c];
    if (!def) return [{ path, message: `unknown code ${c}; known: ${Object.keys(catalogue).join(', ')}` }];
    if (!def.subjects.includes(kind)) return [{ path, message: `${c} does not apply to ${kind} subjects` }];
    return [];
  });
  if (errors.length) throw validationFailed(errors);
}

/** Training requirement of the period: the yearly hours prorated by its days, rounded to 0.01 h. */
export function requiredHours(perYear: number, period: Period): number {
  return Math.round(((perYear * periodDays(period)) / (isLeap(period) ? 366 : 365)) * 100) / 100;
}
function isLeap(p: Period) {
  const y = new Date(p.from.getTime() + 8 * 3600_000).getUTCFullYear();
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Metrics of both kinds at once: the codes wanted per kind, and optionally the subjects. */
export interface KindsRequest {
  period: Period;
  codes: Partial<Record<SubjectKind, string[]>>;
  /** Per kind; a kind without a list: every staff member (or unit) in the registry. */
  subjectIds?: Partial<Record<SubjectKind, number[]>>;
  minSample?: number;
}
export type MetricsByKind = Record<SubjectKind, Map<number, Record<string, MetricValue>>>;

/**
 * Values of the given metrics for every subject of a kind (or the given ones), one SQL statement per
 * evidence kind whatever the number of subjects. Every requested subject gets every requested code.
 */
export async function computeMetrics(db: Kysely<DB>, req: MetricsRequest): Promise<Map<number, Record<string, MetricValue>>> {
  checkCodes(req.kind, req.codes, METRICS, '/codes');
  const subjectIds = req.subjectIds ? [...new Set(req.subjectIds)] : null;
  const only = subjectIds ? { kind: req.kind, ids: subjectIds } : null;
  const out = await metricsOf(db, { period: req.period, codes: { [req.kind]: req.codes }, subjectIds: subjectIds ? { [req.kind]: subjectIds } : undefined, minSample: req.minSample }, only);
  return out[req.kind];
}

/**
 * Metrics of staff and units together, as a scoring run needs them: each evidence kind is scanned
 * once for both (the statements group by person and unit). Codes that do not apply to a kind refuse.
 */
export async function computeMetricsByKind(db: Kysely<DB>, req: KindsRequest): Promise<MetricsByKind> {
  for (const kind of SUBJECT_KINDS) checkCodes(kind, req.codes[kind] ?? [], METRICS, `/codes/${kind}`);
  return metricsOf(db, req, null);
}

async function metricsOf(db: Kysely<DB>, req: KindsRequest, only: repo.Scan['only']): Promise<MetricsByKind> {
  const kinds = SUBJECT_KINDS.filter((k) => req.codes[k]?.length);
  const scan: repo.Scan = { period: req.period, kinds, only };
  const groups = [...new Set(kinds.flatMap((k) => req.codes[k]!.flatMap((c) => GROUPS_OF[c]!)))];
  const [counts, settings, ids] = await Promise.all([
    Promise.all(groups.map(async (g) => [g, await repo.withoutJit(db, (trx) => QUERIES[g](trx, scan))] as const)).then((e) => new Map(e)),
    groups.includes('training') ? repo.settings(db) : Promise.resolve(new Map<string, number>()),
    Promise.all(kinds.map(async (k) => [k, req.subjectIds?.[k] ? [...new Set(req.subjectIds[k])] : await repo.allSubjectIds(db, k)] as const)).then((e) => new Map(e)),
  ]);
  const required = requiredHours(settings.get('training_hours_per_year') ?? DEFAULT_TRAINING_HOURS_PER_YEAR, req.period);
  const zero = {} as repo.Row;
  const out: MetricsByKind = { staff: new Map(), unit: new Map() };
  for (const kind of kinds) {
    const codes = [...new Set(req.codes[kind]!)];
    for (const id of ids.get(kind)!) {
      const of = (g: Group) => counts.get(g)?.[kind].get(id) ?? zero;
      const values: Record<string, MetricValue> = {};
      for (const code of codes) values[code] = valueOf(kind, code, of, required, req.minSample);
      out[kind].set(id, values);
    }
  }
  return out;
}

function valueOf(kind: SubjectKind, code: string, of: (g: Group) => repo.Row, requiredHoursPerPerson: number, minSample?: number): MetricValue {
  const n = (g: Group, k: string) => of(g)[k] ?? 0;
  const metricValue = (c: string, num: number, den: number, sample: number) => ratioValue(c, num, den, sample, minSample);
  switch (code) {
    case 'on_time_completion_rate': return metricValue(code, n('transactions', 'on_time'), n('transactions', 'completed'), n('transactions', 'completed'));
    case 'avg_processing_days_ratio': return metricValue(code, n('transactions', 'days_sum'), n('transactions', 'promised_sum'), n('transactions', 'completed'));
    case 'satisfaction_index': return metricValue(code, n('ratings', 'satisfaction_sum'), n('ratings', 'ratings'), n('ratings', 'ratings'));
    case 'bad_rating_rate': return metricValue(code, n('ratings', 'bad'), n('ratings', 'ratings'), n('ratings', 'ratings'));
    case 'bad_rating_rectified_rate': return metricValue(code, n('rectifications', 'rectified'), n('rectifications', 'due'), n('rectifications', 'due'));
    case 'hotline_response_24h_rate': return metricValue(code, n('hotline', 'responded_24h'), n('hotline', 'tickets'), n('hotline', 'tickets'));
    case 'hotline_resolution_rate': return metricValue(code, n('hotline', 'resolved'), n('hotline', 'tickets'), n('hotline', 'tickets'));
    case 'proposals_on_time_rate': return metricValue(code, n('proposals', 'on_time'), n('proposals', 'due'), n('proposals', 'due'));
    case 'training_hours_share': {
      // A staff member is one person whatever their records; a unit counts its active staff.
      const people = kind === 'staff' ? 1 : n('training', 'people');
      return metricValue(code, n('training', 'hours'), requiredHoursPerPerson * people, people);
    }
    case 'complaints_per_1000': return metricValue(code, n('cases', 'complaints') * 1000, n('transactions', 'completed'), n('transactions', 'completed'));
    case 'repeat_complaint_rate': return metricValue(code, n('cases', 'repeats'), n('cases', 'received'), n('cases', 'received'));
    case 'substantiated_complaints': {
      // A count: no complaint found true is a real zero (the case register is the whole evidence).
      const count = n('cases', 'substantiated');
      return { value: count, numerator: count, denominator: null, sample: n('cases', 'received'), insufficient: false };
    }
    default:
      return unavailable();
  }
}

export interface EventsRequest {
  kind: SubjectKind;
  period: Period;
  types: string[];
  subjectIds?: number[];
  /** Overdue events count only once their deadline has passed by this instant (default now). */
  now?: Date;
}

/** Evidence events of the period per subject, ordered by time (then type and record id). */
export async function listEvents(db: Kysely<DB>, req: EventsRequest): Promise<Map<number, EvidenceEvent[]>> {
  checkCodes(req.kind, req.types, EVENT_TYPES, '/types');
  const ids = req.subjectIds ? [...new Set(req.subjectIds)] : null;
  const out = await eventsOf(db, { period: req.period, types: { [req.kind]: req.types }, now: req.now }, ids ? { kind: req.kind, ids } : null);
  return out[req.kind];
}

export interface EventsByKindRequest {
  period: Period;
  types: Partial<Record<SubjectKind, string[]>>;
  now?: Date;
}
export type EventsByKind = Record<SubjectKind, Map<number, EvidenceEvent[]>>;

/** Events of staff and units together: each event type is listed once for both kinds. */
export async function listEventsByKind(db: Kysely<DB>, req: EventsByKindRequest): Promise<EventsByKind> {
  for (const kind of SUBJECT_KINDS) checkCodes(kind, req.types[kind] ?? [], EVENT_TYPES, `/types/${kind}`);
  return eventsOf(db, req, null);
}

async function eventsOf(db: Kysely<DB>, req: EventsByKindRequest, only: repo.Scan['only']): Promise<EventsByKind> {
  const kinds = SUBJECT_KINDS.filter((k) => req.types[k]?.length);
  const types = [...new Set(kinds.flatMap((k) => req.types[k]!))];
  const now = req.now ?? new Date();
  const out: EventsByKind = { staff: new Map(), unit: new Map() };
  await Promise.all(types.map(async (type) => {
    const wanting = kinds.filter((k) => req.types[k]!.includes(type));
    const rows = await EVENT_QUERIES[type]!(db, { period: req.period, kinds: wanting, only }, now);
    for (const r of rows) {
      for (const kind of wanting) {
        const subjectId = kind === 'staff' ? r.staff_id : r.unit_id;
        if (subjectId === null) continue;
        const e: EvidenceEvent = { type, subjectId, at: r.at, ref: { id: r.ref_id, type: r.ref_type }, summary: r.summary };
        const list = out[kind].get(subjectId);
        if (list) list.push(e);
        else out[kind].set(subjectId, [e]);
      }
    }
  }));
  for (const byId of Object.values(out)) {
    for (const list of byId.values()) {
      list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.type.localeCompare(b.type) || Number(a.ref.id) - Number(b.ref.id));
    }
  }
  return out;
}
