// The access log (查阅留痕): who viewed whose personal record, when and why.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import * as repo from './repo.ts';

export interface AccessEvent {
  subjectType: 'staff' | 'rating' | 'case';
  subjectId: number;
  action: 'view' | 'reveal';
  reason: string | null;
}

export async function recordAccess(db: Kysely<DB> | Transaction<DB>, principal: Principal, event: AccessEvent): Promise<void> {
  // Machine tokens have no user row; they may not read personal records at all (checked before).
  if (principal.kind !== 'user') return;
  await repo.insertAccess(db, { actor_user_id: principal.id, subject_type: event.subjectType, subject_id: event.subjectId, action: event.action, reason: event.reason });
}

export interface AccessEntry { id: number; at: string; actor: string; action: string; reason: string | null; subjectType: string; subjectCode: string | null }

export async function listAccess(db: Kysely<DB>, principal: Principal | null, q: PageQuery & { staffCode?: string }): Promise<Page<AccessEntry>> {
  authorize(principal, 'access_log.read');
  let subjectId: number | undefined;
  if (q.staffCode) {
    const staff = await db.selectFrom('staff').select('id').where('code', '=', q.staffCode).executeTakeFirst();
    subjectId = staff?.id ?? -1;
  }
  const { items, total } = await repo.listAccess(db, { subjectType: q.staffCode ? 'staff' : undefined, subjectId, page: q.page, pageSize: q.pageSize });
  return {
    items: items.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, reason: r.reason, subjectType: r.subject_type, subjectCode: r.subject_code })),
    page: q.page,
    pageSize: q.pageSize,
    total,
  };
}
