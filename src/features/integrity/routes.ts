// Integrity points (诚信积分) HTTP: the rules (read; admins set points), applying a period's events,
// and a person's balance with its history and evidence. Rules live in service.ts.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import * as S from './schema.ts';
import { account, applyFromApi, listRules, setRule } from './service.ts';

export async function integrityRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { db } = opts.ctx;
  app.get('/integrity/rules', { schema: { tags: ['integrity'], summary: 'Points per event type of integrity points (诚信积分)', querystring: S.RulesQuery, response: { 200: { type: 'array', items: S.Rule } } } },
    async (request) => listRules(db, request.principal));
  app.put<{ Params: S.RuleParams; Body: S.RuleBody }>(
    '/integrity/rules/:eventType',
    { schema: { tags: ['integrity'], summary: 'Set the points of an event type (admin); applies to entries made afterwards', params: S.RuleParams, body: S.RuleBody, response: { 200: S.Rule } } },
    async (request) => setRule(db, request.principal, request.params.eventType, request.body.points),
  );
  app.post<{ Body: S.ApplyBody }>(
    '/integrity/apply',
    { schema: { tags: ['integrity'], summary: "Apply a period's events to everyone's balance (idempotent)", body: S.ApplyBody, response: { 200: S.ApplyResult } } },
    async (request) => applyFromApi(db, request.principal, request.body.period),
  );
  app.get<{ Params: S.StaffParams; Querystring: S.AccountQuery }>(
    '/integrity/staff/:code',
    { schema: { tags: ['integrity'], summary: "A person's integrity balance and its history, each change with its evidence", params: S.StaffParams, querystring: S.AccountQuery, response: { 200: S.Account } } },
    async (request) => account(db, request.principal, request.params.code, request.query),
  );
}
