// Ingest rules: registered sources (which external system, its token), streaming ingest of NDJSON
// over HTTP attributed to a source, and reading jobs back with their refused lines.
import { Transform, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { parseSort, type Page, type PageQuery } from '../../lib/pagination.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { addToken } from '../auth/service.ts';
import { EVIDENCE_KIND_NAMES, EVIDENCE_SPECS, isEvidenceKind, type EvidenceSpec } from './kinds.ts';
import { recordLedger } from './ledger.ts';
import { runIngest, type IngestDeps, type Job, type RowError } from './pipeline.ts';
import { RATINGS_KIND, runRatingsIngest } from './ratings.ts';
import { ndjsonRecords } from './reader.ts';
import * as repo from './repo.ts';

export const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];
/** Decompressed size at which a request stops with 413 (what was committed before stays). */
export const MAX_BODY_BYTES = 8 * 1024 ** 3;
export const SUMMARY_ERRORS = 1000;
export const CLI_SOURCE = { code: 'cli-import', name: '命令行导入 (probity import)' };

// ---- sources ------------------------------------------------------------------------------

export interface SourceView { code: string; name: string; hasToken: boolean; tokenLastUsedAt: string | null; createdAt: string }

export async function registerSource(deps: IngestDeps, principal: Principal | null, body: { code: string; name: string }) {
  authorize(principal, 'sources.manage');
  const code = body.code.trim();
  const name = body.name.trim();
  const errors = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/.test(code)) errors.push({ path: '/body/code', message: 'must be 2–40 letters, digits, _ . - starting with a letter or digit' });
  if (!name || [...name].length > 100) errors.push({ path: '/body/name', message: 'must be 1–100 characters' });
  if (errors.length) throw validationFailed(errors);
  if (await repo.findSourceByCode(deps.db, code)) throw conflict(`a source with code ${code} already exists`);
  // The source, its token and their ledger record commit together; the token is shown only now.
  return deps.db.transaction().execute(async (trx) => {
    const token = await addToken({ db: trx }, { name: `source-${code}`, role: 'ingest' });
    const source = await repo.insertSource(trx, { code, name, token_id: token.id });
    await recordLedger(trx, [{ type: 'source', id: source.id, version: 1 }]);
    return { code: source.code, name: source.name, createdAt: source.created_at.toISOString(), token: token.token };
  });
}

const SOURCE_SORT = { code: 's.code', name: 's.name', createdAt: 's.created_at' } as const;

export async function listSources(deps: IngestDeps, principal: Principal | null, q: PageQuery): Promise<Page<SourceView>> {
  authorize(principal, 'sources.read');
  const sort = parseSort(q.sort, SOURCE_SORT, { column: 's.code', direction: 'asc' });
  const { items, total } = await repo.listSources(deps.db, q, sort);
  return {
    items: items.map((s) => ({
      code: s.code, name: s.name, hasToken: s.token_id !== null && !s.revoked_at,
      tokenLastUsedAt: s.last_used_at?.toISOString() ?? null, createdAt: s.created_at.toISOString(),
    })),
    page: q.page, pageSize: q.pageSize, total,
  };
}

/** The source a CLI import is attributed to: `code`, or the built-in cli-import source. */
export async function cliSource(deps: IngestDeps, code: string | undefined) {
  if (!code || code === CLI_SOURCE.code) {
    await deps.db.transaction().execute(async (trx) => {
      const created = await repo.insertSourceIfMissing(trx, CLI_SOURCE.code, CLI_SOURCE.name);
      if (created) await recordLedger(trx, [{ type: 'source', id: created, version: 1 }]);
    });
    return (await repo.findSourceByCode(deps.db, CLI_SOURCE.code))!;
  }
  const source = await repo.findSourceByCode(deps.db, code);
  if (!source) throw notFound(`Source ${code} (register it with POST /api/sources)`);
  return source;
}

// ---- ingest over HTTP ---------------------------------------------------------------------

export function checkKind(kind: string): EvidenceSpec {
  if (!isEvidenceKind(kind)) throw validationFailed([{ path: '/params/kind', message: `must be one of ${[...EVIDENCE_KIND_NAMES, RATINGS_KIND].join(', ')}` }]);
  return EVIDENCE_SPECS[kind];
}

/**
 * Everything that can be refused before the body is read: sign-in, role, kind, media type and
 * encoding. Called before the body is parsed, so a refused request never streams its body.
 */
export function checkIngestRequest(principal: Principal | null, kind: string, headers: { contentType?: string; contentEncoding?: string }) {
  const p = authorize(principal, 'ingest.run');
  // Ratings name transactions by code, not units: only a province-wide principal may send them.
  if (kind === RATINGS_KIND && p.scope.kind !== 'all') throw new AppError(403, 'Ratings may be ingested only with a province-wide data scope');
  const spec = kind === RATINGS_KIND ? null : checkKind(kind);
  const type = (headers.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!NDJSON_TYPES.includes(type)) {
    throw new AppError(415, `Send the records as NDJSON (Content-Type: application/x-ndjson), one JSON object a line; got ${type ? type.slice(0, 80) : 'no content type'}`);
  }
  const encoding = (headers.contentEncoding ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'x-gzip'].includes(encoding)) {
    throw new AppError(415, `Content-Encoding ${encoding.slice(0, 40)} is not supported; use gzip or none`);
  }
  return { spec, gzip: encoding !== 'identity' };
}

