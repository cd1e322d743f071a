// Which subjects (units or staff) a caller may list metrics of: the data scope rule of
// registry/scope.ts, optionally narrowed to one unit's subtree, a page at a time in code order.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { offsetOf } from '../../lib/pagination.ts';
import type { Scope } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';
import type { SubjectKind } from './definitions.ts';

export interface SubjectRow { id: number; code: string; name: string; unit_code: string; category: string }

export async function findUnit(db: Kysely<DB>, scope: Scope, code: string) {
  return db.selectFrom('units as u').select(['u.id', 'u.path']).where('u.code', '=', code).where((eb) => unitInScope(eb, scope, 'u')).executeTakeFirst();
}

export async function pageOfSubjects(
  db: Kysely<DB>,
  kind: SubjectKind,
  f: { scope: Scope; underPath?: string; staffId?: number | null; page: number; pageSize: number },
): Promise<{ items: SubjectRow[]; total: number }> {
  if (kind === 'unit') {
    let q = db.selectFrom('units as u').where((eb) => unitInScope(eb, f.scope, 'u'));
    if (f.underPath) q = q.where('u.path', 'like', `${f.underPath}%`);
    const [items, total] = await Promise.all([
      q.select(['u.id', 'u.code', 'u.name', 'u.code as unit_code', 'u.category']).orderBy('u.code').limit(f.pageSize).offset(offsetOf(f)).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: items as SubjectRow[], total: Number(total.n) };
  }
  let q = db.selectFrom('staff as s').innerJoin('units as u', 'u.id', 's.unit_id').where((eb) => unitInScope(eb, f.scope, 'u'));
  if (f.underPath) q = q.where('u.path', 'like', `${f.underPath}%`);
  if (f.staffId !== undefined) q = q.where('s.id', '=', f.staffId ?? -1);
  const [items, total] = await Promise.all([
    q.select(['s.id', 's.code', 's.name', 'u.code as unit_code', 'u.category']).orderBy('s.code').limit(f.pageSize).offset(offsetOf(f)).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items as SubjectRow[], total: Number(total.n) };
}
