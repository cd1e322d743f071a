// Ingest HTTP: sources, the streaming NDJSON endpoint, and ingest jobs with their refused lines.
// Every rule is in service.ts; this file parses, calls and shapes the reply.
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { Static } from 'typebox';
import type { AppContext } from '../../context.ts';
import { PageQuery, pageOf } from '../../lib/pagination.ts';
import { writersFor } from './pipeline.ts';
import * as S from './schema.ts';
import { checkIngestRequest, getJob, ingestStream, listJobErrors, listSources, NDJSON_TYPES, registerSource } from './service.ts';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function ingestRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const deps = { db: opts.ctx.db, cipher: opts.ctx.cipher, writers: writersFor(opts.ctx.database.kind) };
  // The body is read as a stream, line by line, so the usual body limit does not apply (the
  // service caps the decompressed size itself).
  app.addContentTypeParser(NDJSON_TYPES, { bodyLimit: Number.MAX_SAFE_INTEGER }, (_req, payload, done) => done(null, payload));

  app.post<{ Body: Static<typeof S.SourceBody> }>(
    '/sources',
    { schema: { tags: ['ingest'], summary: 'Register an external system; returns its bearer token once', body: S.SourceBody, response: { 201: S.SourceCreated } } },
    async (req, reply) => {
      const created = await registerSource(deps, req.principal, req.body);
      return reply.status(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    '/sources',
    { schema: { tags: ['ingest'], querystring: PageQuery, response: { 200: pageOf(S.Source) } } },
    async (req) => listSources(deps, req.principal, req.query),
  );

  app.post<{ Params: Static<typeof S.KindParams>; Querystring: Static<typeof S.IngestQuery> }>(
    '/ingest/:kind',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Stream NDJSON records (gzip allowed); answers with the summary when the stream ends',
        params: S.KindParams,
        querystring: S.IngestQuery,
        response: { 200: S.IngestSummary },
      },
      // Refuse (401/403/400/415) before a byte of the body is read.
      preParsing: async (req, _reply, payload) => {
        checkIngestRequest(req.principal, (req.params as { kind: string }).kind, {
          contentType: header(req.headers['content-type']), contentEncoding: header(req.headers['content-encoding']),
        });
        return payload;
      },
    },
    async (req) =>
      ingestStream(deps, req.principal, {
        kind: req.params.kind, source: req.query.source, mode: req.query.mode,
        contentType: header(req.headers['content-type']), contentEncoding: header(req.headers['content-encoding']),
        body: req.body as Readable,
      }),
  );

  app.get<{ Params: Static<typeof S.JobParams> }>(
    '/ingest/jobs/:id',
    { schema: { tags: ['ingest'], params: S.JobParams, response: { 200: S.Job } } },
    async (req) => getJob(deps, req.principal, req.params.id),
  );

  app.get<{ Params: Static<typeof S.JobParams>; Querystring: Static<typeof PageQuery> }>(
    '/ingest/jobs/:id/errors',
    { schema: { tags: ['ingest'], summary: 'Every refused line of a job, by line and field', params: S.JobParams, querystring: PageQuery, response: { 200: pageOf(S.LineError) } } },
    async (req) => listJobErrors(deps, req.principal, req.params.id, req.query),
  );
}
