import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { requirePrincipal } from './principal.ts';
import { SESSION_COOKIE } from './plugin.ts';
import { LoginBody, Me } from './schema.ts';
import { login, logout } from './service.ts';
import type { Static } from 'typebox';

export async function authRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const deps = { db: ctx.db, sessionHours: ctx.config.sessionHours };

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in; sets an HttpOnly session cookie', body: LoginBody },
      // Per-address limit on top of the per-account lockout in the service.
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const result = await login(deps, request.body.username, request.body.password);
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      return { user: result.user, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post('/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await logout(deps, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/me', { schema: { tags: ['auth'], summary: 'The signed-in caller', response: { 200: Me } } }, async (request) => {
    const p = requirePrincipal(request.principal);
    const scope = p.scope.kind === 'all' ? { kind: 'all' } : p.scope.kind === 'region' ? { kind: 'region', regionId: p.scope.regionId } : { kind: 'unit', unitId: p.scope.unitId };
    return { kind: p.kind, id: p.id, name: p.name, role: p.role, scope, staffId: p.staffId };
  });
}
