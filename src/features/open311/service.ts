// Open311 GeoReport v2 over the cases feature: services are the conduct categories, a service request
// is a case entered through the API (channel open311) by a client app holding an API key, with its
// status (open/closed), the accountable unit and the running SLA deadline.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { AppError, validationFailed } from '../../lib/errors.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import { CONDUCT_CATEGORIES } from '../cases/classify.ts';
import { checkNewCase, createCase, MAX_TEXT, type CasesDeps } from '../cases/intake.ts';
import type { CaseStatus } from '../cases/tables.ts';

export const SPEC = 'http://wiki.open311.org/GeoReport_v2';
export const CHANGESET = '2026-11-01T00:00:00+08:00';
const MAX_RESULTS = 1000;
const DEFAULT_DAYS = 90;

export class Open311Error extends Error {
  constructor(readonly status: 400 | 403 | 404 | 413 | 415 | 429 | 500, readonly description: string) {
    super(description);
  }
}

/** W3C date-time in Beijing time: 2025-10-11T23:59:59+08:00. */
export function w3c(t: Date | null): string | null {
  return t ? `${new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00` : null;
}

export function discovery(baseUrl: string) {
  return {
    changeset: CHANGESET,
    contact: '请通过政务服务热线12345联系 (contact the 12345 hotline)',
    key_service: '向系统管理员申请 api_key (API keys are issued by the administrator)',
    endpoints: [{ specification: SPEC, url: `${baseUrl}/open311/v2`, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] }],
  };
}

export async function listServices(db: Kysely<DB>) {
  const rows = await db.selectFrom('case_categories').selectAll().orderBy('code').execute();
  return rows.map((r) => ({
    service_code: r.code,
    service_name: r.name_zh,
    description: `${r.name_zh} (${r.name_en}): 限${r.resolve_days}个工作日内办结`,
    metadata: true,
    type: 'batch',
    keywords: `${r.name_zh},${r.name_en},作风`,
    group: '作风问题 (work-style)',
  }));
}

const ATTRIBUTES = [
  { variable: true, code: 'subject_unit', datatype: 'string', required: false, datatype_description: '单位编码 (unit code)', order: 1, description: '被投诉单位 The unit complained about' },
  { variable: true, code: 'subject_staff', datatype: 'string', required: false, datatype_description: '人员编码 (staff code)', order: 2, description: '被投诉人员 The civil servant complained about' },
];

export async function serviceDefinition(db: Kysely<DB>, code: string) {
  const row = await db.selectFrom('case_categories').select('code').where('code', '=', code).executeTakeFirst();
  if (!row) throw new Open311Error(404, `service_code ${code} not found`);
  return { service_code: row.code, attributes: ATTRIBUTES.map((a) => ({ ...a, values: [] })) };
}

const keyHash = (key: string) => crypto.createHash('sha256').update(key).digest('hex');

/** Issues an API key for a client app; the key is returned once, only its SHA-256 is kept. */
export async function addClient(db: Kysely<DB>, principal: Principal | null, body: { name: string; unitCode?: string }) {
  authorize(principal, 'open311.manage');
  let unitId: number | null = null;
  if (body.unitCode) {
    const u = await db.selectFrom('units').select('id').where('code', '=', body.unitCode).executeTakeFirst();
    if (!u) throw validationFailed([{ path: '/body/unitCode', message: 'no such unit' }]);
    unitId = u.id;
  }
  const apiKey = `o311_${crypto.randomBytes(24).toString('base64url')}`;
  const taken = await db.selectFrom('open311_clients').select('id').where('name', '=', body.name).executeTakeFirst();
  if (taken) throw new AppError(409, `A client app named ${body.name} exists already`);
  const row = await db.insertInto('open311_clients').values({ name: body.name, key_hash: keyHash(apiKey), unit_id: unitId }).returning(['id', 'name']).executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, apiKey };
}