async function sourceFor(deps: IngestDeps, p: Principal, code: string | undefined) {
  const own = p.kind === 'token' ? await repo.findSourceByToken(deps.db, p.id) : undefined;
  if (own) {
    if (code && code !== own.code) throw new AppError(403, `This token belongs to source ${own.code}; it may only send that source's records`);
    return own;
  }
  if (p.role === 'ingest') throw new AppError(403, 'This token is not registered to a source; register the source with POST /api/sources and use its token');
  if (!code) throw validationFailed([{ path: '/querystring/source', message: 'is required: the code of the source the records come from' }]);
  const source = await repo.findSourceByCode(deps.db, code);
  if (!source) throw validationFailed([{ path: '/querystring/source', message: `no source has code ${code}` }]);
  return source;
}

export interface IngestSummary {
  jobId: number;
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: RowError[];
}

export interface IngestRequest {
  kind: string;
  source?: string;
  mode: 'insert' | 'upsert';
  contentType?: string;
  contentEncoding?: string;
  body: Readable;
}

/** The body's first bytes, or null when it is empty; the returned stream still yields everything. */
async function firstChunk(body: Readable): Promise<AsyncIterable<Buffer> | null> {
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    const next = await it.next();
    if (next.done) return null;
    const chunk = next.value as Buffer;
    if (chunk.length) {
      return (async function* () {
        yield chunk;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          yield n.value as Buffer;
        }
      })();
    }
  }
}

function decoded(first: AsyncIterable<Buffer>, gzip: boolean, limit: number): Readable {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) done(new AppError(413, `The body is larger than ${limit / 1024 ** 3} GiB once decompressed; send it in parts`));
      else done(null, chunk);
    },
  });
  const stages = gzip ? [zlib.createGunzip(), cap] : [cap];
  // pipeline() destroys every stage on an error, so the reader below sees it and stops.
  return (pipeline as (...s: unknown[]) => Readable)(first, ...stages, () => {});
}

export async function ingestStream(deps: IngestDeps, principal: Principal | null, req: IngestRequest, limit = MAX_BODY_BYTES): Promise<IngestSummary> {
  const { spec, gzip } = checkIngestRequest(principal, req.kind, req);
  const p = principal!;
  if (!spec && req.mode !== 'insert') throw validationFailed([{ path: '/querystring/mode', message: 'must be insert for ratings: a rating is never changed' }]);
  const source = await sourceFor(deps, p, req.source);
  const first = await firstChunk(req.body);
  if (!first) throw validationFailed([{ path: '/body', message: 'is empty: send one JSON object a line' }]);
  const job = await repo.insertJob(deps.db, {
    kind: spec?.kind ?? RATINGS_KIND, source_id: source.id, mode: req.mode, via: 'http', file_name: null, file_sha256: null,
    created_by: p.kind === 'user' ? p.id : null, token_id: p.kind === 'token' ? p.id : null,
  });
  let done: Job;
  try {
    const records = ndjsonRecords(decoded(first, gzip, limit));
    done = spec
      ? await runIngest(deps, spec, job, records, { scope: p.scope, source })
      : await runRatingsIngest(deps.db, job, records, { cipher: deps.cipher });
  } catch (err) {
    const after = await repo.findJob(deps.db, job.id);
    const kept = `job ${job.id} kept the ${after?.lines ?? 0} lines committed before it stopped`;
    if (err instanceof AppError) throw new AppError(err.status, `${err.message} (${kept})`, { title: err.title, errors: err.errors });
    if ((err as { code?: string }).code?.startsWith('Z_')) throw new AppError(400, `The body is not valid gzip (${(err as Error).message}); ${kept}`);
    throw err;
  }
  return summaryOf(deps, done);
}

export async function summaryOf(deps: IngestDeps, job: Job): Promise<IngestSummary> {
  const errors = await repo.listErrors(deps.db, job.id, { page: 1, pageSize: SUMMARY_ERRORS });
  return {
    jobId: job.id, lines: job.lines, inserted: job.inserted, updated: job.updated, unchanged: job.unchanged, rejected: job.rejected,
    errors: errors.items,
  };
}

// ---- jobs ---------------------------------------------------------------------------------

export interface JobView {
  id: number; kind: string; source: string; mode: string; via: string; fileName: string | null; status: string;
  lines: number; inserted: number; updated: number; unchanged: number; rejected: number; failure: string | null;
  startedAt: string; finishedAt: string | null;
}

async function visibleJob(deps: IngestDeps, p: Principal, id: number) {
  const job = await repo.findJob(deps.db, id);
  // Administrators see every job; anyone else the jobs they (their session or token) started.
  const mine = job && (p.role === 'admin' || (p.kind === 'user' ? job.created_by === p.id : job.token_id === p.id));
  if (!job || !mine) throw notFound(`Ingest job ${id}`);
  return job;
}

export async function getJob(deps: IngestDeps, principal: Principal | null, id: number): Promise<JobView> {
  const j = await visibleJob(deps, authorize(principal, 'ingest.read'), id);
  return {
    id: j.id, kind: j.kind, source: j.source_code, mode: j.mode, via: j.via, fileName: j.file_name, status: j.status,
    lines: j.lines, inserted: j.inserted, updated: j.updated, unchanged: j.unchanged, rejected: j.rejected, failure: j.failure,
    startedAt: j.started_at.toISOString(), finishedAt: j.finished_at?.toISOString() ?? null,
  };
}

export async function listJobErrors(deps: IngestDeps, principal: Principal | null, id: number, page: PageQuery): Promise<Page<RowError>> {
  await visibleJob(deps, authorize(principal, 'ingest.read'), id);
  const { items, total } = await repo.listErrors(deps.db, id, page);
  return { items, page: page.page, pageSize: page.pageSize, total };
}
