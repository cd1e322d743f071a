// Every /api route answers 401 without sign-in, 403 (or 404 when out of scope) for a caller who may
// not, 400 for a bad request, and succeeds on the happy path. The table is checked against the
// OpenAPI document, so a new route without its four cases fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { addToken } from '../src/features/auth/service.ts';
import { ingestRatings } from '../src/features/ratings/service.ts';
import { insertTransactions } from './helpers/transactions.ts';
import { DEFAULT_FRAMEWORK } from '../src/features/scoring/default-framework.ts';
import { multipartBody } from './helpers/multipart.ts';
import { casesDeps } from '../src/features/cases/routes.ts';
import { checkNewCase, createCase } from '../src/features/cases/intake.ts';
import { hashReceipt } from '../src/features/cases/receipt.ts';

interface Call { user: string; method?: string; url: string; body?: unknown; headers?: Record<string, string>; freshSession?: boolean }
interface Case {
  /** Public routes have no 401 case. */
  anonymous?: Omit<Call, 'user'> | 'public';
  /** 'filtered': a list answers 200 with none of the out-of-scope records. */
  /** 415: a public upload sent as something else than it must be. */
  denied: Call & { status: 403 | 404 | 409 | 415 | 'filtered' };
  bad: Call;
  ok: Call & { status?: number };
}

