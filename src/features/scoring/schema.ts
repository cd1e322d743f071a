// Request and response shapes of frameworks and scoring (TypeBox → JSON Schema → validation and OpenAPI).
import { Type, type Static, type TSchema } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
const Period = Type.String({ minLength: 4, maxLength: 7, description: "'2026' year, '2026H1' half, '2026Q3' quarter, '2026-07' month" });
const Kind = Type.Union([Type.Literal('staff'), Type.Literal('unit')]);
const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s/]+$' });
const Line = Type.Object({ zh: Type.String(), en: Type.String() });

export const IdParams = Type.Object({ id: Id });
export const ResultParams = Type.Object({ id: Id, kind: Kind, code: Code });

export const FrameworkBody = Type.Object(
  { definition: Type.Object({}, { additionalProperties: true, description: 'the framework in the format of docs/scoring.md' }) },
  { additionalProperties: false },
);
export type FrameworkBody = Static<typeof FrameworkBody>;

const FrameworkSummaryProps = {
  id: Type.Integer(), code: Type.String(), versionNo: Type.Integer(), status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  nameZh: Type.String(), nameEn: Type.String(), digest: Type.String(), publishedAt: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
};
export const FrameworkSummary = Type.Object(FrameworkSummaryProps);
export const FrameworkDetail = Type.Object({ ...FrameworkSummaryProps, definition: Type.Object({}, { additionalProperties: true }) });

export const FrameworkQuery = Type.Object(
  { ...PageQuery.properties, code: Type.Optional(Code), status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])) },
  { additionalProperties: false },
);
export type FrameworkQuery = Static<typeof FrameworkQuery>;

export const AssessmentBody = Type.Object(
  {
    frameworkId: Id, period: Period, indicator: Code, subjectKind: Kind, subjectCode: Code,
    level: Type.String({ minLength: 1, maxLength: 32, description: 'a level of the indicator\'s rubric' }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type AssessmentBody = Static<typeof AssessmentBody>;
export const AssessmentView = Type.Object({ id: Type.Integer(), frameworkId: Type.Integer(), period: Type.String(), indicator: Type.String(), subjectKind: Type.String(), subjectCode: Type.String(), level: Type.String(), version: Type.Integer() });

const Ref = Type.Object({ type: Type.String({ minLength: 1, maxLength: 64 }), id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export const ExemptionBody = Type.Object(
  {
    subjectKind: Kind, subjectCode: Code, period: Period,
    ref: Type.Optional(Type.Object(Ref.properties, { additionalProperties: false, description: 'the exempted event\'s evidence reference (ledger record type and id)' })),
    indicator: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'or an indicator exempted for this subject and period' })),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type ExemptionBody = Static<typeof ExemptionBody>;
export const ExemptionView = Type.Object({
  id: Type.Integer(), subjectKind: Type.String(), subjectCode: Type.String(), period: Type.String(), ref: Nullable(Ref), indicator: Nullable(Type.String()),
  reason: Type.String(), approver: Type.String(), approvedAt: Type.String(),
});
export const PeriodQuery = Type.Object({ ...PageQuery.properties, period: Type.Optional(Period) }, { additionalProperties: false });
export type PeriodQuery = Static<typeof PeriodQuery>;

export const RunBody = Type.Object({ period: Period, frameworkId: Type.Optional(Id) }, { additionalProperties: false });
export type RunBody = Static<typeof RunBody>;
export const RunView = Type.Object({
  id: Type.Integer(), period: Type.String(), frameworkId: Type.Integer(), frameworkDigest: Type.String(), digest: Type.String(), subjectCount: Type.Integer(),
  unscoredCount: Type.Integer(), status: Type.String(), publishedAt: Nullable(Type.String()), createdAt: Type.String(),
});
export const RunCreated = Type.Object({ run: RunView, created: Type.Boolean({ description: 'false: the same evidence and framework gave exactly the results of this existing run' }) });
export const RunQuery = Type.Object(
  { ...PageQuery.properties, period: Type.Optional(Period), status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])) },
  { additionalProperties: false },
);
export type RunQuery = Static<typeof RunQuery>;

export const ResultQuery = Type.Object(
  {
    ...PageQuery.properties, kind: Type.Optional(Kind),
    // q: subject code prefix
    category: Type.Optional(Type.Union([Type.Literal('window_service'), Type.Literal('law_enforcement'), Type.Literal('general_admin')])),
    band: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type ResultQuery = Static<typeof ResultQuery>;
export const ResultSummary = Type.Object({
  subjectKind: Type.String(), subjectCode: Type.String(), unitCode: Type.String(), unitName: Type.String(), category: Type.String(), level: Nullable(Type.String()), total: Type.Number(),
  band: Type.String(), rank: Type.Integer(), categorySize: Type.Integer(), bottom: Type.Boolean(), promotionEligible: Nullable(Type.Boolean()), vetoed: Type.Boolean(), digest: Type.String(),
});
const Evidence = Type.Array(Type.Object({ type: Type.String(), id: Type.String() }));
export const ResultDetail = Type.Object({
  subject: Type.Object({ kind: Type.String(), code: Type.String(), category: Type.String(), level: Nullable(Type.String()) }),
  total: Type.Number(), basic: Type.Number(), bonus: Type.Number(), deduction: Type.Number(),
  band: Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() }), bandBeforeQuota: Nullable(Type.String()), quotaNote: Nullable(Line),
  rank: Type.Integer(), categorySize: Type.Integer(), bottom: Type.Boolean(), promotionEligible: Nullable(Type.Boolean()),
  veto: Nullable(Type.Object({ code: Type.String(), explanation: Line, evidence: Evidence })),
  dimensions: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), max: Type.Number(), points: Type.Number() })),
  items: Type.Array(Type.Object({
    code: Type.String(), kind: Type.String(), dimension: Nullable(Type.String()), status: Type.String(), points: Type.Number(), max: Type.Number(),
    value: Nullable(Type.Number()), explanation: Line, evidence: Evidence,
  })),
  digest: Type.String({ description: 'SHA-256 of the stored canonical breakdown (committed to the ledger when published)' }),
});

