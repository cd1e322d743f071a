// Open311 GeoReport v2 against the spec's field lists, in JSON and XML: discovery, services, a service
// definition, POST requests (form-encoded, with an API key), GET by id, GET with filters, tokens and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { parseForm } from './routes.ts';

// Field lists of GeoReport v2 (wiki.open311.org/GeoReport_v2).
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const ATTRIBUTE_FIELDS = ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values'];
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
const POST_FIELDS = ['service_request_id', 'token', 'service_notice', 'account_id'];
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const UNIT = 'U99010201';

let t: TestApp;
let apiKey: string;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 10 });
  const res = await t.app.inject({ method: 'POST', url: '/api/open311/clients', headers: { cookie: await t.login('admin'), 'content-type': 'application/json' }, payload: { name: '城市随手拍App', unitCode: UNIT } });
  expect(res.statusCode, res.body).toBe(201);
  apiKey = res.json().apiKey;
});
afterAll(async () => t?.close());

const get = (url: string) => t.app.inject({ method: 'GET', url: `/open311/v2/${url}` });
const post = (format: 'json' | 'xml', fields: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
/** Child element names of every <tag> in an XML document, in order. */
const xmlChildren = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'gs'))].map((m) => [...m[1]!.matchAll(/<([a-z_]+)(?:\/>|>)/g)].map((x) => x[1]));

