// Import over HTTP: the file is the raw request body (CSV or XLSX); the job runs in the background
// and its progress and row errors are read back from the job resource.
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.ts';
import { PageQuery, pageOf } from '../../lib/pagination.ts';
import { writersFor } from '../ingest/pipeline.ts';
import { getJob, ImportRunner, listJobErrors } from './service.ts';

const KindParams = Type.Object({ kind: Type.String({ description: 'regions | units | staff | services' }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const UploadQuery = Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) });
const Job = Type.Object({
  id: Type.Integer(), kind: Type.String(), fileName: Type.String(), status: Type.String(), totalRows: Type.Union([Type.Integer(), Type.Null()]),
  processedRows: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), errorRows: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()]), startedAt: Type.String(), finishedAt: Type.Union([Type.String(), Type.Null()]),
});
const RowError = Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() });

const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

export async function importRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const deps = { db: ctx.db, cipher: ctx.cipher, writers: writersFor(ctx.database.kind) };
  const runner = new ImportRunner(deps, path.join(ctx.config.dataDir, 'uploads'), (err) => ctx.log.error({ err }, 'import job failed'));
  // The body is streamed to disk, so the usual JSON body limit does not apply here.
  app.addContentTypeParser(FILE_TYPES, { bodyLimit: 512 * 1024 * 1024 }, (_req, payload, done) => done(null, payload));
  app.addHook('onClose', async () => runner.drain());
  app.addHook('onReady', async () => {
    const n = await runner.resumeInterrupted();
    if (n) ctx.log.info({ jobs: n }, 'resuming interrupted imports');
  });

  app.post<{ Params: Static<typeof KindParams>; Querystring: Static<typeof UploadQuery> }>(
    '/:kind',
    {
      schema: {
        tags: ['imports'],
        summary: 'Upload a CSV or XLSX file (raw body) to import; returns the job (202)',
        params: KindParams,
        querystring: UploadQuery,
        response: { 202: Job },
      },
    },
    async (request, reply) => {
      const job = await runner.upload(request.principal, request.params.kind, request.body as Readable, request.query.fileName ?? `${request.params.kind} upload`);
      return reply.status(202).header('location', `/api/imports/${job.id}`).send(job);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>('/:id', { schema: { tags: ['imports'], params: IdParams, response: { 200: Job } } }, async (request) =>
    getJob(deps, request.principal, request.params.id),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PageQuery> }>(
    '/:id/errors',
    { schema: { tags: ['imports'], summary: 'Row-level report of the rows that were refused', params: IdParams, querystring: PageQuery, response: { 200: pageOf(RowError) } } },
    async (request) => listJobErrors(deps, request.principal, request.params.id, request.query),
  );
}