/** Authorization header of a machine (ingest) token, for routes every signed-in role may read. */
const calendarMachine: Record<string, string> = {};
const routeFramework = { ...DEFAULT_FRAMEWORK, code: 'RT-FW' };
const brokenFramework = { ...routeFramework, structure: { basic: 60, bonusCap: 30, deductionCap: 20 } };
const assessment = { frameworkId: 1, period: '2026Q3', indicator: 'political_conduct', subjectKind: 'staff', subjectCode: 'S0000020' };
const exemption = { subjectKind: 'staff', subjectCode: 'S0000020', period: '2026Q3', ref: { type: 'hotline_ticket', id: '1' }, reason: '系统故障' };
const staffBody = { code: 'RT1', name: '路由测试', unitCode: 'U99010201', level: 'base', enteredOn: '2021-03-01' };
// Complaints: case 1 is made in beforeAll with a known receipt code (and one photo), case 2 (rejected, for
// the portal's follow-up with the code in the body) too; the public report makes case 3 and the hotline
// entry case 4, which is then merged into case 3.
const RECEIPT = '123456789012345678901234';
const RECEIPT2 = '223456789012345678901234';
const WRONG_RECEIPT = '123456789000000000000000';
const multipart = (fields: Record<string, string>) => {
  const { payload, headers } = multipartBody(fields);
  return { body: payload.toString('utf8'), headers };
};
const CASES: Record<string, Case> = {
  'POST /api/auth/login': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: 'wrong-password' }, status: 403 },
    bad: { user: '', method: 'POST', url: '/api/auth/login', body: { username: 'admin' } },
    ok: { user: '', method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: 'Demo@admin2026' } },
  },
  'POST /api/auth/logout': {
    anonymous: 'public',
    denied: { user: 'observer', method: 'POST', url: '/api/auth/logout', status: 403 },
    bad: { user: 'observer', method: 'POST', url: '/api/auth/logout', body: 'not json', headers: { 'content-type': 'application/json' } },
    ok: { user: 'observer', method: 'POST', url: '/api/auth/logout', status: 204, freshSession: true },
  },
  'GET /api/auth/me': {
    denied: { user: 'observer', url: '/api/auth/me', status: 403 },
    bad: { user: 'observer', url: '/api/auth/me?x=1', headers: { authorization: 'Bearer' } },
    ok: { user: 'observer', url: '/api/auth/me' },
  },
  'GET /api/regions': {
    denied: { user: 'unit_head', url: '/api/regions?parentCode=000000', status: 'filtered' },
    bad: { user: 'observer', url: '/api/regions?level=planet' },
    ok: { user: 'observer', url: '/api/regions?parentCode=990100' },
  },
  'GET /api/regions/{code}': {
    denied: { user: 'observer', url: '/api/regions/000000', status: 404 },
    bad: { user: 'observer', url: '/api/regions/bad%20code' },
    ok: { user: 'observer', url: '/api/regions/990100' },
  },
  'POST /api/regions': {
    denied: { user: 'organizer', method: 'POST', url: '/api/regions', body: { code: '990199', name: '新区', level: 'county', parentCode: '990100' }, status: 403 },
    bad: { user: 'admin', method: 'POST', url: '/api/regions', body: { code: '990198', name: '新区', level: 'county' } },
    ok: { user: 'admin', method: 'POST', url: '/api/regions', body: { code: '990199', name: '新区', level: 'county', parentCode: '990100' }, status: 201 },
  },
  'PATCH /api/regions/{code}': {
    denied: { user: 'unit_head', method: 'PATCH', url: '/api/regions/990199', body: { name: '新区二' }, status: 403 },
    bad: { user: 'admin', method: 'PATCH', url: '/api/regions/990199', body: { level: 'galaxy' } },
    ok: { user: 'admin', method: 'PATCH', url: '/api/regions/990199', body: { name: '新区二' } },
  },
  'GET /api/units': {
    denied: { user: 'unit_head', url: '/api/units?regionCode=990103', status: 'filtered' },
    bad: { user: 'unit_head', url: '/api/units?pageSize=100000' },
    ok: { user: 'unit_head', url: '/api/units' },
  },
  'GET /api/units/{code}': {
    denied: { user: 'unit_head', url: '/api/units/U99010301', status: 404 },
    bad: { user: 'unit_head', url: '/api/units/%E5%8D%95' },
    ok: { user: 'unit_head', url: '/api/units/U99010201' },
  },
  'POST /api/units': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/units', body: { code: 'URT', name: '测试', category: 'general_admin', regionCode: '990102' }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/units', body: { code: 'URT', name: '测试', category: 'bank', regionCode: '990102' } },
    ok: { user: 'organizer', method: 'POST', url: '/api/units', body: { code: 'URT', name: '测试', category: 'general_admin', regionCode: '990102' }, status: 201 },
  },
  'PATCH /api/units/{code}': {
    denied: { user: 'unit_head2', method: 'PATCH', url: '/api/units/URT', body: { name: 'x' }, status: 403 },
    bad: { user: 'organizer', method: 'PATCH', url: '/api/units/URT', body: { parentCode: 'NOPE' } },
    ok: { user: 'organizer', method: 'PATCH', url: '/api/units/URT', body: { name: '测试二' } },
  },
  'GET /api/service-items': {
    denied: { user: 'unit_head', url: '/api/service-items?unitCode=U99010301', status: 'filtered' },
    bad: { user: 'unit_head', url: '/api/service-items?sort=secret' },
    ok: { user: 'unit_head', url: '/api/service-items' },
  },

  'POST /api/service-items': {
    denied: { user: 'assessor', method: 'POST', url: '/api/service-items', body: { code: 'SVRT', name: '事项', unitCode: 'U99010201', promisedDays: 3 }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/service-items', body: { code: 'SVRT', name: '事项', unitCode: 'U99010201', promisedDays: 999 } },
    ok: { user: 'organizer', method: 'POST', url: '/api/service-items', body: { code: 'SVRT', name: '事项', unitCode: 'U99010201', promisedDays: 3 }, status: 201 },
  },
  'PATCH /api/service-items/{code}': {
    denied: { user: 'staff', method: 'PATCH', url: '/api/service-items/SVRT', body: { promisedDays: 4 }, status: 403 },
    bad: { user: 'organizer', method: 'PATCH', url: '/api/service-items/SVRT', body: { promisedDays: -1 } },
    ok: { user: 'organizer', method: 'PATCH', url: '/api/service-items/SVRT', body: { promisedDays: 4 } },
  },  'GET /api/service-items/{code}': {
    denied: { user: 'unit_head2', url: '/api/service-items/SVRT', status: 404 },
    bad: { user: 'unit_head', url: '/api/service-items/a%20b' },
    ok: { user: 'unit_head', url: '/api/service-items/SVRT' },
  },
  'GET /api/staff': {
    denied: { user: 'observer', url: '/api/staff', status: 403 },
    bad: { user: 'unit_head', url: '/api/staff?status=retired' },
    ok: { user: 'unit_head', url: '/api/staff' },
  },

  'POST /api/staff': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/staff', body: staffBody, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/staff', body: { ...staffBody, phone: '110' } },
    ok: { user: 'organizer', method: 'POST', url: '/api/staff', body: staffBody, status: 201 },
  },
  'PATCH /api/staff/{code}': {
    denied: { user: 'inspector', method: 'PATCH', url: '/api/staff/RT1', body: { position: '科员' }, status: 403 },
    bad: { user: 'organizer', method: 'PATCH', url: '/api/staff/RT1', body: { enteredOn: 'yesterday' } },
    ok: { user: 'organizer', method: 'PATCH', url: '/api/staff/RT1', body: { position: '科员' } },
  },  'GET /api/staff/{code}': {
    denied: { user: 'unit_head2', url: '/api/staff/RT1', status: 404 },
    bad: { user: 'inspector', url: '/api/staff/RT1?reveal=true' },
    ok: { user: 'unit_head', url: '/api/staff/RT1' },
  },
  'GET /api/access-log': {
    denied: { user: 'organizer', url: '/api/access-log', status: 403 },
    bad: { user: 'inspector', url: '/api/access-log?page=0' },
    ok: { user: 'inspector', url: '/api/access-log' },
  },
  'POST /api/imports/{kind}': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/imports/units', body: 'code,name\n', headers: { 'content-type': 'text/csv' }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/imports/units', body: '', headers: { 'content-type': 'text/csv' } },
    ok: { user: 'organizer', method: 'POST', url: '/api/imports/services', body: 'code,name,unitCode,promisedDays\nSVRT2,事项二,U99010201,2\n', headers: { 'content-type': 'text/csv' }, status: 202 },
  },
  'GET /api/imports/{id}': {
    denied: { user: 'admin', url: '/api/imports/999999', status: 404 },
    bad: { user: 'organizer', url: '/api/imports/abc' },
    ok: { user: 'organizer', url: '/api/imports/1' },
  },
  'GET /api/imports/{id}/errors': {
    denied: { user: 'observer', url: '/api/imports/1/errors', status: 403 },
    bad: { user: 'organizer', url: '/api/imports/1/errors?pageSize=0' },
    ok: { user: 'organizer', url: '/api/imports/1/errors' },
  },
  // Every signed-in role reads the calendar; a machine token (ingest) may not: its headers are filled in below.
  'GET /api/calendar': {
    denied: { user: '', url: '/api/calendar?from=2025-01-01', headers: calendarMachine, status: 403 },
    bad: { user: 'observer', url: '/api/calendar?from=2025-02-30' },
    ok: { user: 'observer', url: '/api/calendar?from=2025-01-01&to=2025-12-31&days=true' },
  },
  'GET /api/calendar/working-days': {
    denied: { user: '', url: '/api/calendar/working-days?from=2025-09-30&days=3', headers: calendarMachine, status: 403 },
    bad: { user: 'observer', url: '/api/calendar/working-days?from=2025-09-30&days=0' },
    ok: { user: 'observer', url: '/api/calendar/working-days?from=2025-09-30T10:00:00%2B08:00&days=3' },
  },
  'PUT /api/calendar/days/{date}': {
    denied: { user: 'organizer', method: 'PUT', url: '/api/calendar/days/2027-01-04', body: { kind: 'holiday', name: '路由测试' }, status: 403 },
    bad: { user: 'admin', method: 'PUT', url: '/api/calendar/days/2027-01-06', body: { kind: 'workday', name: '周三不能调休上班' } },
    ok: { user: 'admin', method: 'PUT', url: '/api/calendar/days/2027-01-04', body: { kind: 'holiday', name: '路由测试' }, status: 201 },
  },
  'DELETE /api/calendar/days/{date}': {
    denied: { user: 'organizer', method: 'DELETE', url: '/api/calendar/days/2027-01-04', status: 403 },
    bad: { user: 'admin', method: 'DELETE', url: '/api/calendar/days/2027-02-30' },
    ok: { user: 'admin', method: 'DELETE', url: '/api/calendar/days/2027-01-04', status: 204 },
  },
  'POST /api/calendar/import': {
    denied: { user: 'organizer', method: 'POST', url: '/api/calendar/import', body: 'date,kind,name\n2027-01-01,holiday,元旦\n', headers: { 'content-type': 'text/csv' }, status: 403 },
    bad: { user: 'admin', method: 'POST', url: '/api/calendar/import', body: 'date,name\n2027-01-01,元旦\n', headers: { 'content-type': 'text/csv' } },
    ok: { user: 'admin', method: 'POST', url: '/api/calendar/import', body: '日期,类型,名称\n2027-01-01,休,元旦\n', headers: { 'content-type': 'text/csv' } },
  },
  // Ratings: the public rating has no 401 case; its "denied" is a second rating of a transaction rated
  // below in beforeAll (409). That 差评 opened rectification 1, which the unit head verifies.
  'POST /api/public/ratings': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/public/ratings', body: { transactionCode: 'RT-RATED', level: 5 }, status: 409 },
    bad: { user: '', method: 'POST', url: '/api/public/ratings', body: { transactionCode: 'RT-NEW', level: 9 } },
    ok: { user: '', method: 'POST', url: '/api/public/ratings', body: { transactionCode: 'RT-NEW', level: 2, comment: '等候时间长' }, status: 201 },
  },
  'POST /api/ratings/default-run': {
    denied: { user: 'organizer', method: 'POST', url: '/api/ratings/default-run', body: {}, status: 403 },
    bad: { user: 'admin', method: 'POST', url: '/api/ratings/default-run', body: { level: 9 } },
    ok: { user: 'admin', method: 'POST', url: '/api/ratings/default-run', body: {} },
  },
  'GET /api/rectifications': {
    denied: { user: 'unit_head2', url: '/api/rectifications', status: 'filtered' },
    bad: { user: 'unit_head', url: '/api/rectifications?status=forgotten' },
    ok: { user: 'unit_head', url: '/api/rectifications' },
  },
  'GET /api/rectifications/{id}': {
    denied: { user: 'unit_head2', url: '/api/rectifications/1', status: 404 },
    bad: { user: 'unit_head', url: '/api/rectifications/abc' },
    ok: { user: 'unit_head', url: '/api/rectifications/1' },
  },
  'POST /api/rectifications/{id}/{action}': {
    denied: { user: 'unit_head2', method: 'POST', url: '/api/rectifications/1/verify', body: { finding: 'founded' }, status: 404 },
    bad: { user: 'unit_head', method: 'POST', url: '/api/rectifications/1/verify', body: { finding: 'maybe' } },
    ok: { user: 'unit_head', method: 'POST', url: '/api/rectifications/1/verify', body: { finding: 'founded', reason: '核实属实' } },
  },
  'GET /api/rectification-deadlines': {
    denied: { user: 'staff', url: '/api/rectification-deadlines', status: 403 },
    bad: { user: 'unit_head', url: '/api/rectification-deadlines?unitCategory=bank' },
    ok: { user: 'unit_head', url: '/api/rectification-deadlines' },
  },
  'PUT /api/rectification-deadlines/{category}': {
    denied: { user: 'inspector', method: 'PUT', url: '/api/rectification-deadlines/law_enforcement', body: { verifyDays: 1, rectifyDays: 7, revisitDays: 3, appealDays: 5 }, status: 403 },
    bad: { user: 'admin', method: 'PUT', url: '/api/rectification-deadlines/law_enforcement', body: { verifyDays: 1, rectifyDays: 99, revisitDays: 3, appealDays: 5 } },
    ok: { user: 'admin', method: 'PUT', url: '/api/rectification-deadlines/law_enforcement', body: { verifyDays: 1, rectifyDays: 7, revisitDays: 3, appealDays: 5 } },
  },
  'GET /api/metrics/units': {
    denied: { user: 'unit_head', url: '/api/metrics/units?from=2025-01-01&to=2026-01-01&unitCode=U99010301', status: 404 },
    bad: { user: 'unit_head', url: '/api/metrics/units?from=2026-01-01&to=2025-01-01' },
    ok: { user: 'unit_head', url: '/api/metrics/units?from=2025-01-01&to=2026-01-01' },
  },
  'GET /api/metrics': {
    denied: { user: 'unit_head', url: '/api/metrics?period=2025Q3&unitCode=U99010301', status: 404 },
    bad: { user: 'unit_head', url: '/api/metrics?period=2025Q5' },
    ok: { user: 'unit_head', url: '/api/metrics?period=2025Q3&kind=staff' },
  },
  'GET /api/metrics/catalogue': {
    denied: { user: 'staff', url: '/api/metrics/catalogue', status: 403 },
    bad: { user: 'observer', url: '/api/metrics/catalogue?kind=person' },
    ok: { user: 'observer', url: '/api/metrics/catalogue?kind=unit' },
  },
  'GET /api/integrity/rules': {
    denied: { user: 'observer', url: '/api/integrity/rules', status: 403 },
    bad: { user: 'unit_head', url: '/api/integrity/rules?x=1' },
    ok: { user: 'unit_head', url: '/api/integrity/rules' },
  },
  'PUT /api/integrity/rules/{eventType}': {
    denied: { user: 'organizer', method: 'PUT', url: '/api/integrity/rules/bad_rating', body: { points: -2 }, status: 403 },
    bad: { user: 'admin', method: 'PUT', url: '/api/integrity/rules/hotline_overdue', body: { points: -2 } },
    ok: { user: 'admin', method: 'PUT', url: '/api/integrity/rules/bad_rating', body: { points: -2 } },
  },
  'POST /api/integrity/apply': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/integrity/apply', body: { period: '2025Q3' }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/integrity/apply', body: { period: '2025-13' } },
    ok: { user: 'organizer', method: 'POST', url: '/api/integrity/apply', body: { period: '2025Q3' } },
  },
  'GET /api/integrity/staff/{code}': {
    denied: { user: 'unit_head2', url: '/api/integrity/staff/RT1', status: 404 },
    bad: { user: 'unit_head', url: '/api/integrity/staff/RT1?pageSize=0' },
    ok: { user: 'unit_head', url: '/api/integrity/staff/RT1' },
  },
  // Evidence ingestion: the organizer ingests on behalf of the source the admin registers first; that makes job 1.
  'POST /api/sources': {
    denied: { user: 'organizer', method: 'POST', url: '/api/sources', body: { code: 'rt-source', name: '路由测试数据源' }, status: 403 },
    bad: { user: 'admin', method: 'POST', url: '/api/sources', body: { code: '-rt source', name: '路由测试数据源' } },
    ok: { user: 'admin', method: 'POST', url: '/api/sources', body: { code: 'rt-source', name: '路由测试数据源' }, status: 201 },
  },
  'GET /api/sources': {
    denied: { user: 'unit_head', url: '/api/sources', status: 403 },
    bad: { user: 'organizer', url: '/api/sources?sort=token' },
    ok: { user: 'organizer', url: '/api/sources' },
  },
  'POST /api/ingest/{kind}': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/ingest/transactions?source=rt-source', body: '{"externalId":"RT1"}\n', headers: { 'content-type': 'application/x-ndjson' }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/ingest/cats?source=rt-source', body: '{"externalId":"RT1"}\n', headers: { 'content-type': 'application/x-ndjson' } },
    ok: {
      user: 'organizer', method: 'POST', url: '/api/ingest/transactions?source=rt-source', headers: { 'content-type': 'application/x-ndjson' },
      body: '{"externalId":"RT1","serviceItemCode":"I9900000101","channel":"window","acceptedAt":"2025-05-06 09:00"}\n{"externalId":"RT2"}\n',
    },
  },
  'GET /api/ingest/jobs/{id}': {
    denied: { user: 'admin', url: '/api/ingest/jobs/999999', status: 404 },
    bad: { user: 'organizer', url: '/api/ingest/jobs/abc' },
    ok: { user: 'organizer', url: '/api/ingest/jobs/1' },
  },
  'GET /api/ingest/jobs/{id}/errors': {
    denied: { user: 'observer', url: '/api/ingest/jobs/1/errors', status: 403 },
    bad: { user: 'organizer', url: '/api/ingest/jobs/1/errors?pageSize=0' },
    ok: { user: 'organizer', url: '/api/ingest/jobs/1/errors' },
  },
  'POST /api/public/cases': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/public/cases', body: { text: '窗口人员态度冷漠' }, status: 415 },
    bad: { user: '', method: 'POST', url: '/api/public/cases', ...multipart({ subjectUnitCode: 'U99010201' }) },
    ok: { user: '', method: 'POST', url: '/api/public/cases', ...multipart({ text: '三号窗口工作人员上班玩手机', subjectUnitCode: 'U99010201' }), status: 201 },
  },
  'GET /api/cases': {
    denied: { user: 'unit_head2', url: '/api/cases', status: 'filtered' },
    bad: { user: 'unit_head', url: '/api/cases?status=lost' },
    ok: { user: 'unit_head', url: '/api/cases?overdue=false' },
  },
  'POST /api/cases': {
    denied: { user: 'observer', method: 'POST', url: '/api/cases', body: { channel: 'hotline', text: '来电' }, status: 403 },
    bad: { user: 'unit_head', method: 'POST', url: '/api/cases', body: { channel: 'fax', text: '来电' } },
    ok: { user: 'unit_head', method: 'POST', url: '/api/cases', body: { channel: 'hotline', text: '来电反映三号窗口工作人员上班玩手机' }, status: 201 },
  },
  'GET /api/cases/overdue': {
    denied: { user: 'observer', url: '/api/cases/overdue', status: 403 },
    bad: { user: 'unit_head', url: '/api/cases/overdue?unit=all' },
    ok: { user: 'unit_head', url: '/api/cases/overdue' },
  },
  'GET /api/case-notifications': {
    denied: { user: 'assessor', url: '/api/case-notifications', status: 403 },
    bad: { user: 'inspector', url: '/api/case-notifications?pageSize=0' },
    ok: { user: 'inspector', url: '/api/case-notifications?kind=due_breach' },
  },
  'GET /api/cases/{id}': {
    denied: { user: 'unit_head2', url: '/api/cases/1', status: 404 },
    bad: { user: 'unit_head', url: '/api/cases/abc' },
    ok: { user: 'unit_head', url: '/api/cases/1' },
  },
  'POST /api/cases/{id}/{action}': {
    denied: { user: 'unit_head2', method: 'POST', url: '/api/cases/1/accept', body: {}, status: 404 },
    bad: { user: 'unit_head', method: 'POST', url: '/api/cases/1/reject', body: { reason: '' } },
    ok: { user: 'unit_head', method: 'POST', url: '/api/cases/1/reject', body: { reason: '不属于本平台受理范围' } },
  },
  'POST /api/cases/{id}/merge': {
    denied: { user: 'unit_head2', method: 'POST', url: '/api/cases/4/merge', body: { intoId: 3 }, status: 404 },
    bad: { user: 'unit_head', method: 'POST', url: '/api/cases/4/merge', body: { intoId: 'two' } },
    ok: { user: 'unit_head', method: 'POST', url: '/api/cases/4/merge', body: { intoId: 3 } },
  },
  'POST /api/cases/{id}/messages': {
    denied: { user: 'unit_head2', method: 'POST', url: '/api/cases/3/messages', body: { body: '您好' }, status: 404 },
    bad: { user: 'unit_head', method: 'POST', url: '/api/cases/3/messages', body: {} },
    ok: { user: 'unit_head', method: 'POST', url: '/api/cases/3/messages', body: { body: '您好，已收到' } },
  },
  'PUT /api/cases/{id}/category': {
    denied: { user: 'unit_head2', method: 'PUT', url: '/api/cases/3/category', body: { category: 'indifference' }, status: 404 },
    bad: { user: 'unit_head', method: 'PUT', url: '/api/cases/3/category', body: { category: 'rudeness' } },
    ok: { user: 'unit_head', method: 'PUT', url: '/api/cases/3/category', body: { category: 'indifference' } },
  },
  'GET /api/cases/{id}/duplicates': {
    denied: { user: 'unit_head2', url: '/api/cases/3/duplicates', status: 404 },
    bad: { user: 'unit_head', url: '/api/cases/0/duplicates' },
    ok: { user: 'unit_head', url: '/api/cases/3/duplicates' },
  },
  'GET /api/cases/{id}/media/{mediaId}': {
    denied: { user: 'unit_head2', url: '/api/cases/1/media/1', status: 404 },
    bad: { user: 'unit_head', url: '/api/cases/1/media/first' },
    ok: { user: 'unit_head', url: '/api/cases/1/media/1?thumb=true' },
  },
  'GET /api/public/cases/{receiptCode}': {
    anonymous: 'public',
    denied: { user: '', url: `/api/public/cases/${WRONG_RECEIPT}`, status: 404 },
    bad: { user: '', url: '/api/public/cases/receipt' },
    ok: { user: '', url: `/api/public/cases/${RECEIPT}` },
  },
  'POST /api/public/cases/{receiptCode}/reopen': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: `/api/public/cases/${WRONG_RECEIPT}/reopen`, body: { reason: '补充了材料' }, status: 404 },
    bad: { user: '', method: 'POST', url: `/api/public/cases/${RECEIPT}/reopen`, body: {} },
    ok: { user: '', method: 'POST', url: `/api/public/cases/${RECEIPT}/reopen`, body: { reason: '补充了材料' } },
  },
  'POST /api/public/cases/{receiptCode}/messages': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: `/api/public/cases/${WRONG_RECEIPT}/messages`, body: { body: '补充' }, status: 404 },
    bad: { user: '', method: 'POST', url: `/api/public/cases/${RECEIPT}/messages`, body: { body: '' } },
    ok: { user: '', method: 'POST', url: `/api/public/cases/${RECEIPT}/messages`, body: { body: '补充：11月3日上午' } },
  },
  'POST /api/public/cases/follow': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/public/cases/follow', body: { receiptCode: WRONG_RECEIPT }, status: 404 },
    bad: { user: '', method: 'POST', url: '/api/public/cases/follow', body: { receiptCode: 'receipt-code-please' } },
    ok: { user: '', method: 'POST', url: '/api/public/cases/follow', body: { receiptCode: RECEIPT2 } },
  },
  'POST /api/public/cases/follow/messages': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/public/cases/follow/messages', body: { receiptCode: WRONG_RECEIPT, body: '补充' }, status: 404 },
    bad: { user: '', method: 'POST', url: '/api/public/cases/follow/messages', body: { receiptCode: RECEIPT2 } },
    ok: { user: '', method: 'POST', url: '/api/public/cases/follow/messages', body: { receiptCode: RECEIPT2, body: '为何不予受理？' } },
  },
  'POST /api/public/cases/follow/reopen': {
    anonymous: 'public',
    denied: { user: '', method: 'POST', url: '/api/public/cases/follow/reopen', body: { receiptCode: WRONG_RECEIPT, reason: '补充了材料' }, status: 404 },
    bad: { user: '', method: 'POST', url: '/api/public/cases/follow/reopen', body: { receiptCode: RECEIPT2, reason: '' } },
    ok: { user: '', method: 'POST', url: '/api/public/cases/follow/reopen', body: { receiptCode: RECEIPT2, reason: '补充了材料' } },
  },
  'GET /api/public/units': {
    anonymous: 'public',
    // Nothing to deny (unit names are public): a search that matches nothing lists nothing.
    denied: { user: '', url: '/api/public/units?q=no-such-unit', status: 'filtered' },
    bad: { user: '', url: '/api/public/units?pageSize=500' },
    ok: { user: '', url: '/api/public/units?q=U9901' },
  },
  'POST /api/open311/clients': {
    denied: { user: 'inspector', method: 'POST', url: '/api/open311/clients', body: { name: '随手拍App' }, status: 403 },
    bad: { user: 'admin', method: 'POST', url: '/api/open311/clients', body: { name: '' } },
    ok: { user: 'admin', method: 'POST', url: '/api/open311/clients', body: { name: '随手拍App', unitCode: 'U99010201' }, status: 201 },
  },
  'GET /api/ledger/records/{type}/{id}': {
    denied: { user: 'unit_head', url: '/api/ledger/records/unit/U99010301', status: 404 },
    bad: { user: 'unit_head', url: '/api/ledger/records/unit/U99010201?version=0' },
    ok: { user: 'unit_head', url: '/api/ledger/records/unit/U99010201' },
  },
  'GET /api/ledger/consistency': {
    denied: { user: 'observer', url: '/api/ledger/consistency?from=1&to=1000000000', status: 404 },
    bad: { user: 'observer', url: '/api/ledger/consistency?from=0' },
    ok: { user: 'observer', url: '/api/ledger/consistency?from=1' },
  },
  // Scoring: the demo province has the default framework (id 1, published); the import below makes
  // draft 2, which is edited and published; run 1 scores 2026Q3 with framework 1.
  'GET /api/scoring/frameworks': {
    denied: { user: '', url: '/api/scoring/frameworks', headers: calendarMachine, status: 403 },
    bad: { user: 'observer', url: '/api/scoring/frameworks?status=final' },
    ok: { user: 'observer', url: '/api/scoring/frameworks' },
  },
  'POST /api/scoring/frameworks': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/frameworks', body: { definition: routeFramework }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks', body: { definition: brokenFramework } },
    ok: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks', body: { definition: routeFramework }, status: 201 },
  },
  'POST /api/scoring/frameworks/validate': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/frameworks/validate', body: { definition: routeFramework }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks/validate', body: { framework: routeFramework } },
    ok: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks/validate', body: { definition: brokenFramework } },
  },
  'GET /api/scoring/frameworks/{id}': {
    denied: { user: 'observer', url: '/api/scoring/frameworks/999', status: 404 },
    bad: { user: 'observer', url: '/api/scoring/frameworks/one' },
    ok: { user: 'observer', url: '/api/scoring/frameworks/1' },
  },
  'PUT /api/scoring/frameworks/{id}': {
    denied: { user: 'organizer', method: 'PUT', url: '/api/scoring/frameworks/1', body: { definition: DEFAULT_FRAMEWORK }, status: 409 },
    bad: { user: 'organizer', method: 'PUT', url: '/api/scoring/frameworks/2', body: { definition: brokenFramework } },
    ok: { user: 'organizer', method: 'PUT', url: '/api/scoring/frameworks/2', body: { definition: { ...routeFramework, promotionThreshold: 75 } } },
  },
  'POST /api/scoring/frameworks/{id}/publish': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/frameworks/2/publish', status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks/0/publish' },
    ok: { user: 'organizer', method: 'POST', url: '/api/scoring/frameworks/2/publish' },
  },
  'POST /api/scoring/assessments': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/assessments', body: { ...assessment, level: 'A' }, status: 403 },
    bad: { user: 'assessor', method: 'POST', url: '/api/scoring/assessments', body: { ...assessment, level: 'Z' } },
    ok: { user: 'assessor', method: 'POST', url: '/api/scoring/assessments', body: { ...assessment, level: 'B' } },
  },
  'GET /api/scoring/exemptions': {
    denied: { user: 'observer', url: '/api/scoring/exemptions', status: 403 },
    bad: { user: 'inspector', url: '/api/scoring/exemptions?period=2026Q9' },
    ok: { user: 'inspector', url: '/api/scoring/exemptions?period=2026Q3' },
  },
  'POST /api/scoring/exemptions': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/exemptions', body: exemption, status: 403 },
    bad: { user: 'inspector', method: 'POST', url: '/api/scoring/exemptions', body: { ...exemption, ref: undefined } },
    ok: { user: 'inspector', method: 'POST', url: '/api/scoring/exemptions', body: exemption, status: 201 },
  },
  'GET /api/scoring/runs': {
    denied: { user: 'observer', url: '/api/scoring/runs', status: 403 },
    bad: { user: 'organizer', url: '/api/scoring/runs?status=final' },
    ok: { user: 'organizer', url: '/api/scoring/runs' },
  },
  'POST /api/scoring/runs': {
    denied: { user: 'unit_head', method: 'POST', url: '/api/scoring/runs', body: { period: '2026Q3', frameworkId: 1 }, status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/scoring/runs', body: { period: '2026Q9' } },
    ok: { user: 'organizer', method: 'POST', url: '/api/scoring/runs', body: { period: '2026Q3', frameworkId: 1 }, status: 201 },
  },
  'GET /api/scoring/runs/{id}': {
    denied: { user: 'observer', url: '/api/scoring/runs/1', status: 403 },
    bad: { user: 'organizer', url: '/api/scoring/runs/x' },
    ok: { user: 'unit_head', url: '/api/scoring/runs/1' },
  },
  'GET /api/scoring/runs/{id}/results': {
    denied: { user: 'unit_head2', url: '/api/scoring/runs/1/results?kind=unit&q=U99010201', status: 'filtered' },
    bad: { user: 'unit_head', url: '/api/scoring/runs/1/results?pageSize=0' },
    ok: { user: 'unit_head', url: '/api/scoring/runs/1/results' },
  },
  'GET /api/scoring/runs/{id}/results/{kind}/{code}': {
    denied: { user: 'unit_head2', url: '/api/scoring/runs/1/results/staff/S0000020', status: 404 },
    bad: { user: 'unit_head', url: '/api/scoring/runs/1/results/person/S0000020' },
    ok: { user: 'unit_head', url: '/api/scoring/runs/1/results/staff/S0000020' },
  },
  'GET /api/scoring/runs/{id}/units': {
    denied: { user: 'observer', url: '/api/scoring/runs/1/units', status: 403 },
    bad: { user: 'unit_head', url: '/api/scoring/runs/1/units?bottom=maybe' },
    ok: { user: 'unit_head', url: '/api/scoring/runs/1/units' },
  },
  'GET /api/scoring/runs/{id}/fairness': {
    denied: { user: 'unit_head', url: '/api/scoring/runs/1/fairness', status: 403 },
    bad: { user: 'organizer', url: '/api/scoring/runs/1/fairness?gap=-1' },
    ok: { user: 'organizer', url: '/api/scoring/runs/1/fairness?gap=3&normalise=true' },
  },
  'GET /api/scoring/runs/{id}/export': {
    denied: { user: 'observer', url: '/api/scoring/runs/1/export', status: 403 },
    bad: { user: 'unit_head', url: '/api/scoring/runs/1/export?format=pdf' },
    ok: { user: 'unit_head', url: '/api/scoring/runs/1/export?format=xlsx' },
  },
  'POST /api/scoring/runs/{id}/publish': {
    denied: { user: 'admin', method: 'POST', url: '/api/scoring/runs/1/publish', status: 403 },
    bad: { user: 'organizer', method: 'POST', url: '/api/scoring/runs/0/publish' },
    ok: { user: 'organizer', method: 'POST', url: '/api/scoring/runs/1/publish' },
  },
  // After run 1 is published: its unit results are public; an unknown (or draft) run is not found.
  'GET /api/public/disclosures': {
    anonymous: 'public',
    denied: { user: '', url: '/api/public/disclosures?runId=999', status: 404 },
    bad: { user: '', url: '/api/public/disclosures?category=secret' },
    ok: { user: '', url: '/api/public/disclosures?runId=1' },
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 60 });
});
beforeAll(async () => {
  calendarMachine.authorization = `Bearer ${(await addToken({ db: t.ctx.db }, { name: 'routes-calendar-machine', role: 'ingest' })).token}`;
});
beforeAll(async () => {
  const acceptedAt = new Date(Date.now() - 86_400_000);
  await insertTransactions(t.ctx.db, ['RT-RATED', 'RT-NEW'].map((code) => ({ code, unitCode: 'U99010201', acceptedAt, completedAt: acceptedAt, promisedDays: 3 })));
  await ingestRatings({ db: t.ctx.db, cipher: t.ctx.cipher }, [{ transactionCode: 'RT-RATED', level: 1, channel: 'per_matter', ratedAt: acceptedAt }]);
});
beforeAll(async () => {
  // Case 1, with a receipt code the table knows and one stored photo.
  const deps = casesDeps(t.ctx);
  const checked = await checkNewCase(deps, { text: '窗口工作人员态度冷漠', subjectUnitCode: 'U99010201' }, { realName: false });
  const sha = await deps.media.putBytes(Buffer.from('thumbnail bytes'));
  const made = await createCase(deps, checked, {
    channel: 'web', anonymousReceipt: false, actor: { userId: null, role: 'reporter' },
    media: [{ kind: 'image', mime: 'image/png', sha256: sha, thumbSha256: sha, bytes: 15, width: 1, height: 1, url: null }],
  });
  await t.ctx.db.updateTable('cases').set({ receipt_id: RECEIPT.slice(0, 10), receipt_hash: await hashReceipt(RECEIPT, 1024) }).where('id', '=', made.id).execute();
  // Case 2: rejected through the real route, so the reporter may message and reopen it.
  const second = await createCase(deps, await checkNewCase(deps, { text: '办事大厅取号机长期故障无人修理', subjectUnitCode: 'U99010201' }, { realName: false }), {
    channel: 'web', anonymousReceipt: false, actor: { userId: null, role: 'reporter' }, media: [],
  });
  expect(second.id).toBe(2);
  await t.ctx.db.updateTable('cases').set({ receipt_id: RECEIPT2.slice(0, 10), receipt_hash: await hashReceipt(RECEIPT2, 1024) }).where('id', '=', second.id).execute();
  const rejected = await t.app.inject({ method: 'POST', url: '/api/cases/2/reject', headers: { cookie: await t.login('unit_head') }, payload: { reason: '不属于本平台受理范围' } });
  expect(rejected.statusCode, rejected.body).toBe(200);
});
afterAll(async () => t?.close());

