import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.ts';
import { PageQuery, pageOf } from '../../lib/pagination.ts';
import { listAccess } from './service.ts';

const AccessQuery = Type.Intersect([PageQuery, Type.Object({ staffCode: Type.Optional(Type.String({ maxLength: 40 })) })]);
const AccessEntry = Type.Object({
  id: Type.Integer(), at: Type.String(), actor: Type.String(), action: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]), subjectType: Type.String(), subjectCode: Type.Union([Type.String(), Type.Null()]),
});

export async function auditRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  app.get<{ Querystring: Static<typeof AccessQuery> }>(
    '/access-log',
    { schema: { tags: ['audit'], summary: 'Who viewed which personal record (admin, inspector)', querystring: AccessQuery, response: { 200: pageOf(AccessEntry) } } },
    async (request) => listAccess(opts.ctx.db, request.principal, request.query),
  );
}
