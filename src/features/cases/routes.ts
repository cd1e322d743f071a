// Cases HTTP: the public report and its follow-up by receipt code (no sign-in, rate-limited per address),
// the handlers' queue and actions, overdue lists and notifications. Rules live in the services.
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { authorize } from '../auth/principal.ts';
import { startCaseClockJob, type CaseClockJob } from './clocks.ts';
import type { CasesDeps } from './intake.ts';
import type { ActionName } from './machine.ts';
import { DiskMediaStore, MAX_VIDEO_BYTES } from './media.ts';
import { followCase, reopenCase, reporterMessage, searchPublicUnits, submitPublicCase } from './public.ts';
import * as repo from './repo.ts';
import * as S from './schema.ts';
import { act, duplicatesOf, enterCase, getCase, handlerMessage, listCases, listNotifications, mergeCase, overdueUnits, recategorise } from './service.ts';
import { loadCasesSettings } from './settings.ts';
import { CaseWriter } from './writer.ts';
import type { IncomingPart } from './uploads.ts';

export function casesDeps(ctx: AppContext): CasesDeps {
  const settings = loadCasesSettings();
  return {
    db: ctx.db, cipher: ctx.cipher, settings, media: new DiskMediaStore(path.join(ctx.config.dataDir, 'media')),
    // Group commit of new cases (writer.ts): one queue per route set of a server process.
    writer: new CaseWriter(ctx.db, settings.firstResponseHours),
  };
}