async function clientOf(db: Kysely<DB>, apiKey: string | undefined) {
  if (!apiKey) throw new Open311Error(403, 'api_key was not provided');
  const row = await db.selectFrom('open311_clients as c').leftJoin('units as u', 'u.id', 'c.unit_id')
    .select(['c.id', 'c.disabled', 'u.code as unit_code']).where('c.key_hash', '=', keyHash(apiKey)).executeTakeFirst();
  if (!row || row.disabled) throw new Open311Error(403, 'api_key is invalid');
  return row;
}

/** The form fields of POST requests (application/x-www-form-urlencoded), attribute[x] already split out. */
export type RequestForm = Record<string, string | undefined> & { attributes?: Record<string, string> };

const FIELD_OF: Record<string, string> = {
  '/body/text': 'description', '/body/lat': 'lat', '/body/long': 'long', '/body/address': 'address_string', '/body/category': 'service_code',
  '/body/subjectUnitCode': 'attribute[subject_unit]', '/body/subjectStaffCode': 'attribute[subject_staff]',
  '/body/reporterName': 'first_name', '/body/reporterPhone': 'phone', '/body/reporterEmail': 'email',
};

export async function postRequest(deps: CasesDeps, form: RequestForm) {
  const client = await clientOf(deps.db, form.api_key);
  const problems: string[] = [];
  const code = form.service_code?.trim();
  if (!code) problems.push('service_code: is required');
  else if (!(CONDUCT_CATEGORIES as readonly string[]).includes(code)) throw new Open311Error(404, `service_code ${code} not found`);
  const hasPoint = Boolean(form.lat?.trim() || form.long?.trim());
  if (!hasPoint && !form.address_string?.trim() && !form.address_id?.trim()) problems.push('lat & long or address_string: a location is required');
  if (hasPoint && !(form.lat?.trim() && form.long?.trim())) problems.push('lat & long: both are required');
  if (form.description && [...form.description].length > MAX_TEXT) problems.push(`description: must be at most ${MAX_TEXT} characters`);
  const mediaUrl = form.media_url?.trim();
  if (mediaUrl && (!/^https?:\/\/[^\s]+$/i.test(mediaUrl) || mediaUrl.length > 2000)) problems.push('media_url: must be an http(s) URL of at most 2,000 characters');
  const attrs = form.attributes ?? {};
  for (const k of Object.keys(attrs)) if (!ATTRIBUTES.some((a) => a.code === k)) problems.push(`attribute[${k}]: is not an attribute of this service`);
  if (problems.length) throw new Open311Error(400, problems.join('; '));

  const name = [form.last_name?.trim(), form.first_name?.trim()].filter(Boolean).join('');
  const contact = Boolean(name || form.phone?.trim() || form.email?.trim());
  let checked;
  try {
    checked = await checkNewCase(deps, {
      text: form.description?.trim() || `(${code})`,
      category: code,
      subjectUnitCode: attrs.subject_unit ?? client.unit_code ?? undefined,
      subjectStaffCode: attrs.subject_staff,
      lat: form.lat, long: form.long, address: form.address_string,
      reporterName: name, reporterPhone: form.phone, reporterEmail: form.email,
    }, { realName: contact });
  } catch (err) {
    if (err instanceof AppError && err.errors) throw new Open311Error(400, err.errors.map((e) => `${FIELD_OF[e.path] ?? e.path}: ${e.message}`).join('; '));
    throw err;
  }
  const created = await createCase(deps, checked, {
    channel: 'open311', anonymousReceipt: false, open311Token: true, actor: { userId: null, role: 'open311' },
    media: mediaUrl ? [{ kind: 'link', mime: 'text/uri-list', sha256: null, thumbSha256: null, bytes: null, width: null, height: null, url: mediaUrl }] : [],
  });
  return [{ service_request_id: String(created.id), token: created.open311Token, service_notice: `首次响应时限${deps.settings.firstResponseHours}小时 (first response within ${deps.settings.firstResponseHours} hours)`, account_id: null }];
}

const OPEN: readonly CaseStatus[] = ['submitted', 'accepted', 'assigned', 'investigating', 'extended'];
const FINDING_ZH: Record<string, string> = { substantiated: '属实', partly: '部分属实', unsubstantiated: '不属实' };

