// Frameworks and scoring over HTTP: thin — parse, call the service (which authorises), present.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { pageOf } from '../../lib/pagination.ts';
import { exportCsv, exportXlsx } from './export.ts';
import { fairnessReport } from './fairness.ts';
import { defaultInputProvider } from './inputs.ts';
import { computeRun, getResult, getRun, listResults, listRuns, publishRun } from './runs.ts';
import * as S from './schema.ts';
import { listDisclosures } from './disclosures.ts';
import { unitMatrix } from './unit-matrix.ts';
import { checkFramework, createExemption, getFramework, importFramework, listExemptions, listFrameworks, publishFramework, recordAssessment, updateFramework, type ScoringDeps } from './service.ts';

export async function scoringRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const deps: ScoringDeps = { db: opts.ctx.db, provider: await defaultInputProvider() };
  const tags = ['scoring'];

  app.get<{ Querystring: S.FrameworkQuery }>('/scoring/frameworks',
    { schema: { tags, summary: 'Indicator framework versions (指标体系)', querystring: S.FrameworkQuery, response: { 200: pageOf(S.FrameworkSummary) } } },
    async (request) => listFrameworks(deps, request.principal, request.query));
  app.post<{ Body: S.FrameworkBody }>('/scoring/frameworks',
    { schema: { tags, summary: 'Import a framework definition (JSON) as a new draft version', body: S.FrameworkBody, response: { 201: S.FrameworkDetail } } },
    async (request, reply) => reply.status(201).send(await importFramework(deps, request.principal, request.body)));
  app.post<{ Body: S.FrameworkBody }>('/scoring/frameworks/validate',
    { schema: { tags, summary: 'Validate a definition without saving it (the editor\'s live validation): every error names the indicator and rule', body: S.FrameworkBody, response: { 200: S.ValidationReport } } },
    async (request) => checkFramework(deps, request.principal, request.body));
  app.get<{ Params: { id: number } }>('/scoring/frameworks/:id',
    { schema: { tags, summary: 'A framework version with its definition (the JSON export)', params: S.IdParams, response: { 200: S.FrameworkDetail } } },
    async (request) => getFramework(deps, request.principal, request.params.id));
  app.put<{ Params: { id: number }; Body: S.FrameworkBody }>('/scoring/frameworks/:id',
    { schema: { tags, summary: 'Replace the definition of a draft version (published versions are immutable: 409)', params: S.IdParams, body: S.FrameworkBody, response: { 200: S.FrameworkDetail } } },
    async (request) => updateFramework(deps, request.principal, request.params.id, request.body));
  app.post<{ Params: { id: number } }>('/scoring/frameworks/:id/publish',
    { schema: { tags, summary: 'Publish a draft version: from now on it is immutable', params: S.IdParams, response: { 200: S.FrameworkDetail } } },
    async (request) => publishFramework(deps, request.principal, request.params.id));

  app.post<{ Body: S.AssessmentBody }>('/scoring/assessments',
    { schema: { tags, summary: "An assessor's level for a qualitative indicator (考核人员评分); re-sending revises it", body: S.AssessmentBody, response: { 200: S.AssessmentView } } },
    async (request) => recordAssessment(deps, request.principal, request.body));

  app.get<{ Querystring: S.PeriodQuery }>('/scoring/exemptions',
    { schema: { tags, summary: 'The fault-tolerance list (容错清单) of subjects in scope', querystring: S.PeriodQuery, response: { 200: pageOf(S.ExemptionView) } } },
    async (request) => listExemptions(deps, request.principal, request.query));
  app.post<{ Body: S.ExemptionBody }>('/scoring/exemptions',
    { schema: { tags, summary: 'Approve an exemption of one event or indicator, with its reason; the caller is the approver', body: S.ExemptionBody, response: { 201: S.ExemptionView } } },
    async (request, reply) => reply.status(201).send(await createExemption(deps, request.principal, request.body)));

  app.get<{ Querystring: S.RunQuery }>('/scoring/runs',
    { schema: { tags, summary: 'Scoring runs, newest first', querystring: S.RunQuery, response: { 200: pageOf(S.RunView) } } },
    async (request) => listRuns(deps, request.principal, request.query));
  app.post<{ Body: S.RunBody }>('/scoring/runs',
    { schema: { tags, summary: 'Score a period with a published framework (default: the latest); the same evidence returns the existing run', body: S.RunBody, response: { 200: S.RunCreated, 201: S.RunCreated } } },
    async (request, reply) => {
      const result = await computeRun(deps, request.principal, request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    });
  app.get<{ Params: { id: number } }>('/scoring/runs/:id',
    { schema: { tags, summary: 'One scoring run', params: S.IdParams, response: { 200: S.RunView } } },
    async (request) => getRun(deps, request.principal, request.params.id));
  app.post<{ Params: { id: number } }>('/scoring/runs/:id/publish',
    { schema: { tags, summary: 'Publish a run: frozen, and committed with its results to the ledger', params: S.IdParams, response: { 200: S.RunView } } },
    async (request) => publishRun(deps, request.principal, request.params.id));
  app.get<{ Params: { id: number }; Querystring: S.ResultQuery }>('/scoring/runs/:id/results',
    { schema: { tags, summary: "Results of a run in the caller's scope (a civil servant: their own)", params: S.IdParams, querystring: S.ResultQuery, response: { 200: pageOf(S.ResultSummary) } } },
    async (request) => listResults(deps, request.principal, request.params.id, request.query));
  app.get<{ Params: { id: number; kind: 'staff' | 'unit'; code: string } }>('/scoring/runs/:id/results/:kind/:code',
    { schema: { tags, summary: "One subject's breakdown: every point with its sentence and evidence (viewing a person's is logged)", params: S.ResultParams, response: { 200: S.ResultDetail } } },
    async (request) => getResult(deps, request.principal, request.params.id, request.params.kind, request.params.code));
  app.get<{ Params: { id: number }; Querystring: S.UnitMatrixQuery }>('/scoring/runs/:id/units',
    { schema: { tags, summary: "Units × dimensions of a run in the caller's scope (worst total first): each unit's points per dimension, band, rank, bottom flag", params: S.IdParams, querystring: S.UnitMatrixQuery, response: { 200: pageOf(S.UnitMatrixRow) } } },
    async (request) => unitMatrix(deps, request.principal, request.params.id, request.query));
  app.get<{ Params: { id: number }; Querystring: { gap?: number; normalise?: boolean } }>('/scoring/runs/:id/fairness',
    { schema: { tags, summary: 'Fairness report: distributions by level and category, flagged gaps, optional percentiles', params: S.IdParams, querystring: S.FairnessQuery, response: { 200: S.FairnessReport } } },
    async (request) => fairnessReport(deps.db, request.principal, request.params.id, request.query));
  app.get<{ Params: { id: number }; Querystring: { format: 'csv' | 'xlsx' } }>('/scoring/runs/:id/export',
    { schema: { tags, summary: 'Results with breakdowns as CSV or XLSX', params: S.IdParams, querystring: S.ExportQuery } },
    async (request, reply) => {
      const { id } = request.params;
      if (request.query.format === 'xlsx') {
        const body = await exportXlsx(deps.db, request.principal, id);
        return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="scores-${id}.xlsx"`).send(body);
      }
      const body = await exportCsv(deps.db, request.principal, id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="scores-${id}.csv"`).send(body);
    });

  app.get<{ Querystring: S.DisclosureQuery }>('/public/disclosures',
    { schema: { tags, summary: 'Public disclosures (公示): unit-level results of published runs, no sign-in; no personal data', querystring: S.DisclosureQuery, response: { 200: S.Disclosures } } },
    async (request) => listDisclosures(deps.db, request.query));
}