/** A session of its own, for the case that ends it. */
async function freshLogin(user: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: `Demo@${user}2026` } });
  return `probity_session=${res.cookies[0]!.value}`;
}

async function send(call: Omit<Call, 'user'> & { user?: string }) {
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if (call.user) headers.cookie = call.freshSession ? await freshLogin(call.user) : await t.login(call.user);
  const payload = typeof call.body === 'string' ? call.body : call.body === undefined ? undefined : JSON.stringify(call.body);
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  return t.app.inject({ method: (call.method ?? 'GET') as 'GET', url: call.url, headers, payload });
}

describe('every /api route', () => {
  it('has the four cases in this table', () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)).filter((r) => r.includes(' /api/'));
    const missing = routes.filter((r) => !CASES[r]);
    expect(missing, `routes without cases: ${missing.join(', ')}`).toEqual([]);
  });

  // Cases run in table order: a happy-path create makes the record the following routes use.
  for (const [route, c] of Object.entries(CASES)) {
    it(route, async () => {
      if (c.anonymous !== 'public') {
        const anon = await send({ ...(c.anonymous ?? c.ok), user: undefined });
        expect(anon.statusCode, `anonymous: ${anon.body}`).toBe(401);
      }
      if (route === 'POST /api/auth/login') {
        // For sign-in "denied" is a wrong password: 401 without saying which part was wrong.
        expect((await send(c.denied)).statusCode).toBe(401);
      } else if (route === 'POST /api/auth/logout' || route === 'GET /api/auth/me') {
        // Every signed-in role may see and end its own session: nothing to deny but a forged session.
        expect((await t.app.inject({ method: (c.denied.method ?? 'GET') as 'GET', url: c.denied.url, headers: { cookie: 'probity_session=forged' } })).statusCode).toBe(route === 'GET /api/auth/me' ? 401 : 204);
      } else {
        const denied = await send(c.denied);
        if (c.denied.status === 'filtered') {
          expect(denied.statusCode, `denied: ${denied.body}`).toBe(200);
          expect(denied.json().total).toBe(0);
        } else {
          expect(denied.statusCode, `denied: ${denied.body}`).toBe(c.denied.status);
        }
      }
      if (route !== 'GET /api/auth/me') {
        const bad = await send(c.bad);
        expect(bad.statusCode, `bad: ${bad.body}`).toBe(400);
        expect(bad.headers['content-type']).toContain('application/problem+json');
      }
      const ok = await send(c.ok);
      expect(ok.statusCode, `ok: ${ok.body}`).toBe(c.ok.status ?? 200);
    });
  }
});
