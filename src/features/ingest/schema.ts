// Request and response shapes of the ingest routes (TypeBox → validation and OpenAPI).
import { Type } from 'typebox';
import { EVIDENCE_KIND_NAMES } from './kinds.ts';

export const SourceBody = Type.Object(
  {
    code: Type.String({ minLength: 2, maxLength: 40, description: 'stable code of the external system, e.g. gov-service-platform' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const Source = Type.Object({
  code: Type.String(), name: Type.String(), hasToken: Type.Boolean(),
  tokenLastUsedAt: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
});

export const SourceCreated = Type.Object({
  code: Type.String(), name: Type.String(), createdAt: Type.String(),
  token: Type.String({ description: 'bearer token of this source; shown once, only its hash is kept' }),
});

export const KindParams = Type.Object({ kind: Type.String({ description: `${EVIDENCE_KIND_NAMES.join(' | ')} | ratings (from external 好差评 systems)` }) });

export const IngestQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ maxLength: 40, description: 'source code; required for a signed-in admin or organizer, implied by a source token' })),
    mode: Type.Union([Type.Literal('insert'), Type.Literal('upsert')], {
      default: 'insert',
      description: 'insert: a known external id with other content is a line error; upsert: it updates the record (version + 1)',
    }),
  },
  { additionalProperties: false },
);

export const LineError = Type.Object({ line: Type.Integer(), field: Type.String(), reason: Type.String() });

export const IngestSummary = Type.Object({
  jobId: Type.Integer(),
  lines: Type.Integer({ description: 'records read (non-blank lines)' }),
  inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(),
  rejected: Type.Integer({ description: 'lines refused; each is listed in errors (first 1,000) and in /api/ingest/jobs/{id}/errors' }),
  errors: Type.Array(LineError),
});

export const JobParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const Job = Type.Object({
  id: Type.Integer(), kind: Type.String(), source: Type.String(), mode: Type.String(), via: Type.String(),
  fileName: Type.Union([Type.String(), Type.Null()]), status: Type.String(),
  lines: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), rejected: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()]), startedAt: Type.String(), finishedAt: Type.Union([Type.String(), Type.Null()]),
});
