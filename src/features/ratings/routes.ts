// Ratings HTTP: the public rating (no sign-in, rate-limited per address), the default-rating run,
// the rectification queue and its actions, and unit metrics. Rules live in the services.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../lib/errors.ts';
import { pageOf } from '../../lib/pagination.ts';
import type { ActionName } from './machine.ts';
import { listUnitMetrics } from './metrics-service.ts';
import { act, getRectification, listDeadlineRules, listRectifications, setDeadlineRule } from './rectification-service.ts';
import { startDefaultRatingJob, type DailyJob } from './scheduler.ts';
import * as S from './schema.ts';
import { runDefaultRatings, submitPublicRating } from './service.ts';
import { loadRatingsSettings } from './settings.ts';
import { RatingWriter } from './writer.ts';

/** Only JSON is a rating; anything else is 415 before the body is looked at. */
async function requireJson(request: FastifyRequest) {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError(415, `Content-Type must be application/json, got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}`);
  }
}

export async function ratingsRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const settings = loadRatingsSettings();
  const deps = { db: ctx.db, cipher: ctx.cipher };
  // Group commit of public ratings (writer.ts): one queue per server process.
  const writer = new RatingWriter(ctx.db, { maxInFlight: settings.ratingWriters });

  app.post<{ Body: S.RatingBody }>(
    '/public/ratings',
    {
      schema: {
        tags: ['ratings'],
        summary: 'Rate a service transaction (好差评), no sign-in; one rating per transaction',
        body: S.RatingBody,
        response: { 201: S.RatingCreated },
      },
      bodyLimit: 16 * 1024,
      onRequest: requireJson,
      config: { rateLimit: { max: settings.publicRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => reply.status(201).send(await submitPublicRating({ ...deps, writer }, request.body)),
  );

  app.post<{ Body: { afterDays?: number; level?: number; full?: boolean } }>(
    '/ratings/default-run',
    { schema: { tags: ['ratings'], summary: 'Apply the default rating to transactions unrated N days after completion (admin)', body: S.DefaultRunBody, response: { 200: S.DefaultRunResult } } },
    async (request) => runDefaultRatings(ctx.db, request.principal, settings.defaultRating, request.body ?? {}),
  );

  app.get<{ Querystring: S.RectificationQuery }>(
    '/rectifications',
    { schema: { tags: ['rectifications'], summary: "Rectifications (差评整改) of the caller's units, most urgent first", querystring: S.RectificationQuery, response: { 200: pageOf(S.Rectification) } } },
    async (request) => listRectifications(deps, request.principal, request.query),
  );

  app.get<{ Params: { id: number }; Querystring: { reveal?: boolean; reason?: string } }>(
    '/rectifications/:id',
    { schema: { tags: ['rectifications'], summary: 'One rectification with its history', params: S.IdParams, querystring: S.RectificationGetQuery, response: { 200: S.RectificationDetail } } },
    async (request) => getRectification(deps, request.principal, request.params.id, request.query),
  );

  app.post<{ Params: { id: number; action: ActionName }; Body: S.ActionBody }>(
    '/rectifications/:id/:action',
    {
      schema: {
        tags: ['rectifications'],
        summary: 'A step of the loop: verify | rectify | revisit | appeal (unit head); decide-appeal | mark-false (inspector)',
        params: S.ActionParams,
        body: S.ActionBody,
        response: { 200: S.RectificationDetail },
      },
    },
    async (request) => act(deps, request.principal, request.params.id, request.params.action, request.body ?? {}),
  );

  app.get<{ Querystring: { unitCategory?: string } }>(
    '/rectification-deadlines',
    { schema: { tags: ['rectifications'], summary: 'Working days allowed for each stage, per unit category', querystring: S.DeadlineQuery, response: { 200: pageOf(S.DeadlineRule) } } },
    async (request) => listDeadlineRules(ctx.db, request.principal, request.query),
  );

  app.put<{ Params: { category: string }; Body: { verifyDays: number; rectifyDays: number; revisitDays: number; appealDays: number } }>(
    '/rectification-deadlines/:category',
    { schema: { tags: ['rectifications'], summary: 'Set the stage deadlines of a unit category (admin)', params: S.DeadlineParams, body: S.DeadlineBody, response: { 200: S.DeadlineRule } } },
    async (request) => setDeadlineRule(ctx.db, request.principal, request.params.category, request.body),
  );

  app.get<{ Querystring: S.MetricsQuery }>(
    '/metrics/units',
    { schema: { tags: ['metrics'], summary: 'Service-quality metrics of units for a period [from, to)', querystring: S.MetricsQuery, response: { 200: pageOf(S.UnitMetrics) } } },
    async (request) => listUnitMetrics(ctx.db, request.principal, request.query, settings.metricsMinSample),
  );

  // The daily default-rating run (see scheduler.ts); PROBITY_DEFAULT_RATING_HOUR=off disables it.
  let job: DailyJob | undefined;
  app.addHook('onReady', async () => {
    const { hour, afterDays, level } = settings.defaultRating;
    if (hour !== null) job = startDefaultRatingJob(ctx.db, app.log, { hour, afterDays, level });
  });
  app.addHook('onClose', async () => {
    await job?.stop();
  });
}
