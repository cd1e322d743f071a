// What evidence commits to the ledger (存证): every evidence row version (through the entry of the
// batch that wrote it), every source and every completed ingest job, by database number
// (/api/ledger/records/service_transaction/123): external ids may hold characters an entry id may
// not. Evidence rows hold no personal data of citizens.
import { sql, type RawBuilder } from 'kysely';
import { notFound } from '../../lib/errors.ts';
import type { Executor } from '../../ledger/store.ts';
import { isNumericId, STAMPS, updatedAt, versionColumn, type LedgerRow, type LedgerTypeDef } from '../../ledger/record-types.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { unitInScope } from '../registry/scope.ts';

const KEY = ['id', 'source_id', 'external_id'] as const;
const writtenOnce = (time: string) => ({ version: () => 1, time: (row: LedgerRow) => row[time] as Date });
const HASH = ['content_hash', ...STAMPS] as const;

/** Evidence is read by those who run ingestion, within their data scope (via the owning unit). */
function evidenceVisible(table: string, unitColumn: RawBuilder<unknown> | string) {
  return async (db: Executor, principal: Principal | null, id: string) => {
    const p = authorize(principal, 'ingest.read');
    const unit = typeof unitColumn === 'string' ? sql.ref(`t.${unitColumn}`) : unitColumn;
    const found = isNumericId(id) && (await db.selectFrom(sql`${sql.table(table)}`.as('t'))
      .innerJoin('units as u', (j) => j.on(sql`u.id`, '=', unit))
      .select(sql`1`.as('one')).where(sql.ref('t.id'), '=', Number(id)).where((eb) => unitInScope(eb, p.scope, 'u'))
      .executeTakeFirst());
    if (!found) throw notFound(`Record ${id}`);
  };
}

function evidence(type: string, table: LedgerTypeDef['table'], columns: readonly string[], unit: RawBuilder<unknown> | string = 'unit_id'): LedgerTypeDef {
  return {
    type, table, key: 'id', columns: [...KEY, ...columns, ...HASH], bytes: ['content_hash'],
    version: versionColumn, time: updatedAt, checkVisible: evidenceVisible(table, unit),
    batch: { column: 'ledger_batch', type: 'evidence_batch' },
  };
}

/**
 * One ledger entry per ingest batch of evidence (decision 55): its record lists
 * "id:version:sha256" of every evidence row version the batch wrote. Ids and digests only, so it is
 * shown to whoever may read evidence at all (a digest reveals nothing of a row one cannot see).
 */
export const EVIDENCE_BATCH_TYPE: LedgerTypeDef = {
  type: 'evidence_batch', table: 'evidence_batches', key: 'id',
  columns: ['id', 'record_type', 'job_id', 'rows', 'created_at'], ...writtenOnce('created_at'),
  checkVisible: async (db, principal, id) => {
    authorize(principal, 'ingest.read');
    if (!isNumericId(id) || !(await db.selectFrom('evidence_batches').select('id').where('id', '=', Number(id)).executeTakeFirst())) throw notFound(`Evidence batch ${id}`);
  },
};

export const EVIDENCE_LEDGER_TYPES = {
  evidence_batch: EVIDENCE_BATCH_TYPE,
  service_transaction: evidence('service_transaction', 'service_transactions', [
    'transaction_code', 'service_item_id', 'unit_id', 'handler_staff_id', 'channel', 'status', 'accepted_at', 'completed_at', 'promised_days',
  ]),
  hotline_ticket: evidence('hotline_ticket', 'hotline_tickets', ['unit_id', 'received_at', 'responded_at', 'resolved_at', 'satisfaction', 'category', 'summary']),
  petition: evidence('petition', 'petitions', ['unit_id', 'received_at', 'due_at', 'closed_at', 'category']),
  training_record: evidence('training_record', 'training_records', ['staff_id', 'course', 'hours', 'completed_on'],
    sql`(select s.unit_id from staff s where s.id = t.staff_id)`),
  audit_finding: evidence('audit_finding', 'audit_findings', ['unit_id', 'staff_id', 'found_on', 'severity', 'summary', 'rectified_on']),
  proposal: evidence('proposal', 'proposals', ['kind', 'unit_id', 'received_on', 'due_on', 'answered_on']),
  source: {
    type: 'source', table: 'sources', key: 'id',
    // token_id is bookkeeping: a source's token is replaced without a new version of the source.
    columns: ['id', 'code', 'name', 'created_at'], ...writtenOnce('created_at'),
    checkVisible: async (db, principal, id) => {
      authorize(principal, 'sources.read');
      if (!isNumericId(id) || !(await db.selectFrom('sources').select('id').where('id', '=', Number(id)).executeTakeFirst())) throw notFound(`Source ${id}`);
    },
  },
  ingest_job: {
    type: 'ingest_job', table: 'ingest_jobs', key: 'id',
    columns: ['id', 'kind', 'source_id', 'mode', 'via', 'file_name', 'file_sha256', 'status', 'lines', 'inserted', 'updated', 'unchanged', 'rejected', 'created_by', 'token_id', 'started_at', 'finished_at'],
    ...writtenOnce('finished_at'),
    // Recorded once, when the job completes.
    filter: sql`status = 'completed'`,
    checkVisible: async (db, principal, id) => {
      const p = authorize(principal, 'ingest.read');
      const job = isNumericId(id) ? await db.selectFrom('ingest_jobs').select(['created_by', 'token_id', 'status']).where('id', '=', Number(id)).executeTakeFirst() : undefined;
      // As the ingest service: administrators see every job, others the jobs they started.
      const mine = job && (p.role === 'admin' || (p.kind === 'user' ? job.created_by === p.id : job.token_id === p.id));
      if (!job || !mine || job.status !== 'completed') throw notFound(`Ingest job ${id}`);
    },
  },
} satisfies Record<string, LedgerTypeDef>;
