// SQL for data scope (分级授权): which units a principal may see. Used by every repository that
// lists or fetches records owned by a unit, so the rule lives in one place.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../auth/principal.ts';

/** A condition on a joined `units` row aliased `unitAlias`, true when the unit is in scope. */
export function unitInScope(
  eb: ExpressionBuilder<any, any>,
  scope: Scope,
  unitAlias = 'u',
): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<boolean>`true`;
  if (scope.kind === 'unit') return eb(`${unitAlias}.path`, 'like', `${scope.path}%`);
  return eb(`${unitAlias}.region_id`, 'in', eb.selectFrom('regions').select('regions.id').where('regions.path', 'like', `${scope.path}%`));
}

/** The same rule in memory, for references resolved during writes. */
export function unitRefInScope(ref: { path: string; regionPath: string }, scope: Scope): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'unit') return ref.path.startsWith(scope.path);
  return ref.regionPath.startsWith(scope.path);
}
