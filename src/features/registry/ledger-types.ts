// What each kind of registry record commits to the ledger (存证); see src/ledger/record-types.ts.
//
// Ids: registry records by their code (/api/ledger/records/staff/S0000001) since the code is the
// record's identity across imports and databases; users and imports by their number, because a
// username can be a person's name and an entry holds no personal data.
import { sql } from 'kysely';
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, recordToLedger as appendRecords, STAMPS, updatedAt, versionColumn, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, can, requirePrincipal } from '../auth/principal.ts';
import * as importRepo from '../imports/repo.ts';
import * as registryRepo from './repo.ts';
import * as staffRepo from './staff-repo.ts';

export type RegistryRecordType = 'region' | 'unit' | 'service_item' | 'staff' | 'user' | 'import';

function exists<T>(row: T | undefined, what: string): void {
  if (!row) throw notFound(what);
}

export const REGISTRY_LEDGER_TYPES: Record<RegistryRecordType, LedgerTypeDef> = {
  region: {
    type: 'region',
    table: 'regions',
    key: 'code',
    columns: ['id', 'code', 'name', 'level', 'parent_id', 'path', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      authorize(principal, 'registry.read');
      exists(await registryRepo.findRegion(db, code), `Region ${code}`);
    },
  },
  unit: {
    type: 'unit',
    table: 'units',
    key: 'code',
    columns: ['id', 'code', 'name', 'category', 'region_id', 'parent_id', 'path', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'registry.read');
      exists(await registryRepo.findUnit(db, p.scope, code), `Unit ${code}`);
    },
  },
  service_item: {
    type: 'service_item',
    table: 'service_items',
    key: 'code',
    columns: ['id', 'code', 'name', 'unit_id', 'promised_days', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'registry.read');
      exists(await registryRepo.findServiceItem(db, p.scope, code), `Service item ${code}`);
    },
  },
  staff: {
    type: 'staff',
    table: 'staff',
    key: 'code',
    columns: [
      'id', 'code', 'name', 'unit_id', 'position', 'level', 'status', 'entered_on', 'departed_on',
      'id_number_enc', 'id_number_index', 'phone_enc', 'phone_index', 'content_hmac', ...STAMPS,
    ],
    bytes: ['id_number_enc', 'id_number_index', 'phone_enc', 'phone_index', 'content_hmac'],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, code) => {
      const p = authorize(principal, 'staff.read');
      // The same visibility as reading the record (staff-service): scope, and a civil servant only
      // their own. Not logged as an access: a proof shows a digest, not the person's data.
      const visibility = { scope: p.scope, onlyStaffId: p.role === 'staff' ? (p.staffId ?? -1) : null };
      exists(await staffRepo.findStaff(db, visibility, code), `Staff ${code}`);
    },
  },
  user: {
    type: 'user',
    table: 'users',
    key: 'id',
    columns: ['id', 'username', 'display_name', 'password_hash', 'role', 'scope_region_id', 'scope_unit_id', 'staff_id', 'disabled', ...STAMPS],
    version: versionColumn,
    time: updatedAt,
    checkVisible: async (db, principal, id) => {
      const p = requirePrincipal(principal);
      // Administrators see every account; anyone else only their own (others' existence stays hidden).
      const self = p.kind === 'user' && String(p.id) === id;
      if (!self && !can(p, 'users.manage')) throw notFound(`User ${id}`);
      exists(isNumericId(id) ? await db.selectFrom('users').select('id').where('id', '=', Number(id)).executeTakeFirst() : undefined, `User ${id}`);
    },
  },
  import: {
    type: 'import',
    table: 'import_jobs',
    key: 'id',
    // file_path is where an upload waited on this server's disk: not part of what was imported.
    columns: ['id', 'kind', 'file_name', 'file_sha256', 'status', 'total_rows', 'processed_rows', 'inserted', 'updated', 'unchanged', 'error_count', 'failure', 'created_by', 'started_at', 'finished_at'],
    // A job is committed once, when it completes, and never changes after that.
    version: () => 1,
    time: (row) => row.finished_at as Date,
    filter: sql`status = 'completed'`,
    checkVisible: async (db, principal, id) => {
      const p = authorize(principal, 'imports.read');
      const job = isNumericId(id) ? await importRepo.findJob(db, Number(id)) : undefined;
      // As the imports service: administrators see every job, others the jobs they started.
      const mine = job && (p.role === 'admin' || job.created_by === (p.kind === 'user' ? p.id : -1));
      if (!job || !mine || job.status !== 'completed') throw notFound(`Import ${id}`);
    },
  },
};

/** One pending ledger entry per registry record, from the rows as this transaction stored them. */
export async function recordToLedger(trx: Executor, type: RegistryRecordType, ids: readonly number[]): Promise<void> {
  await appendRecords(trx, REGISTRY_LEDGER_TYPES[type], ids);
}
