// What the scoring runs need from the metric library (src/features/metrics): the interface is fixed
// (see docs/scoring.md). Runs take an `InputProvider`, so tests use a fake one; the server and CLI use
// the library. A metric without enough evidence is insufficient, never a silent zero (the engine then
// applies each indicator's insufficient-evidence rule and says so).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import * as metrics from '../metrics/service.ts';

import type { EvidenceEvent, MetricValue, Period, SubjectKind } from '../metrics/service.ts';

export type { EvidenceEvent, MetricValue, Period, SubjectKind };

export interface InputProvider {
  computeMetrics(db: Kysely<DB>, q: { kind: SubjectKind; period: Period; codes: string[]; subjectIds?: number[] }): Promise<Map<number, Record<string, MetricValue>>>;
  listEvents(db: Kysely<DB>, q: { kind: SubjectKind; period: Period; types: string[]; subjectIds?: number[] }): Promise<Map<number, EvidenceEvent[]>>;
  /** Known metric codes and event types (for framework validation); null when not known. */
  catalogue(): { metrics: string[]; events: string[] } | null;
}

/** No evidence at all: every metric insufficient, no events. */
export const emptyInputProvider: InputProvider = {
  async computeMetrics(_db, q) {
    const out = new Map<number, Record<string, MetricValue>>();
    for (const id of q.subjectIds ?? []) {
      out.set(id, Object.fromEntries(q.codes.map((c) => [c, { value: null, numerator: null, denominator: null, sample: 0, insufficient: true }])));
    }
    return out;
  },
  async listEvents() {
    return new Map();
  },
  catalogue: () => null,
};

/**
 * The metric library. A framework may name a metric or event type that does not apply to a kind of
 * subject (a unit-only hotline metric in an indicator staff are also scored on): for that kind it is
 * insufficient evidence, and no events, rather than a refusal of the whole run.
 */
export const metricLibraryProvider: InputProvider = {
  async computeMetrics(db, q) {
    const applies = q.codes.filter((c) => metrics.METRICS[c]?.subjects.includes(q.kind));
    const out = applies.length ? await metrics.computeMetrics(db, { ...q, codes: applies }) : new Map<number, Record<string, MetricValue>>();
    const rest = q.codes.filter((c) => !applies.includes(c));
    if (rest.length) {
      const none = await emptyInputProvider.computeMetrics(db, { ...q, codes: rest, subjectIds: q.subjectIds ?? [...out.keys()] });
      for (const [id, values] of none) out.set(id, { ...out.get(id), ...values });
    }
    return out;
  },
  async listEvents(db, q) {
    const types = q.types.filter((t) => metrics.EVENT_TYPES[t]?.subjects.includes(q.kind));
    return types.length ? metrics.listEvents(db, { ...q, types }) : new Map();
  },
  catalogue: () => ({ metrics: Object.keys(metrics.METRICS), events: Object.keys(metrics.EVENT_TYPES) }),
};

export function defaultInputProvider(): Promise<InputProvider> {
  return Promise.resolve(metricLibraryProvider);
}