export async function casesRoutes(app: FastifyInstance, opts: { ctx: AppContext; deps?: CasesDeps }) {
  const deps = opts.deps ?? casesDeps(opts.ctx);
  const { settings } = deps;
  const publicLimit = { rateLimit: { max: settings.publicRateLimit, timeWindow: '1 minute' } };
  // The receipt code is in the path (CONTRACTS.md): requests to these routes are not logged at info
  // level, so the code never reaches the request log.
  const quiet = 'warn' as const;
  await app.register(multipart, {
    // Hard caps of the reader; the per-file rules (9 photos ≤ 10 MB, one MP4 ≤ 100 MB) are checked in uploads.ts.
    limits: { fileSize: MAX_VIDEO_BYTES + 1, files: 20, fields: 30, fieldSize: 64 * 1024, parts: 60, headerPairs: 100 },
  });

  app.post(
    '/public/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Report misconduct (随手拍), no sign-in: multipart fields text, category?, subjectUnitCode?, subjectStaffCode?, lat?, long?, address?, realName?, reporterName?, reporterPhone?, reporterEmail?; files photos (≤ 9 JPEG/PNG/WebP ≤ 10 MB) and video (one MP4 ≤ 100 MB)',
        consumes: ['multipart/form-data'],
        response: { 201: S.Receipt },
      },
      config: publicLimit,
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(415, 'A report is sent as multipart/form-data');
      const result = await submitPublicCase(deps, request.parts() as AsyncIterable<IncomingPart>);
      return reply.status(201).send(result);
    },
  );

  app.get<{ Params: { receiptCode: string } }>(
    '/public/cases/:receiptCode',
    { schema: { tags: ['cases'], summary: 'Follow a report by its receipt code: status, public timeline, messages', params: S.ReceiptParams, querystring: S.EmptyQuery }, config: publicLimit, logLevel: quiet },
    async (request) => followCase(deps, request.params.receiptCode),
  );

  app.post<{ Params: { receiptCode: string }; Body: { body: string } }>(
    '/public/cases/:receiptCode/messages',
    { schema: { tags: ['cases'], summary: 'The reporter writes to the handling unit', params: S.ReceiptParams, body: S.MessageBody }, config: publicLimit, logLevel: quiet },
    async (request) => reporterMessage(deps, request.params.receiptCode, request.body.body),
  );

  app.post<{ Params: { receiptCode: string }; Body: { reason: string } }>(
    '/public/cases/:receiptCode/reopen',
    { schema: { tags: ['cases'], summary: 'The reporter reopens a decided case (within the reopen window)', params: S.ReceiptParams, body: S.ReopenBody }, config: publicLimit, logLevel: quiet },
    async (request) => reopenCase(deps, request.params.receiptCode, request.body.reason),
  );

  // The same follow-up with the code in the body: what the portal uses, so the code never appears in a
  // URL (browser history, proxies, referrers).
  app.post<{ Body: { receiptCode: string } }>(
    '/public/cases/follow',
    { schema: { tags: ['cases'], summary: 'Follow a report, the receipt code in the body: status, public timeline, messages', body: S.FollowBody }, config: publicLimit, logLevel: quiet },
    async (request) => followCase(deps, { code: request.body.receiptCode, sentIn: 'body' }),
  );

  app.post<{ Body: { receiptCode: string; body: string } }>(
    '/public/cases/follow/messages',
    { schema: { tags: ['cases'], summary: 'The reporter writes to the handling unit (receipt code in the body)', body: S.FollowMessageBody }, config: publicLimit, logLevel: quiet },
    async (request) => reporterMessage(deps, { code: request.body.receiptCode, sentIn: 'body' }, request.body.body),
  );

  app.post<{ Body: { receiptCode: string; reason: string } }>(
    '/public/cases/follow/reopen',
    { schema: { tags: ['cases'], summary: 'The reporter reopens a decided case (receipt code in the body)', body: S.FollowReopenBody }, config: publicLimit, logLevel: quiet },
    async (request) => reopenCase(deps, { code: request.body.receiptCode, sentIn: 'body' }, request.body.reason),
  );

  app.get<{ Querystring: { q?: string; page: number; pageSize: number } }>(
    '/public/units',
    { schema: { tags: ['cases'], summary: 'Find the unit a report is about (public form): code and name of units matching q', querystring: S.PublicUnitQuery }, config: publicLimit },
    async (request) => searchPublicUnits(deps, request.query),
  );

  app.get<{ Querystring: S.CaseListQuery }>(
    '/cases',
    { schema: { tags: ['cases'], summary: "The handler's queue: cases of the caller's units, nearest deadline first", querystring: S.CaseListQuery } },
    async (request) => listCases(deps, request.principal, request.query),
  );

  app.post<{ Body: S.EnterBody }>(
    '/cases',
    { schema: { tags: ['cases'], summary: 'Enter a case from a letter, a hotline call or a visit (来信/来电/来访)', body: S.EnterBody } },
    async (request, reply) => reply.status(201).send(await enterCase(deps, request.principal, request.body)),
  );

  app.get(
    '/cases/overdue',
    { schema: { tags: ['cases'], summary: 'Overdue cases counted per accountable unit in scope', querystring: S.EmptyQuery } },
    async (request) => overdueUnits(deps, request.principal),
  );

  app.get<{ Querystring: { page: number; pageSize: number; kind?: string } }>(
    '/case-notifications',
    { schema: { tags: ['cases'], summary: 'SLA reminders and escalations of cases in scope, newest first', querystring: S.NotificationQuery } },
    async (request) => listNotifications(deps, request.principal, request.query),
  );

  app.get<{ Params: { id: number }; Querystring: { reveal?: boolean; reason?: string } }>(
    '/cases/:id',
    { schema: { tags: ['cases'], summary: 'One case with its history, messages and media', params: S.IdParams, querystring: S.GetQuery } },
    async (request) => getCase(deps, request.principal, request.params.id, request.query),
  );

  app.post<{ Params: { id: number; action: ActionName }; Body: S.ActionBody }>(
    '/cases/:id/:action',
    { schema: { tags: ['cases'], summary: 'A workflow step: accept | reject | assign | investigate | extend | resolve | close | transfer | accept-transfer | decline-transfer | revisit', params: S.ActionParams, body: S.ActionBody } },
    async (request) => act(deps, request.principal, request.params.id, request.params.action, request.body ?? {}),
  );

  app.post<{ Params: { id: number }; Body: { intoId: number } }>(
    '/cases/:id/merge',
    { schema: { tags: ['cases'], summary: 'Merge this case (a duplicate) into another', params: S.IdParams, body: S.MergeBody } },
    async (request) => mergeCase(deps, request.principal, request.params.id, request.body.intoId),
  );

  app.post<{ Params: { id: number }; Body: { body: string } }>(
    '/cases/:id/messages',
    { schema: { tags: ['cases'], summary: 'Write to the reporter', params: S.IdParams, body: S.MessageBody } },
    async (request) => handlerMessage(deps, request.principal, request.params.id, request.body.body),
  );

  app.put<{ Params: { id: number }; Body: { category: string } }>(
    '/cases/:id/category',
    { schema: { tags: ['cases'], summary: "Override the classifier's category (kept with who and when)", params: S.IdParams, body: S.CategoryBody } },
    async (request) => recategorise(deps, request.principal, request.params.id, request.body.category),
  );

  app.get<{ Params: { id: number } }>(
    '/cases/:id/duplicates',
    { schema: { tags: ['cases'], summary: 'Likely duplicates: same subject, similar text, within the window', params: S.IdParams, querystring: S.EmptyQuery } },
    async (request) => duplicatesOf(deps, request.principal, request.params.id),
  );

  app.get<{ Params: { id: number; mediaId: number }; Querystring: { thumb?: boolean } }>(
    '/cases/:id/media/:mediaId',
    { schema: { tags: ['cases'], summary: 'A photo or video of a case (photos without metadata); ?thumb=true for the thumbnail', params: S.MediaParams, querystring: S.MediaQuery } },
    async (request, reply) => {
      const p = authorize(request.principal, 'cases.read');
      if (!(await repo.findCase(deps.db, p.scope, request.params.id))) throw notFound(`Case ${request.params.id}`);
      const m = await repo.mediaById(deps.db, request.params.id, request.params.mediaId);
      const sha = request.query.thumb ? m?.thumb_sha256 : m?.sha256;
      if (!m || !sha) throw notFound(`Media ${request.params.mediaId}`);
      const data = await deps.media.read(sha);
      return reply.type(request.query.thumb ? 'image/webp' : m.mime).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff').send(data);
    },
  );

  let job: CaseClockJob | undefined;
  app.addHook('onReady', async () => {
    if (settings.clockMinutes !== null) job = startCaseClockJob(deps.db, app.log, { ...settings, clockMinutes: settings.clockMinutes });
  });
  app.addHook('onClose', async () => {
    await job?.stop();
  });
}
