// SQL of the units × dimensions matrix of a run (the dashboard's heatmap): units in the caller's scope
// with their totals and stored breakdowns, worst first.
import { unitInScope } from '../registry/scope.ts';
import type { Scope } from '../auth/principal.ts';
import type { Executor } from './repo.ts';

export async function unitRows(db: Executor, scope: Scope, runId: number, f: { bottom?: boolean; page: number; pageSize: number }) {
  let q = db.selectFrom('score_results as r').innerJoin('units as u', 'u.id', 'r.unit_id')
    .where('r.run_id', '=', runId).where('r.subject_kind', '=', 'unit').where((eb) => unitInScope(eb, scope, 'u'));
  if (f.bottom !== undefined) q = q.where('r.bottom', '=', f.bottom);
  const [items, count] = await Promise.all([
    q.select(['u.code', 'u.name', 'r.category', 'r.total', 'r.band', 'r.rank', 'r.category_size', 'r.bottom', 'r.detail'])
      .orderBy('r.total').orderBy('u.code').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}
