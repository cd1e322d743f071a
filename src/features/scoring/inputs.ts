// What the scoring runs need from the metric library (src/features/metrics, built on branch
// `metrics`): the interface is fixed (see docs/scoring.md). Runs take an `InputProvider`, so tests use
// a fake one and the real library is swapped in without touching the runs. Until the library is
// merged, `defaultInputProvider` loads it at run time when present and otherwise reports every metric
// as insufficient evidence and no events — never a silent zero (the engine then applies each
// indicator's insufficient-evidence rule and says so).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';

export type SubjectKind = 'staff' | 'unit';
/** [from, to), Beijing dates. */
export interface Period { code: string; from: Date; to: Date }
export interface MetricValue { value: number | null; numerator: number | null; denominator: number | null; sample: number; insufficient: boolean }
/** ref = ledger record type + id, e.g. { type: 'rating', id: '123' }. */
export interface EvidenceEvent { type: string; subjectId: number; at: Date; ref: { type: string; id: string }; summary: string }

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

interface MetricsModule {
  computeMetrics: InputProvider['computeMetrics'];
  listEvents: InputProvider['listEvents'];
  METRICS: Record<string, unknown>;
  EVENT_TYPES: Record<string, unknown>;
}

let loaded: Promise<InputProvider> | undefined;

/** The metric library when it is part of the build, else the empty provider. */
export function defaultInputProvider(): Promise<InputProvider> {
  loaded ??= (async () => {
    const path = '../metrics/service.ts';
    try {
      const m = (await import(path)) as MetricsModule;
      if (typeof m.computeMetrics !== 'function' || typeof m.listEvents !== 'function') return emptyInputProvider;
      return {
        computeMetrics: m.computeMetrics,
        listEvents: m.listEvents,
        catalogue: () => ({ metrics: Object.keys(m.METRICS ?? {}), events: Object.keys(m.EVENT_TYPES ?? {}) }),
      };
    } catch {
      return emptyInputProvider;
    }
  })();
  return loaded;
}
