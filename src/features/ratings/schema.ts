// Request and response shapes of ratings, rectifications and unit metrics (TypeBox → JSON Schema,
// which Fastify validates and @fastify/swagger publishes).
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';
import { ACTION_NAMES } from './machine.ts';
import { RATING_CHANNELS, RECTIFICATION_STATUSES } from './tables.ts';

export const MAX_COMMENT = 500;
export const MAX_TAGS = 10;
export const MAX_TAG = 20;

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const RatingBody = Type.Object(
  {
    transactionCode: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s]+$', description: 'the code printed on the receipt of the transaction (办件编号)' }),
    level: Type.Integer({ minimum: 1, maximum: 5, description: '5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (1–2 are 差评)' }),
    comment: Type.Optional(Type.String({ maxLength: MAX_COMMENT, description: `at most ${MAX_COMMENT} characters` })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG }), { maxItems: MAX_TAGS, uniqueItems: true, description: `up to ${MAX_TAGS} short labels, e.g. 态度好, 多次跑` })),
    channel: Type.Optional(Type.Union(RATING_CHANNELS.map((c) => Type.Literal(c)), { description: 'per_visit 一次一评, per_matter 一事一评 (default), overall 综合点评, supervision 监督查评' })),
    realName: Type.Optional(Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 50 }), phone: Type.String({ minLength: 1, maxLength: 20 }) },
      { additionalProperties: false, description: 'real-name rating (实名评价): the rater is revisited (回访); stored encrypted' },
    )),
  },
  { additionalProperties: false },
);
export type RatingBody = Static<typeof RatingBody>;

export const RatingCreated = Type.Object({ ratingId: Type.Integer() });

export const DefaultRunBody = Type.Object(
  {
    afterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    full: Type.Optional(Type.Boolean({ description: 'look at every completed transaction, not only those since the last run (a late-reported completion)' })),
  },
  { additionalProperties: false },
);
export const DefaultRunResult = Type.Object({ rated: Type.Integer(), afterDays: Type.Integer(), level: Type.Integer(), full: Type.Boolean(), ranAt: Type.String() });

// ---- rectifications --------------------------------------------------------------------------

export const RectificationQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(Type.Union(RECTIFICATION_STATUSES.map((s) => Type.Literal(s)))),
    overdue: Type.Optional(Type.Boolean()),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'this unit and its sub-units' })),
  },
  { additionalProperties: false },
);
export type RectificationQuery = Static<typeof RectificationQuery>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) });
export const ActionParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }),
  action: Type.Union(ACTION_NAMES.map((a) => Type.Literal(a))),
});
export const RectificationGetQuery = Type.Object({
  reveal: Type.Optional(Type.Boolean({ description: 'show the real-name rater in full (for the 回访); needs a reason; logged' })),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

export const ActionBody = Type.Object(
  {
    finding: Type.Optional(Type.String({ description: 'verify: founded | unfounded' })),
    reason: Type.Optional(Type.String({ maxLength: 1000, description: 'verify (required when unfounded), appeal, decide-appeal, mark-false' })),
    evidence: Type.Optional(Type.String({ maxLength: 4000, description: 'rectify: what was done' })),
    attachments: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10, description: 'rectify: references to stored files' })),
    outcome: Type.Optional(Type.String({ description: 'revisit: satisfied (满意) | basically_satisfied (基本满意) | dissatisfied (不满意)' })),
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'revisit: notes of the call' })),
    kind: Type.Optional(Type.String({ description: 'appeal: mistaken | malicious' })),
    decision: Type.Optional(Type.String({ description: 'decide-appeal: upheld | rejected' })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

const Rater = Type.Object({ name: Type.String(), phone: Type.String(), masked: Type.Boolean() });

export const Rectification = Type.Object({
  id: Type.Integer(),
  status: Type.String(),
  overdue: Type.Boolean(),
  stageDeadline: Nullable(Type.String()),
  dueAt: Type.String(),
  openedAt: Type.String(),
  unit: Type.Object({ code: Type.String(), name: Type.String(), category: Type.String() }),
  transaction: Type.Object({ code: Type.String(), serviceItemCode: Nullable(Type.String()), serviceItemName: Nullable(Type.String()) }),
  rating: Type.Object({
    id: Type.Integer(), level: Type.Integer(), levelName: Type.String(), channel: Type.String(), comment: Nullable(Type.String()),
    tags: Type.Array(Type.String()), ratedAt: Type.String(), realName: Type.Boolean(), excluded: Type.Boolean(), rater: Nullable(Rater),
  }),
  finding: Nullable(Type.String()),
  findingReason: Nullable(Type.String()),
  evidence: Nullable(Type.String()),
  attachments: Type.Array(Type.String()),
  revisitRequired: Type.Boolean(),
  revisitOutcome: Nullable(Type.String()),
  revisitNote: Nullable(Type.String()),
  revisitCount: Type.Integer(),
  appeal: Nullable(Type.Object({ kind: Type.String(), reason: Nullable(Type.String()), decision: Nullable(Type.String()), decisionReason: Nullable(Type.String()) })),
  falseRectification: Type.Boolean(),
  falseReason: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  verifiedAt: Nullable(Type.String()),
  rectifiedAt: Nullable(Type.String()),
  revisitedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  version: Type.Integer(),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String(), { description: 'what the caller may do now' }),
});

