// The units × dimensions matrix of a run: each unit in the caller's scope with its total, band, rank,
// bottom flag and points per dimension (from its stored breakdown), worst total first. Units only; a
// civil servant (who sees only their own result) gets an empty list.
import type { Page } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { getRun, ownOnly } from './runs.ts';
import type { ScoringDeps } from './service.ts';
import { unitRows } from './unit-matrix-repo.ts';

export interface UnitMatrixRow {
  unitCode: string; unitName: string; category: string; total: number; band: string; rank: number; categorySize: number; bottom: boolean;
  dimensions: { code: string; nameZh: string; nameEn: string; points: number; max: number }[];
}

export async function unitMatrix(deps: ScoringDeps, principal: Principal | null, runId: number, q: { bottom?: boolean; page: number; pageSize: number }): Promise<Page<UnitMatrixRow>> {
  const p = authorize(principal, 'scores.read');
  await getRun(deps, p, runId);
  if (ownOnly(p) !== undefined) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const { items, total } = await unitRows(deps.db, p.scope, runId, q);
  return {
    items: items.map((r) => {
      const detail = JSON.parse(r.detail) as { dimensions: UnitMatrixRow['dimensions'] };
      return {
        unitCode: r.code, unitName: r.name, category: r.category, total: Number(r.total), band: r.band, rank: r.rank, categorySize: r.category_size, bottom: r.bottom,
        dimensions: detail.dimensions.map((d) => ({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, points: d.points, max: d.max })),
      };
    }),
    page: q.page, pageSize: q.pageSize, total,
  };
}