export const FairnessQuery = Type.Object(
  { gap: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'flag mean differences above this many points (default 5)' })), normalise: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const Dist = Type.Object({ group: Type.String(), n: Type.Integer(), mean: Type.Number(), median: Type.Number(), p10: Type.Number(), p90: Type.Number(), min: Type.Number(), max: Type.Number() });
export const FairnessReport = Type.Object({
  runId: Type.Integer(), gapThreshold: Type.Number(), byLevel: Type.Array(Dist), byCategory: Type.Array(Dist),
  gaps: Type.Array(Type.Object({ by: Type.String(), a: Type.String(), b: Type.String(), difference: Type.Number(), flagged: Type.Boolean() })),
  normalised: Type.Optional(Type.Array(Type.Object({ subjectKind: Type.String(), subjectCode: Type.String(), category: Type.String(), total: Type.Number(), percentile: Type.Number() }))),
});
export const ExportQuery = Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }) }, { additionalProperties: false });

export const ValidationReport = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(Type.Object({ path: Type.String({ description: 'JSON pointer under /body/definition' }), message: Type.String() })),
});

// Public disclosures (公示): unit-level results of published runs only.
export const DisclosureQuery = Type.Object(
  {
    page: PageQuery.properties.page, pageSize: PageQuery.properties.pageSize,
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of a unit name or code' })),
    runId: Type.Optional(Id),
    category: Type.Optional(Type.Union([Type.Literal('window_service'), Type.Literal('law_enforcement'), Type.Literal('general_admin')])),
  },
  { additionalProperties: false },
);
export type DisclosureQuery = Static<typeof DisclosureQuery>;
const DisclosureRun = Type.Object({
  id: Type.Integer(), period: Type.String(), publishedAt: Type.String(),
  framework: Type.Object({ code: Type.String(), versionNo: Type.Integer(), nameZh: Type.String(), nameEn: Type.String() }),
});
export const Disclosures = Type.Object({
  runs: Type.Array(DisclosureRun, { description: 'published runs, newest first (at most 20)' }),
  run: Nullable(DisclosureRun),
  items: Type.Array(Type.Object({
    unitCode: Type.String(), unitName: Type.String(), category: Type.String(), total: Type.Number(),
    band: Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() }), rank: Type.Integer(), categorySize: Type.Integer(),
  })),
  page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer(),
});

// The units × dimensions matrix of a run (dashboard heatmap, bottom-10% list).
export const UnitMatrixQuery = Type.Object(
  { page: PageQuery.properties.page, pageSize: PageQuery.properties.pageSize, bottom: Type.Optional(Type.Boolean({ description: 'only units in (true) or out of (false) the bottom share' })) },
  { additionalProperties: false },
);
export type UnitMatrixQuery = Static<typeof UnitMatrixQuery>;
export const UnitMatrixRow = Type.Object({
  unitCode: Type.String(), unitName: Type.String(), category: Type.String(), total: Type.Number(), band: Type.String(), rank: Type.Integer(), categorySize: Type.Integer(), bottom: Type.Boolean(),
  dimensions: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), points: Type.Number(), max: Type.Number() })),
});
