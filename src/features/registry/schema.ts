// Request and response schemas of the registry API. Bodies are checked for shape here; the domain
// rules (ID checksum, phone, dates, references) are in rules.ts so bulk import applies the same.
import { Type } from 'typebox';
import { PageQuery } from '../../lib/pagination.ts';

const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_.-]+$' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const RegionLevel = Type.Union(['province', 'city', 'county', 'township'].map((v) => Type.Literal(v)));
const Category = Type.Union(['window_service', 'law_enforcement', 'general_admin'].map((v) => Type.Literal(v)));
const StaffLevel = Type.Union([Type.Literal('leader'), Type.Literal('base')]);
const StaffStatus = Type.Union([Type.Literal('candidate'), Type.Literal('active'), Type.Literal('departed')]);
const Day = Type.String({ format: 'date' });

export const CodeParams = Type.Object({ code: Code });

export const RegionBody = Type.Object(
  { code: Code, name: Type.String({ minLength: 1, maxLength: 100 }), level: RegionLevel, parentCode: Type.Optional(Nullable(Code)) },
  { additionalProperties: false },
);
export const RegionPatch = Type.Partial(Type.Omit(RegionBody, ['code']), { additionalProperties: false });
export const Region = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), parentCode: Nullable(Type.String()), version: Type.Integer(), updatedAt: Type.String() });
export const RegionQuery = Type.Intersect([PageQuery, Type.Object({ parentCode: Type.Optional(Code), level: Type.Optional(RegionLevel) })]);

export const UnitBody = Type.Object(
  { code: Code, name: Type.String({ minLength: 1, maxLength: 100 }), category: Category, regionCode: Code, parentCode: Type.Optional(Nullable(Code)) },
  { additionalProperties: false },
);
export const UnitPatch = Type.Partial(Type.Omit(UnitBody, ['code']), { additionalProperties: false });
export const Unit = Type.Object({
  code: Type.String(), name: Type.String(), category: Type.String(), regionCode: Type.String(), regionName: Type.String(),
  parentCode: Nullable(Type.String()), version: Type.Integer(), updatedAt: Type.String(),
});
export const UnitQuery = Type.Intersect([PageQuery, Type.Object({ regionCode: Type.Optional(Code), parentCode: Type.Optional(Code), category: Type.Optional(Category) })]);

export const ServiceItemBody = Type.Object(
  { code: Code, name: Type.String({ minLength: 1, maxLength: 200 }), unitCode: Code, promisedDays: Type.Integer({ minimum: 0, maximum: 365 }) },
  { additionalProperties: false },
);
export const ServiceItemPatch = Type.Partial(Type.Omit(ServiceItemBody, ['code']), { additionalProperties: false });
export const ServiceItem = Type.Object({
  code: Type.String(), name: Type.String(), unitCode: Type.String(), unitName: Type.String(), promisedDays: Type.Integer(), version: Type.Integer(), updatedAt: Type.String(),
});
export const ServiceItemQuery = Type.Intersect([PageQuery, Type.Object({ unitCode: Type.Optional(Code) })]);

export const StaffBody = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 1, maxLength: 50 }),
    unitCode: Code,
    position: Type.Optional(Type.String({ maxLength: 100 })),
    level: StaffLevel,
    status: Type.Optional(StaffStatus),
    enteredOn: Type.Optional(Nullable(Day)),
    departedOn: Type.Optional(Nullable(Day)),
    idNumber: Type.Optional(Nullable(Type.String({ maxLength: 18, description: '18-digit resident ID number (GB 11643); stored encrypted' }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 20, description: 'mobile number; stored encrypted' }))),
  },
  { additionalProperties: false },
);
export const StaffPatch = Type.Partial(Type.Omit(StaffBody, ['code']), { additionalProperties: false });
export const Staff = Type.Object({
  code: Type.String(), name: Type.String(), unitCode: Type.String(), unitName: Type.String(), position: Type.String(),
  level: Type.String(), status: Type.String(), enteredOn: Nullable(Type.String()), departedOn: Nullable(Type.String()),
  idNumber: Nullable(Type.String({ description: 'masked unless revealed' })), phone: Nullable(Type.String({ description: 'masked unless revealed' })),
  version: Type.Integer(), updatedAt: Type.String(),
});
export const StaffQuery = Type.Intersect([PageQuery, Type.Object({ unitCode: Type.Optional(Code), status: Type.Optional(StaffStatus), level: Type.Optional(StaffLevel) })]);
export const StaffGetQuery = Type.Object({
  reveal: Type.Optional(Type.Boolean({ description: 'show ID number and phone in full (admin, inspector; logged)' })),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
});
