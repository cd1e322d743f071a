// The one pagination/sort shape for every list endpoint:
//   request  ?page=1&pageSize=50&sort=-updatedAt&q=text   (plus per-list filters)
//   response { items, page, pageSize, total }
import { Type, type Static } from 'typebox';
import { validationFailed } from './errors.ts';

export const MAX_PAGE_SIZE = 500;

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 }),
  sort: Type.Optional(Type.String({ maxLength: 64, description: 'field name, prefix with - for descending' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'free-text search' })),
});
export type PageQuery = Static<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const pageOf = <T extends import('typebox').TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() });

export interface SortSpec<C extends string> {
  column: C;
  direction: 'asc' | 'desc';
}

/** Maps a public sort key to a column, refusing keys the list does not offer. */
export function parseSort<C extends string>(sort: string | undefined, allowed: Record<string, C>, fallback: SortSpec<C>): SortSpec<C> {
  if (!sort) return fallback;
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const key = sort.replace(/^[-+]/, '');
  const column = allowed[key];
  if (!column) {
    throw validationFailed([{ path: '/querystring/sort', message: `sort must be one of ${Object.keys(allowed).join(', ')} (prefix - for descending)` }]);
  }
  return { column, direction };
}

export const offsetOf = (q: { page: number; pageSize: number }) => (q.page - 1) * q.pageSize;
