// What the scoring runs need from the metric library (src/features/metrics), see docs/scoring.md.
// Runs take an `InputProvider`, so tests use a fake one; the server and CLI use the library. A metric
// without enough evidence is insufficient, never a silent zero (the engine then applies each
// indicator's insufficient-evidence rule and says so).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import * as metrics from '../metrics/service.ts';

import type { EvidenceEvent, MetricValue, Period, SubjectKind } from '../metrics/service.ts';

export type { EvidenceEvent, MetricValue, Period, SubjectKind };

/** What a run asks for: per kind of subject, the metric codes, event types and subjects. */
export interface InputRequest {
  period: Period;
  codes: string[];
  types: string[];
  subjectIds: Record<SubjectKind, number[]>;
}
export interface Inputs {
  metrics: Record<SubjectKind, Map<number, Record<string, MetricValue>>>;
  events: Record<SubjectKind, Map<number, EvidenceEvent[]>>;
}

export interface InputProvider {
  /** Metric values and events of every subject of both kinds for the period. */
  gather(db: Kysely<DB>, q: InputRequest): Promise<Inputs>;
  /** Known metric codes and event types (for framework validation); null when not known. */
  catalogue(): { metrics: string[]; events: string[] } | null;
}

const insufficient = (): MetricValue => ({ value: null, numerator: null, denominator: null, sample: 0, insufficient: true });

/**
 * The metric library, both kinds in one pass over each kind of evidence. A framework may name a
 * metric or event type that does not apply to a kind of subject (a unit-only hotline metric in an
 * indicator staff are also scored on): for that kind it is insufficient evidence, and no events,
 * rather than a refusal of the whole run.
 */
export const metricLibraryProvider: InputProvider = {
  async gather(db, q) {
    const applies = (kind: SubjectKind, code: string, catalogue: Record<string, { subjects: SubjectKind[] }>) => catalogue[code]?.subjects.includes(kind);
    const codes = { staff: q.codes.filter((c) => applies('staff', c, metrics.METRICS)), unit: q.codes.filter((c) => applies('unit', c, metrics.METRICS)) };
    const types = { staff: q.types.filter((t) => applies('staff', t, metrics.EVENT_TYPES)), unit: q.types.filter((t) => applies('unit', t, metrics.EVENT_TYPES)) };
    const [values, events] = await Promise.all([
      metrics.computeMetricsByKind(db, { period: q.period, codes, subjectIds: q.subjectIds }),
      metrics.listEventsByKind(db, { period: q.period, types }),
    ]);
    for (const kind of metrics.SUBJECT_KINDS) {
      const rest = q.codes.filter((c) => !codes[kind].includes(c));
      for (const id of q.subjectIds[kind]) values[kind].set(id, { ...values[kind].get(id), ...Object.fromEntries(rest.map((c) => [c, insufficient()])) });
    }
    return { metrics: values, events };
  },
  catalogue: () => ({ metrics: Object.keys(metrics.METRICS), events: Object.keys(metrics.EVENT_TYPES) }),
};

export function defaultInputProvider(): Promise<InputProvider> {
  return Promise.resolve(metricLibraryProvider);
}
