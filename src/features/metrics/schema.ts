// Request and response shapes of the metric API (TypeBox → JSON Schema, validation and OpenAPI).
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const MetricsListQuery = Type.Object(
  {
    page: PageQuery.properties.page,
    pageSize: PageQuery.properties.pageSize,
    kind: Type.Union([Type.Literal('unit'), Type.Literal('staff')], { default: 'unit', description: 'subjects: units or staff members' }),
    period: Type.String({ minLength: 4, maxLength: 10, description: "'2026', '2026H1', '2026Q3' or '2026-07' (Beijing time)" }),
    codes: Type.Optional(Type.String({ maxLength: 1000, description: 'comma-separated metric codes; default every metric of the kind' })),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this unit and its sub-units (units), or their staff' })),
    minSample: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: "overrides each metric's minimum sample" })),
  },
  { additionalProperties: false },
);
export type MetricsListQuery = Static<typeof MetricsListQuery>;

export const MetricValue = Type.Object({
  value: Nullable(Type.Number()),
  numerator: Nullable(Type.Number()),
  denominator: Nullable(Type.Number()),
  sample: Type.Integer(),
  insufficient: Type.Boolean(),
});

export const SubjectMetrics = Type.Object({
  kind: Type.String(),
  period: Type.Object({ code: Type.String(), from: Type.String(), to: Type.String() }),
  subject: Type.Object({ code: Type.String(), name: Type.String(), unitCode: Type.String(), category: Type.String() }),
  metrics: Type.Record(Type.String(), MetricValue),
});

export const MetricDefinition = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), subjects: Type.Array(Type.String()),
  higherIsBetter: Type.Boolean(), minSample: Type.Integer(), unit: Type.String(), needs: Type.Optional(Type.String()),
});
export const MetricCatalogue = Type.Object({
  metrics: Type.Array(MetricDefinition),
  events: Type.Array(Type.Object({ type: Type.String(), nameZh: Type.String(), nameEn: Type.String(), subjects: Type.Array(Type.String()) })),
});

export const CatalogueQuery = Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('unit'), Type.Literal('staff')])) }, { additionalProperties: false });
export type CatalogueQuery = Static<typeof CatalogueQuery>;
