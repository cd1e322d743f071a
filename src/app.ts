// Builds the Fastify app from a context: cross-cutting plugins first, then each feature's routes.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { authPlugin } from './features/auth/plugin.ts';
import { authRoutes } from './features/auth/routes.ts';
import { healthRoutes } from './features/health/routes.ts';
import { registryRoutes } from './features/registry/routes.ts';
import { importRoutes } from './features/imports/routes.ts';
import { auditRoutes } from './features/audit/routes.ts';
import { calendarRoutes } from './features/calendar/routes.ts';
import { ingestRoutes } from './features/ingest/routes.ts';
import { ratingsRoutes } from './features/ratings/routes.ts';
import { scoringRoutes } from './features/scoring/routes.ts';
import { casesRoutes } from './features/cases/routes.ts';
import { open311AdminRoutes, open311Routes } from './features/open311/routes.ts';
import { metricsRoutes } from './features/metrics/routes.ts';
import { integrityRoutes } from './features/integrity/routes.ts';
import { ledgerRoutes } from './ledger/routes.ts';
import { mountWeb, sendWebPage } from './features/web/routes.ts';
import { sendProblem, problemFromError } from './lib/http.ts';
import { AppError } from './lib/errors.ts';

export interface BuildOptions {
  /** The built web apps (default web/dist); a folder without index.html serves no pages. */
  webDist?: string;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, problemFromError(error as Error, request)));
  // The portal (/) and console (/admin) are single-page apps: a GET for one of their pages gets its
  // index.html (see features/web); everything else unknown is a 404 problem.
  let webDist: string | null = null;
  app.setNotFoundHandler((request, reply) => {
    if (sendWebPage(webDist, request, reply)) return;
    sendProblem(reply, new AppError(404, `No route ${request.method} ${request.url.split('?')[0]}`).toProblem());
  });

  // While shutting down, answers to in-flight requests close their connection so the server does not
  // wait out the keep-alive timeout of clients that would otherwise reuse it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Probity API', version: '0.1.0', description: '政务诚信与作风建设考核评估平台 API' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'probity_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { ctx });
  await app.register(authPlugin, { ctx });
  await app.register(authRoutes, { ctx, prefix: '/api/auth' });
  await app.register(registryRoutes, { ctx, prefix: '/api' });
  await app.register(importRoutes, { ctx, prefix: '/api/imports' });
  await app.register(auditRoutes, { ctx, prefix: '/api' });
  await app.register(calendarRoutes, { ctx, prefix: '/api' });
  await app.register(ingestRoutes, { ctx, prefix: '/api' });
  await app.register(ratingsRoutes, { ctx, prefix: '/api' });
  await app.register(scoringRoutes, { ctx, prefix: '/api' });
  await app.register(casesRoutes, { ctx, prefix: '/api' });
  await app.register(open311AdminRoutes, { ctx, prefix: '/api' });
  await app.register(open311Routes, { ctx, prefix: '/open311/v2' }); // GeoReport v2
  await app.register(metricsRoutes, { ctx, prefix: '/api' });
  await app.register(integrityRoutes, { ctx, prefix: '/api' });
  await app.register(ledgerRoutes, { ctx }); // /ledger/* (public log) and /api/ledger/*; runs the integrator

  webDist = await mountWeb(app, { distDir: options.webDist });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app as unknown as FastifyInstance;
}
