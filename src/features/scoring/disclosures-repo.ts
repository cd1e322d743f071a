// SQL of the public disclosures (公示): published runs and their unit-level results only. Nothing about
// a person is selected here: no staff rows, no names of people, no evidence.
import type { Executor } from './repo.ts';

export async function publishedRuns(db: Executor, limit: number) {
  return db.selectFrom('score_runs as r').innerJoin('score_frameworks as f', 'f.id', 'r.framework_id')
    .select(['r.id', 'r.period', 'r.published_at', 'f.code as framework_code', 'f.version_no', 'f.name_zh', 'f.name_en', 'f.definition'])
    .where('r.status', '=', 'published').orderBy('r.published_at', 'desc').orderBy('r.id', 'desc').limit(limit).execute();
}

export async function publishedRun(db: Executor, id: number) {
  return db.selectFrom('score_runs as r').innerJoin('score_frameworks as f', 'f.id', 'r.framework_id')
    .select(['r.id', 'r.period', 'r.published_at', 'f.code as framework_code', 'f.version_no', 'f.name_zh', 'f.name_en', 'f.definition'])
    .where('r.status', '=', 'published').where('r.id', '=', id).executeTakeFirst();
}

export async function unitResults(db: Executor, runId: number, f: { category?: string; q?: string; page: number; pageSize: number }) {
  let q = db.selectFrom('score_results as r').innerJoin('units as u', 'u.id', 'r.subject_id')
    .where('r.run_id', '=', runId).where('r.subject_kind', '=', 'unit');
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.name', 'like', like), eb('u.code', 'like', like)]));
  }
  const [items, count] = await Promise.all([
    q.select(['u.code', 'u.name', 'r.category', 'r.total', 'r.band', 'r.rank', 'r.category_size'])
      .orderBy('r.category').orderBy('r.rank').orderBy('u.code').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}