function base(db: Kysely<DB>) {
  return db.selectFrom('cases as c').innerJoin('units as u', 'u.id', 'c.unit_id').innerJoin('case_categories as k', 'k.code', 'c.category')
    .select([
      'c.id', 'c.status', 'c.category', 'c.text', 'c.reject_reason', 'c.finding', 'c.submitted_at', 'c.updated_at', 'c.deadline', 'c.due_at',
      'c.first_response_due', 'c.address', 'c.lat', 'c.long', 'u.name as unit_name', 'k.name_zh',
      (eb) => eb.selectFrom('case_media as m').select('m.url').whereRef('m.case_id', '=', 'c.id').where('m.kind', '=', 'link').orderBy('m.id').limit(1).as('media_url'),
    ])
    // Only requests that came in through Open311 are listed here: reports from other channels
    // (anonymous web reports, letters, calls) are not published.
    .where('c.channel', '=', 'open311');
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];

function present(r: Row) {
  const open = OPEN.includes(r.status);
  return {
    service_request_id: String(r.id),
    status: open ? 'open' : 'closed',
    status_notes: r.status === 'rejected' ? `不予受理：${r.reject_reason ?? ''}` : r.status === 'merged' ? '已与同一问题的其他诉求合并办理' : r.finding ? `办结：${FINDING_ZH[r.finding]}` : null,
    service_name: r.name_zh,
    service_code: r.category,
    description: r.text,
    agency_responsible: r.unit_name,
    service_notice: null,
    requested_datetime: w3c(r.submitted_at),
    updated_datetime: w3c(r.updated_at),
    expected_datetime: w3c(open ? r.deadline ?? r.due_at : r.due_at),
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.long,
    media_url: r.media_url ?? null,
  };
}

function parseDate(raw: string | undefined, name: string): Date | undefined {
  if (!raw) return undefined;
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(d.getTime())) throw new Open311Error(400, `${name}: must be a W3C date-time such as 2025-10-01T00:00:00+08:00`);
  return d;
}

export async function getRequests(db: Kysely<DB>, q: Record<string, string | undefined>, now = new Date()) {
  const ids = q.service_request_id?.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids?.length) {
    if (ids.some((id) => !/^[1-9][0-9]{0,15}$/.test(id))) throw new Open311Error(400, 'service_request_id: must be request ids separated by commas');
    // Per the spec, the other filters are ignored when ids are given.
    return (await base(db).where('c.id', 'in', ids.map(Number)).orderBy('c.id').limit(MAX_RESULTS).execute()).map(present);
  }
  const end = parseDate(q.end_date, 'end_date') ?? now;
  const start = parseDate(q.start_date, 'start_date') ?? new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
  if (start > end) throw new Open311Error(400, 'start_date: must be before end_date');
  let query = base(db).where('c.submitted_at', '>=', start).where('c.submitted_at', '<=', end);
  const codes = q.service_code?.split(',').map((s) => s.trim()).filter(Boolean);
  if (codes?.length) query = query.where('c.category', 'in', codes);
  const statuses = q.status?.split(',').map((s) => s.trim()).filter(Boolean);
  if (statuses?.length) {
    if (statuses.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status: must be open or closed');
    if (!(statuses.includes('open') && statuses.includes('closed'))) query = query.where('c.status', statuses.includes('open') ? 'in' : 'not in', OPEN);
  }
  return (await query.orderBy('c.submitted_at', 'desc').orderBy('c.id', 'desc').limit(MAX_RESULTS).execute()).map(present);
}

export async function getRequest(db: Kysely<DB>, id: string) {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) throw new Open311Error(404, `service_request_id ${id.slice(0, 40)} not found`);
  const row = await base(db).where('c.id', '=', Number(id)).executeTakeFirst();
  if (!row) throw new Open311Error(404, `service_request_id ${id} not found`);
  return [present(row)];
}

export async function getToken(db: Kysely<DB>, token: string) {
  const row = await db.selectFrom('cases').select('id').where('open311_token', '=', token).executeTakeFirst();
  if (!row) throw new Open311Error(404, `token ${token.slice(0, 40)} not found`);
  return [{ service_request_id: String(row.id), token }];
}
