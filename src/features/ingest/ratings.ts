// Ratings from external 好差评 systems, through ingestion: `POST /api/ingest/ratings` (NDJSON, gzip
// allowed) and `probity import ratings FILE` (NDJSON, CSV or XLSX). Each batch of lines goes through
// ingestRatings (ratings/service.ts) — the same checks, writer, rectifications of 差评 and ledger
// entries as every rating — with the job's bookkeeping in the same transaction, so a job's summary,
// refused lines (by line and field) and resume after a crash work as for evidence.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import type { HeaderSpec } from '../imports/reader.ts';
import { ingestRatings, type IngestRatingRow } from '../ratings/service.ts';
import { recordLedger } from './ledger.ts';
import type { Job } from './pipeline.ts';
import type { RawRecord } from './reader.ts';
import * as repo from './repo.ts';

export const RATINGS_KIND = 'ratings';
const BATCH = 1000;

export const RATINGS_HEADER: HeaderSpec = {
  aliases: {
    transactionCode: ['transactionCode', 'transaction code', '办件查询码', '查询码', '评价码', '办件编号'],
    level: ['level', '评价等级', '等级', '满意度'],
    channel: ['channel', '评价渠道', '评价方式'],
    ratedAt: ['ratedAt', 'rated at', '评价时间'],
    comment: ['comment', '评价内容', '评价意见', '意见'],
    tags: ['tags', '标签', '差评原因'],
    raterName: ['raterName', '评价人', '评价人姓名'],
    raterPhone: ['raterPhone', '评价人电话', '联系电话', '手机号'],
  },
  required: ['transactionCode', 'level', 'channel', 'ratedAt'],
};

/** Channel names as 好差评 systems write them (GB/T 39734), besides the API's own. */
const CHANNELS: Record<string, string> = { 一次一评: 'per_visit', 一事一评: 'per_matter', 综合点评: 'overall', 监督查评: 'supervision' };

const text = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v : String(v));

/** A loose record (NDJSON object or spreadsheet row) as ingestRatings takes it; ingestRatings checks it. */
export function ratingRow(v: Record<string, unknown>): IngestRatingRow {
  const channel = text(v.channel)?.trim() ?? '';
  const level = typeof v.level === 'string' && /^\s*\d+\s*$/.test(v.level) ? Number(v.level) : (v.level as number);
  const tags = Array.isArray(v.tags) ? v.tags : typeof v.tags === 'string' && v.tags.trim() ? v.tags.split(/[;,；，、]/).map((t) => t.trim()).filter(Boolean) : null;
  const loose = v.realName as { name?: unknown; phone?: unknown } | undefined;
  const name = text(loose?.name ?? v.raterName);
  const phone = text(loose?.phone ?? v.raterPhone);
  return {
    transactionCode: text(v.transactionCode) ?? '',
    level,
    channel: CHANNELS[channel] ?? channel,
    ratedAt: text(v.ratedAt) ?? '',
    comment: text(v.comment),
    tags: tags as string[] | null,
    realName: name || phone ? { name: name ?? '', phone: phone ?? '' } : null,
  };
}

export interface RatingsRunOptions {
  cipher: FieldCipher;
  /** Records already committed by an earlier run (resume), skipped by the reader. */
  skipped?: number;
  onProgress?: (lines: number) => void;
}

/** Runs a ratings job over its records to the end, a committed batch at a time; returns the finished job. */
export async function runRatingsIngest(db: Kysely<DB>, job: Job, records: AsyncIterable<RawRecord[]>, opts: RatingsRunOptions): Promise<Job> {
  let index = opts.skipped ?? 0;
  let batch: { first: number; last: number; rows: { line: number; row: IngestRatingRow }[]; errors: repo.RowError[] } | null = null;
  const flush = async () => {
    const b = batch;
    batch = null;
    if (!b) return;
    await db.transaction().execute(async (trx) => {
      const result = b.rows.length ? await ingestRatings({ db: trx, cipher: opts.cipher }, b.rows.map((r) => r.row)) : null;
      const errors = [...b.errors];
      for (const o of result?.outcomes ?? []) {
        if (o.status === 'rejected') errors.push({ line: b.rows[o.index]!.line, field: o.field ?? '$', reason: o.reason ?? 'refused' });
      }
      errors.sort((x, y) => x.line - y.line);
      await repo.recordBatch(trx, job.id, {
        first: b.first, last: b.last, inserted: result?.inserted ?? 0, updated: 0, unchanged: result?.unchanged ?? 0,
        rejected: new Set(errors.map((e) => e.line)).size, errors,
      });
    });
    opts.onProgress?.(b.last);
  };
  try {
    for await (const chunk of records) {
      for (const rec of chunk) {
        index++;
        batch ??= { first: index, last: index, rows: [], errors: [] };
        batch.last = index;
        if (rec.error || !rec.values) batch.errors.push({ line: rec.line, field: rec.error?.field ?? '$', reason: rec.error?.reason ?? 'is empty' });
        else batch.rows.push({ line: rec.line, row: ratingRow(rec.values) });
        if (index % BATCH === 0) await flush();
      }
    }
    await flush();
    return await db.transaction().execute(async (trx) => {
      const done = await repo.finishJob(trx, job.id, 'completed', null);
      await recordLedger(trx, [{ type: 'ingest_job', id: done.id, version: 1 }]);
      return done;
    });
  } catch (err) {
    await repo.finishJob(db, job.id, 'failed', `stopped: ${(err as Error).message}`.slice(0, 500)).catch(() => {});
    throw err;
  }
}
