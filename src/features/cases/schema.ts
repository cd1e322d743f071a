// Request and response shapes of cases (TypeBox → JSON Schema, validated by Fastify, published by swagger).
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';
import { CONDUCT_CATEGORIES } from './classify.ts';
import { ACTION_NAMES } from './machine.ts';
import { CASE_CHANNELS, CASE_STATUSES } from './tables.ts';

const lit = <T extends string>(xs: readonly T[], description?: string) => Type.Union(xs.map((x) => Type.Literal(x)), description ? { description } : {});

export const CaseListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(lit(CASE_STATUSES)),
    open: Type.Optional(Type.Boolean({ description: 'true: a clock is running; false: finished' })),
    overdue: Type.Optional(Type.Boolean()),
    category: Type.Optional(lit(CONDUCT_CATEGORIES)),
    channel: Type.Optional(lit(CASE_CHANNELS)),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'this unit and its sub-units' })),
  },
  { additionalProperties: false },
);
export type CaseListQuery = Static<typeof CaseListQuery>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) });
export const MediaParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }), mediaId: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) });
export const MediaQuery = Type.Object({ thumb: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const ActionParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }), action: lit(ACTION_NAMES) });
export const GetQuery = Type.Object(
  {
    reveal: Type.Optional(Type.Boolean({ description: 'show who reported (inspectors only); needs a reason; logged' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ActionBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
    assignee: Type.Optional(Type.String({ maxLength: 100 })),
    finding: Type.Optional(Type.String({ enum: ['substantiated', 'partly', 'unsubstantiated'] })),
    measures: Type.Optional(Type.String({ maxLength: 4000 })),
    newDeadline: Type.Optional(Type.String({ format: 'date-time' })),
    unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    outcome: Type.Optional(Type.String({ enum: ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

export const MergeBody = Type.Object({ intoId: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) }, { additionalProperties: false });
export const MessageBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const CategoryBody = Type.Object({ category: lit(CONDUCT_CATEGORIES) }, { additionalProperties: false });
export const ReopenBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
/** The receipt code in a body, so that it stays out of URLs (and every log and history that keeps them). */
const ReceiptCode = Type.String({ minLength: 16, maxLength: 40, pattern: '^[0-9 -]+$', description: 'the receipt code (回执码)' });
export const FollowBody = Type.Object({ receiptCode: ReceiptCode }, { additionalProperties: false });
export const FollowMessageBody = Type.Object({ receiptCode: ReceiptCode, body: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const FollowReopenBody = Type.Object({ receiptCode: ReceiptCode, reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
export const PublicUnitQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: 50, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 20, default: 20 }),
    q: Type.Optional(Type.String({ maxLength: 50, description: 'part of a unit name or code' })),
  },
  { additionalProperties: false },
);
export const ReceiptParams = Type.Object({ receiptCode: Type.String({ minLength: 16, maxLength: 40, pattern: '^[0-9 -]+$' }) });

export const EnterBody = Type.Object(
  {
    channel: lit(['letter', 'hotline', 'visit'] as const, 'letter 来信, hotline 来电, visit 来访'),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    category: Type.Optional(lit(CONDUCT_CATEGORIES)),
    subjectUnitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    subjectStaffCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    realName: Type.Optional(Type.Boolean()),
    reporterName: Type.Optional(Type.String({ maxLength: 50 })),
    reporterPhone: Type.Optional(Type.String({ maxLength: 20 })),
    reporterEmail: Type.Optional(Type.String({ maxLength: 254 })),
  },
  { additionalProperties: false },
);
export type EnterBody = Static<typeof EnterBody>;

export const NotificationQuery = Type.Object(
  { ...PageQuery.properties, kind: Type.Optional(lit(['first_response_reminder', 'due_reminder', 'first_response_breach', 'due_breach'] as const)) },
  { additionalProperties: false },
);
export const ClockRunResult = Type.Object({ reminders: Type.Integer(), escalations: Type.Integer() });
export const Receipt = Type.Object({ receiptCode: Type.String({ description: 'shown once: only its hash is stored (回执码，请妥善保存)' }) });

export const EmptyQuery = Type.Object({}, { additionalProperties: false });
