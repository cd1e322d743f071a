// Shapes of the scoring API (考核评估, docs/scoring.md) and the small helpers the scoring pages share:
// the run and framework queries, band names and colours from the framework, and who may do what
// (the server decides; this only hides buttons that would be refused).
import { useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api.ts';
import type { Locale } from '../../shared/i18n/index.tsx';
import type { Me } from '../session.ts';

export interface Run {
  id: number; period: string; frameworkId: number; frameworkDigest: string; digest: string; subjectCount: number; unscoredCount: number;
  status: 'draft' | 'published'; publishedAt: string | null; createdAt: string;
}
export interface ResultRow {
  subjectKind: 'staff' | 'unit'; subjectCode: string; unitCode: string; unitName: string; category: string; level: string | null; total: number; band: string;
  rank: number; categorySize: number; bottom: boolean; promotionEligible: boolean | null; vetoed: boolean; digest: string;
}
export interface Line { zh: string; en: string }
export interface EvidenceRef { type: string; id: string }
export interface ResultItem {
  code: string; kind: string; dimension: string | null; status: string; points: number; max: number; value: number | null; explanation: Line; evidence: EvidenceRef[];
}
export interface ResultDetail {
  subject: { kind: string; code: string; category: string; level: string | null };
  total: number; basic: number; bonus: number; deduction: number;
  band: { code: string; nameZh: string; nameEn: string }; bandBeforeQuota: string | null; quotaNote: Line | null;
  rank: number; categorySize: number; bottom: boolean; promotionEligible: boolean | null;
  veto: { code: string; explanation: Line; evidence: EvidenceRef[] } | null;
  dimensions: { code: string; nameZh: string; nameEn: string; max: number; points: number }[];
  items: ResultItem[];
  digest: string;
}
export interface Band { code: string; nameZh: string; nameEn: string; min: number }
export interface Rubric { level: string; nameZh: string; nameEn: string; fraction: number }
export interface Indicator {
  kind: string; code: string; nameZh: string; nameEn: string; weight?: number; rubric?: Rubric[]; metric?: string; curve?: Record<string, unknown>;
  event?: string; pointsPer?: number; cap?: number; dimension?: string; validFrom?: string; validTo?: string; [k: string]: unknown;
}
export interface Dimension { code: string; nameZh: string; nameEn: string; weight: number; indicators: Indicator[] }
export interface Variant { category: string; dimensions: Dimension[]; items?: Indicator[]; vetoes?: Indicator[] }
export interface FrameworkDef {
  code: string; nameZh: string; nameEn: string; structure: { basic: number; bonusCap: number; deductionCap: number };
  floors?: Record<string, number>; bands: Band[]; promotionThreshold?: number; bottomShare?: number; insufficientFraction?: number;
  variants: Variant[]; [k: string]: unknown;
}
export interface Framework {
  id: number; code: string; versionNo: number; status: 'draft' | 'published'; nameZh: string; nameEn: string; digest: string;
  publishedAt: string | null; createdAt: string; updatedAt: string; definition?: FrameworkDef;
}
export interface UnitMatrixRow {
  unitCode: string; unitName: string; category: string; total: number; band: string; rank: number; categorySize: number; bottom: boolean;
  dimensions: { code: string; nameZh: string; nameEn: string; points: number; max: number }[];
}

export const useRun = (id: number) =>
  useQuery({ queryKey: ['scoring-run', id], queryFn: () => api.get<Run>(`/api/scoring/runs/${id}`), enabled: Number.isInteger(id) && id > 0 });

export const useFramework = (id: number | undefined) =>
  useQuery({ queryKey: ['framework', id], queryFn: () => api.get<Framework & { definition: FrameworkDef }>(`/api/scoring/frameworks/${id}`), enabled: Boolean(id), staleTime: 60_000 });

/** The latest published run, or null when nothing is published yet. */
export const useLatestPublishedRun = (enabled = true) =>
  useQuery({
    queryKey: ['scoring-latest-published'],
    queryFn: async () => (await api.get<{ items: Run[] }>('/api/scoring/runs', { status: 'published', pageSize: 1 })).items[0] ?? null,
    enabled,
    staleTime: 60_000,
  });

export const pick = (locale: Locale, zh: string, en: string) => (locale === 'en' ? en : zh);
export const lineText = (locale: Locale, l: Line | null | undefined) => (l ? (locale === 'en' ? l.en : l.zh) : '');

const BAND_COLOURS: Record<string, string> = { excellent: 'green', good: 'blue', pass: 'gold', fail: 'red', warning: 'volcano' };
export const bandColour = (code: string) => BAND_COLOURS[code] ?? 'default';

export function bandName(locale: Locale, bands: Band[] | undefined, code: string): string {
  const b = bands?.find((x) => x.code === code);
  return b ? pick(locale, b.nameZh, b.nameEn) : code;
}

/** Every dimension, indicator, item and veto of a framework by code, for naming them in the pages. */
export function namesOf(def: FrameworkDef | undefined, locale: Locale): Map<string, string> {
  const m = new Map<string, string>();
  for (const v of def?.variants ?? []) {
    for (const d of v.dimensions) {
      m.set(d.code, pick(locale, d.nameZh, d.nameEn));
      for (const i of d.indicators) m.set(i.code, pick(locale, i.nameZh, i.nameEn));
    }
    for (const i of [...(v.items ?? []), ...(v.vetoes ?? [])]) m.set(i.code, pick(locale, i.nameZh, i.nameEn));
  }
  return m;
}

const has = (me: Me | null | undefined, roles: string[]) => Boolean(me && roles.includes(me.role));
export const may = {
  run: (me: Me | null | undefined) => has(me, ['admin', 'organizer']),
  publishRun: (me: Me | null | undefined) => has(me, ['organizer']),
  fairness: (me: Me | null | undefined) => has(me, ['admin', 'organizer']),
  editFramework: (me: Me | null | undefined) => has(me, ['admin', 'organizer']),
  exempt: (me: Me | null | undefined) => has(me, ['organizer', 'inspector']),
  readScores: (me: Me | null | undefined) => has(me, ['admin', 'organizer', 'inspector', 'unit_head', 'staff']),
  assess: (me: Me | null | undefined) => has(me, ['assessor', 'organizer']),
};

/** '2026', '2026H1', '2026Q3', '2026-07' (docs/scoring.md). */
export const PERIOD_RE = /^\d{4}(?:H[12]|Q[1-4]|-(?:0[1-9]|1[0-2]))?$/;

/** The last complete quarter before today (Beijing time), a sensible default period. */
export function lastQuarter(now = Date.now()): string {
  const d = new Date(now + 8 * 3_600_000);
  const q = Math.floor(d.getUTCMonth() / 3); // current quarter index 0..3
  return q === 0 ? `${d.getUTCFullYear() - 1}Q4` : `${d.getUTCFullYear()}Q${q}`;
}
