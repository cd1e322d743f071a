// Request and response shapes of integrity points (诚信积分).
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';

export const Rule = Type.Object({
  eventType: Type.String(), nameZh: Type.String(), nameEn: Type.String(), points: Type.Number(), version: Type.Integer(), updatedAt: Type.String(),
});
export const RuleParams = Type.Object({ eventType: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+$' }) });
export type RuleParams = Static<typeof RuleParams>;
export const RuleBody = Type.Object({ points: Type.Number({ minimum: -100, maximum: 100, description: 'points per event; negative deducts' }) }, { additionalProperties: false });
export type RuleBody = Static<typeof RuleBody>;

export const ApplyBody = Type.Object({ period: Type.String({ minLength: 4, maxLength: 10, description: "'2026Q3', '2026H1', '2026' or '2026-07'" }) }, { additionalProperties: false });
export type ApplyBody = Static<typeof ApplyBody>;
export const ApplyResult = Type.Object({ period: Type.String(), events: Type.Integer(), applied: Type.Integer(), alreadyApplied: Type.Integer(), pointsApplied: Type.Number() });

export const StaffParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }) });
export type StaffParams = Static<typeof StaffParams>;
export const AccountQuery = Type.Object({ page: PageQuery.properties.page, pageSize: PageQuery.properties.pageSize }, { additionalProperties: false });
export type AccountQuery = Static<typeof AccountQuery>;

export const Account = Type.Object({
  staff: Type.Object({ code: Type.String(), name: Type.String(), unitCode: Type.String() }),
  basePoints: Type.Number(),
  balance: Type.Number(),
  items: Type.Array(Type.Object({
    id: Type.Integer(), eventType: Type.String(), eventNameZh: Type.String(), at: Type.String(), period: Type.String(), points: Type.Number(),
    balance: Type.Number(), ruleVersion: Type.Integer(), summary: Type.String(),
    evidence: Type.Object({ type: Type.String(), id: Type.String(), url: Type.String() }), ledgerUrl: Type.String(),
  })),
  page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer(),
});

export const RulesQuery = Type.Object({}, { additionalProperties: false });
