// Public disclosures (公示): the published scoring runs and, for one of them (default: the latest),
// the units' results — total, band, rank in category. Staff results are never disclosed here: a
// person's score is personal data (PRODUCT.md §12); only unit-level results are public. Draft runs
// do not exist for the public (404).
import { notFound } from '../../lib/errors.ts';
import type { Page } from '../../lib/pagination.ts';
import * as repo from './disclosures-repo.ts';
import type { Executor } from './repo.ts';
import type { FrameworkDef } from './model.ts';

export interface DisclosureRun {
  id: number; period: string; publishedAt: string; framework: { code: string; versionNo: number; nameZh: string; nameEn: string };
}
export interface DisclosureRow {
  unitCode: string; unitName: string; category: string; total: number;
  band: { code: string; nameZh: string; nameEn: string }; rank: number; categorySize: number;
}
export interface DisclosureQuery { runId?: number; category?: string; q?: string; page: number; pageSize: number }

type RunRow = NonNullable<Awaited<ReturnType<typeof repo.publishedRun>>>;
const runView = (r: RunRow): DisclosureRun => ({
  id: Number(r.id), period: r.period, publishedAt: r.published_at!.toISOString(),
  framework: { code: r.framework_code, versionNo: r.version_no, nameZh: r.name_zh, nameEn: r.name_en },
});

/** The published runs (newest first, at most 20) and one run's unit results, paged. */
export async function listDisclosures(db: Executor, q: DisclosureQuery): Promise<Page<DisclosureRow> & { runs: DisclosureRun[]; run: DisclosureRun | null }> {
  const runs = await repo.publishedRuns(db, 20);
  const chosen = q.runId === undefined ? runs[0] : await repo.publishedRun(db, q.runId);
  if (q.runId !== undefined && !chosen) throw notFound(`Published scoring run ${q.runId}`);
  if (!chosen) return { runs: [], run: null, items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const bands = new Map(((chosen.definition as FrameworkDef).bands ?? []).map((b) => [b.code, b]));
  const { items, total } = await repo.unitResults(db, Number(chosen.id), q);
  return {
    runs: runs.map(runView),
    run: runView(chosen),
    items: items.map((r) => {
      const b = bands.get(r.band);
      return {
        unitCode: r.code, unitName: r.name, category: r.category, total: Number(r.total),
        band: { code: r.band, nameZh: b?.nameZh ?? r.band, nameEn: b?.nameEn ?? r.band }, rank: r.rank, categorySize: r.category_size,
      };
    }),
    page: q.page, pageSize: q.pageSize, total,
  };
}