export const RectificationEvent = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  fromStatus: Nullable(Type.String()),
  toStatus: Type.String(),
  actor: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  at: Type.String(),
});

export const RectificationDetail = Type.Object({ ...Rectification.properties, events: Type.Array(RectificationEvent) });

const Category = Type.Union([Type.Literal('window_service'), Type.Literal('law_enforcement'), Type.Literal('general_admin')]);
const Days = Type.Integer({ minimum: 1, maximum: 60 });
export const DeadlineQuery = Type.Object({ unitCategory: Type.Optional(Category) }, { additionalProperties: false });
export const DeadlineParams = Type.Object({ category: Category });
export const DeadlineBody = Type.Object(
  {
    verifyDays: Days,
    rectifyDays: Days,
    revisitDays: Days,
    appealDays: Days,
  },
  { additionalProperties: false, description: 'working days of each stage, counted from the moment the stage is entered' },
);
export const DeadlineRule = Type.Object({
  unitCategory: Type.String(), verifyDays: Type.Integer(), rectifyDays: Type.Integer(), revisitDays: Type.Integer(), appealDays: Type.Integer(),
  version: Type.Integer(), updatedAt: Type.String(),
});

// ---- metrics ---------------------------------------------------------------------------------

export const MetricsQuery = Type.Object(
  {
    page: PageQuery.properties.page,
    pageSize: PageQuery.properties.pageSize,
    from: Type.String({ format: 'date', description: 'first day of the period (Beijing time), inclusive' }),
    to: Type.String({ format: 'date', description: 'day after the period (Beijing time), exclusive' }),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'one unit; without it, every unit in your scope' })),
    includeSubUnits: Type.Boolean({ default: true, description: "count the unit's sub-units' evidence too" }),
    minSample: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'smallest denominator a rate is computed from' })),
  },
  { additionalProperties: false },
);
export type MetricsQuery = Static<typeof MetricsQuery>;

const Metric = Type.Object({
  value: Nullable(Type.Number()),
  numerator: Type.Number(),
  denominator: Type.Integer(),
  reason: Type.Optional(Type.String()),
});

export const UnitMetrics = Type.Object({
  unit: Type.Object({ code: Type.String(), name: Type.String(), category: Type.String() }),
  from: Type.String(),
  to: Type.String(),
  includeSubUnits: Type.Boolean(),
  minSample: Type.Integer(),
  counts: Type.Object({
    ratings: Type.Integer(), defaulted: Type.Integer(), badRatings: Type.Integer(), excluded: Type.Integer(),
    rectifications: Type.Integer(), openRectifications: Type.Integer(), overdueRectifications: Type.Integer(), completedTransactions: Type.Integer(),
  }),
  metrics: Type.Object({
    goodRate: Metric,
    badRate: Metric,
    rectificationRate: Metric,
    onTimeRectificationRate: Metric,
    revisitRate: Metric,
    falseRectificationRate: Metric,
    onTimeCompletionRate: Metric,
    averageProcessingDays: Type.Object({ ...Metric.properties, promisedAverage: Nullable(Type.Number()) }),
  }),
});
