// Resolves the caller (session cookie or bearer token) once per request into request.principal.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Principal } from './principal.ts';
import { principalFromBearer, principalFromSession } from './service.ts';

export const SESSION_COOKIE = 'probity_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

async function resolve(ctx: AppContext, request: FastifyRequest): Promise<Principal | null> {
  const deps = { db: ctx.db, sessionHours: ctx.config.sessionHours };
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return principalFromBearer(deps, header.slice(7).trim());
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return principalFromSession(deps, cookie);
  return null;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/public/')) return;
    request.principal = await resolve(opts.ctx, request);
  });
});
