// Metric API: the catalogue of metrics and event types, and metric values of the units or staff in
// the caller's scope for a period. Rules live in query-service.ts.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { pageOf } from '../../lib/pagination.ts';
import { catalogue, listMetrics } from './query-service.ts';
import * as S from './schema.ts';

export async function metricsRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  app.get<{ Querystring: S.MetricsListQuery }>(
    '/metrics',
    { schema: { tags: ['metrics'], summary: 'Metric values (指标数据) of units or staff in your scope for a period', querystring: S.MetricsListQuery, response: { 200: pageOf(S.SubjectMetrics) } } },
    async (request) => listMetrics(ctx.db, request.principal, request.query),
  );
  app.get<{ Querystring: S.CatalogueQuery }>(
    '/metrics/catalogue',
    { schema: { tags: ['metrics'], summary: 'Every metric (formula in docs/metrics.md) and evidence-event type', querystring: S.CatalogueQuery, response: { 200: S.MetricCatalogue } } },
    async (request) => catalogue(request.principal, request.query.kind),
  );
}