describe('discovery and services', () => {
  it('describes the endpoint', async () => {
    const d = (await get('discovery.json')).json();
    expect(Object.keys(d).sort()).toEqual(['changeset', 'contact', 'endpoints', 'key_service']);
    expect(d.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', formats: ['text/xml', 'application/json'] });
    expect(d.endpoints[0].url).toMatch(/\/open311\/v2$/);
    const x = await get('discovery.xml');
    expect(x.headers['content-type']).toContain('text/xml');
    expect(x.body).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });

  it('lists the conduct categories as services with exactly the spec fields, in JSON and XML', async () => {
    const services = (await get('services.json')).json();
    expect(services.map((s: { service_code: string }) => s.service_code)).toEqual(['buck_passing', 'data_fraud', 'extortion', 'formalism', 'inaction', 'indifference', 'other', 'selective_enforcement']);
    for (const s of services) expect(Object.keys(s)).toEqual(SERVICE_FIELDS);
    expect(services.find((s: { service_code: string }) => s.service_code === 'extortion')).toMatchObject({ service_name: '吃拿卡要', metadata: true, type: 'batch' });
    const xml = (await get('services.xml')).body;
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<services><service>')).toBe(true);
    const children = xmlChildren(xml, 'service');
    expect(children).toHaveLength(8);
    for (const c of children) expect(c).toEqual(SERVICE_FIELDS);
  });

  it('defines a service with its attributes', async () => {
    const def = (await get('services/extortion.json')).json();
    expect(def.service_code).toBe('extortion');
    for (const a of def.attributes) expect(Object.keys(a)).toEqual(ATTRIBUTE_FIELDS);
    expect((await get('services/extortion.xml')).body).toContain('<service_definition><service_code>extortion</service_code><attributes><attribute><variable>true</variable>');
    const missing = await get('services/bribery.xml');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<errors><error><code>404</code><description>');
  });
});

describe('service requests', () => {
  let id: string;
  let token: string;

  it('takes a form-encoded POST with an API key, a location, an attribute and a media_url', async () => {
    const res = await post('json', {
      api_key: apiKey, service_code: 'extortion', lat: '30.2741', long: '120.1551', description: '办理营业执照时工作人员暗示要请吃饭',
      'attribute[subject_unit]': UNIT, media_url: 'https://img.example.cn/a.jpg', email: 'citizen@example.cn', first_name: '小明', last_name: '王',
    });
    expect(res.statusCode, res.body).toBe(201);
    const [created] = res.json();
    expect(Object.keys(created)).toEqual(POST_FIELDS);
    id = created.service_request_id;
    token = created.token;
    const row = await t.ctx.db.selectFrom('cases').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'open311', category: 'extortion', category_source: 'reporter', real_name: true, lat: 30.2741 });
    expect(JSON.stringify(row)).not.toContain('citizen@example.cn');
    const xml = await post('xml', { api_key: apiKey, service_code: 'inaction', address_string: '临溪区市民中心', description: '窗口长时间无人' });
    expect(xml.statusCode, xml.body).toBe(201);
    expect(xml.body).toMatch(/^<\?xml[^>]+>\n<service_requests><request><service_request_id>\d+<\/service_request_id><token>[^<]+<\/token><service_notice>/);
  });

  it('answers GET by id with exactly the spec fields, open, the unit and the SLA deadline', async () => {
    const [r] = (await get(`requests/${id}.json`)).json();
    expect(Object.keys(r)).toEqual(REQUEST_FIELDS);
    expect(r).toMatchObject({ service_request_id: id, status: 'open', service_code: 'extortion', service_name: '吃拿卡要', media_url: 'https://img.example.cn/a.jpg', lat: 30.2741, long: 120.1551 });
    expect(r.agency_responsible).toMatch(/政务服务中心/);
    for (const k of ['requested_datetime', 'updated_datetime', 'expected_datetime']) expect(r[k]).toMatch(W3C);
    const deadline = (await t.ctx.db.selectFrom('cases').select('deadline').where('id', '=', Number(id)).executeTakeFirstOrThrow()).deadline!;
    expect(new Date(r.expected_datetime).getTime()).toBe(Math.floor(deadline.getTime() / 1000) * 1000);
    const xml = (await get(`requests/${id}.xml`)).body;
    expect(xmlChildren(xml, 'request')).toEqual([REQUEST_FIELDS]);
    expect((await get('requests/999999.json')).statusCode).toBe(404);
  });

  it('filters by status, service_code, dates and ids; closed once resolved', async () => {
    const cookie = await t.login('unit_head');
    for (const step of [['accept', {}], ['assign', { assignee: '纪检组' }], ['investigate', {}], ['resolve', { finding: 'partly', measures: '诫勉谈话' }]] as const) {
      const res = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/${step[0]}`, headers: { cookie, 'content-type': 'application/json' }, payload: step[1] });
      expect(res.statusCode, res.body).toBe(200);
    }
    const all = (await get('requests.json')).json();
    expect(all).toHaveLength(2);
    const closed = (await get('requests.json?status=closed')).json();
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]);
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: '办结：部分属实' });
    expect((await get('requests.json?status=open')).json().map((r: { service_code: string }) => r.service_code)).toEqual(['inaction']);
    expect((await get('requests.json?service_code=inaction,extortion')).json()).toHaveLength(2);
    expect((await get('requests.json?service_code=formalism')).json()).toEqual([]);
    expect((await get('requests.json?start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-02-01T00:00:00%2B08:00')).json()).toEqual([]);
    expect((await get(`requests.json?service_request_id=${id}&status=open`)).json().map((r: { status: string }) => r.status)).toEqual(['closed']);
    const xml = (await get('requests.xml?status=closed')).body;
    expect(xml).toContain(`<request><service_request_id>${id}</service_request_id><status>closed</status>`);
    const bad = await get('requests.xml?status=pending');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<errors><error><code>400</code>');
  });

  it('resolves a token to its request id', async () => {
    expect((await get(`tokens/${token}.json`)).json()).toEqual([{ service_request_id: id, token }]);
    expect((await get(`tokens/${token}.xml`)).body).toContain(`<service_requests><request><service_request_id>${id}</service_request_id><token>${token}</token></request></service_requests>`);
    expect((await get('tokens/nope.json')).statusCode).toBe(404);
  });

  it("answers a wrong or missing api_key with the spec's 403 error, storing nothing", async () => {
    const before = (await t.ctx.db.selectFrom('cases').select('id').execute()).length;
    const wrong = await post('json', { api_key: 'o311_wrong', service_code: 'other', address_string: 'x', description: 'y' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual([{ code: 403, description: 'api_key is invalid' }]);
    const none = await post('xml', { service_code: 'other', address_string: 'x' });
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('<errors><error><code>403</code><description>api_key was not provided</description></error></errors>');
    expect((await t.ctx.db.selectFrom('cases').select('id').execute()).length).toBe(before);
  });

  it('answers missing fields with 400 and an unknown service with 404', async () => {
    const res = await post('json', { api_key: apiKey, service_code: 'other', description: 'no place' });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].description).toContain('lat & long or address_string');
    expect((await post('json', { api_key: apiKey, service_code: 'potholes', address_string: 'x' })).statusCode).toBe(404);
  });

  it('parses attribute[code] form fields', () => {
    expect(parseForm('a=1&attribute%5Bsubject_unit%5D=U1&attribute[x]=2')).toEqual({ a: '1', attributes: { subject_unit: 'U1', x: '2' } });
  });
});
