// Complaints and reports end to end over HTTP: an anonymous report with photos, its receipt code, the
// handler's steps, the reporter following, writing and reopening; refused files; transfers (首接负责);
// duplicates; the reporter's identity kept for inspectors.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { multipartBody, type FormFile } from '../../../test/helpers/multipart.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { classifyComplaint } from '../nlp/classifier.ts';
import { DiskMediaStore } from './media.ts';

const UNIT = 'U99010201'; // unit_head's unit
let t: TestApp;
let otherUnit: string; // unit_head2's unit

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 30 });
  const u = await t.ctx.db.selectFrom('users as us').innerJoin('units as u', 'u.id', 'us.scope_unit_id').select('u.code').where('us.username', '=', 'unit_head2').executeTakeFirstOrThrow();
  otherUnit = u.code;
});
afterAll(async () => t?.close());

/** A JPEG that carries GPS coordinates and the camera's make in its EXIF. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'ProbityCam', Model: 'T1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 10/1 0/1' } })
    .toBuffer();
}
const png = () => sharp({ create: { width: 40, height: 30, channels: 4, background: '#3c3' } }).png().toBuffer();
const photo = (data: Buffer, filename: string, contentType: string): FormFile => ({ field: 'photos', filename, contentType, data });

async function report(fields: Record<string, string>, files: FormFile[] = []) {
  const { payload, headers } = multipartBody(fields, files);
  return t.app.inject({ method: 'POST', url: '/api/public/cases', payload, headers });
}
async function as(user: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  return t.app.inject({ method, url, headers: { cookie: await t.login(user), ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });
}
const caseIdOf = async (receiptCode: string) =>
  Number((await t.ctx.db.selectFrom('cases').select('id').where('receipt_id', '=', receiptCode.slice(0, 10)).executeTakeFirstOrThrow()).id);
const mediaDir = () => path.join(t.config.dataDir, 'media');
const storedFiles = async () => new DiskMediaStore(mediaDir()).list();
const hasGpsPointer = (exif: Buffer | undefined) => Boolean(exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))));

describe('an anonymous report with photos, handled and followed by receipt code', () => {
  let code: string;
  let id: number;

  it('takes the report and answers a 24-digit receipt code once, storing only its hash', async () => {
    const gps = await jpegWithGps();
    expect(hasGpsPointer((await sharp(gps).metadata()).exif)).toBe(true); // the fixture really has GPS
    const res = await report(
      { text: '在临溪区政务服务中心办理营业执照，窗口人员态度冷漠，让我来回跑了三次。', subjectUnitCode: UNIT, lat: '30.25', long: '120.17', address: '临溪区市民中心二楼' },
      [photo(gps, 'IMG_0001.JPG', 'image/jpeg'), photo(await png(), 'screen.png', 'image/png')],
    );
    expect(res.statusCode, res.body).toBe(201);
    code = res.json().receiptCode;
    expect(code).toMatch(/^[1-9][0-9]{23}$/);
    id = await caseIdOf(code);
    const row = await t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.receipt_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(code);
    const guess = classifyComplaint(row.text);
    expect(guess.category).not.toBe('other'); // a plain conduct complaint: the classifier has a view
    expect(row).toMatchObject({ status: 'submitted', channel: 'web', real_name: false, category: guess.category, classifier_category: guess.category, category_source: 'classifier', lat: 30.25 });
    expect(row.category_confidence).toBeCloseTo(guess.confidence, 5);
    expect(row.first_response_due.getTime() - row.submitted_at.getTime()).toBe(24 * 3600_000);
    expect(t.logs()).not.toContain(code.slice(10));
  });

  it('gives the photos back without GPS or device EXIF, with thumbnails', async () => {
    const detail = (await as('unit_head', 'GET', `/api/cases/${id}`)).json();
    expect(detail.media).toHaveLength(2);
    const jpeg = detail.media.find((m: { mime: string }) => m.mime === 'image/jpeg');
    const res = await as('unit_head', 'GET', `/api/cases/${id}/media/${jpeg.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(res.rawPayload).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(res.rawPayload.includes(Buffer.from('ProbityCam'))).toBe(false);
    const thumb = await as('unit_head', 'GET', `/api/cases/${id}/media/${jpeg.id}?thumb=true`);
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('webp');
    expect((await as('unit_head2', 'GET', `/api/cases/${id}/media/${jpeg.id}`)).statusCode).toBe(404);
  });

  it('lets the handler accept, write, assign, investigate and resolve; the reporter sees it by code', async () => {
    const accept = await as('unit_head', 'POST', `/api/cases/${id}/accept`, {});
    expect(accept.statusCode, accept.body).toBe(200);
    expect(accept.json()).toMatchObject({ status: 'accepted' });
    expect(accept.json().firstRespondedAt).not.toBeNull();
    expect(accept.json().dueAt).not.toBeNull();
    expect((await as('unit_head', 'POST', `/api/cases/${id}/messages`, { body: '您好，已受理，请问具体是哪一天办理的？' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/public/cases/${code}/messages`, headers: { 'content-type': 'application/json' }, payload: { body: '11月3日上午' } })).statusCode).toBe(200);
    expect((await as('unit_head', 'POST', `/api/cases/${id}/resolve`, { finding: 'substantiated', measures: 'x' })).statusCode).toBe(409);
    expect((await as('unit_head', 'POST', `/api/cases/${id}/assign`, { assignee: '王科长' })).statusCode).toBe(200);
    expect((await as('unit_head', 'POST', `/api/cases/${id}/investigate`, {})).statusCode).toBe(200);
    const bad = await as('unit_head', 'POST', `/api/cases/${id}/resolve`, { finding: 'substantiated' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['/body/measures']);
    const resolved = await as('unit_head', 'POST', `/api/cases/${id}/resolve`, { finding: 'substantiated', measures: '对窗口人员批评教育，调整岗位' });
    expect(resolved.json()).toMatchObject({ status: 'resolved', finding: 'substantiated', deadline: null });

    const seen = await t.app.inject({ method: 'GET', url: `/api/public/cases/${code}` });
    expect(seen.statusCode).toBe(200);
    const view = seen.json();
    expect(view).toMatchObject({ status: 'resolved', finding: 'substantiated', findingName: '属实', measures: '对窗口人员批评教育，调整岗位', unit: { code: UNIT }, media: 2 });
    expect(view.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'accept', 'assign', 'investigate', 'resolve']);
    expect(view.timeline[1].unit).toBe(view.unit.name);
    expect(view.messages.map((m: { from: string }) => m.from)).toEqual(['handler', 'reporter']);
    // Units, never staff: no assignee, no user name, no user id.
    expect(seen.body).not.toContain('王科长');
    expect(seen.body).not.toContain('unit_head');
    expect(seen.body).not.toContain('actor');
  });

  it('lets the reporter reopen within the window, back to investigating with a new clock', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/public/cases/${code}/reopen`, headers: { 'content-type': 'application/json' }, payload: { reason: '问题没有解决，仍然让我跑第四次' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'investigating', finding: null });
    const row = await t.ctx.db.selectFrom('cases').select(['reopen_count', 'deadline', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.reopen_count).toBe(1);
    expect(row.deadline).not.toBeNull();
    const again = await t.app.inject({ method: 'POST', url: `/api/public/cases/${code}/reopen`, headers: { 'content-type': 'application/json' }, payload: { reason: '再次' } });
    expect(again.statusCode).toBe(409);
  });

  it('answers 404 for a wrong code and 400 for something that is not a code', async () => {
    const wrong = code.slice(0, 10) + (code.slice(10) === '0'.repeat(14) ? '1'.repeat(14) : '0'.repeat(14));
    expect((await t.app.inject({ method: 'GET', url: `/api/public/cases/${wrong}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/public/cases/1234-abcd-1234-1234' })).statusCode).toBe(400);
  });

  it('commits every version of the case and each event to the ledger', async () => {
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['record_type', 'record_id']).where('record_type', 'in', ['case', 'case.event', 'case.message']).execute();
    const events = await t.ctx.db.selectFrom('case_events').select('id').where('case_id', '=', id).execute();
    const { version } = await t.ctx.db.selectFrom('cases').select('version').where('id', '=', id).executeTakeFirstOrThrow();
    expect(version).toBe(6); // submit, accept, assign, investigate, resolve, reopen (the message came after the first response)
    expect(entries.filter((e) => e.record_type === 'case' && e.record_id === String(id)).length).toBe(version);
    for (const e of events) expect(entries.some((x) => x.record_type === 'case.event' && x.record_id === String(e.id))).toBe(true);
    expect(entries.filter((e) => e.record_type === 'case.message')).toHaveLength(2);
  });

  it('answers the same with the code in a POST body, naming /body/receiptCode when it is not a code', async () => {
    const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    const byPath = (await t.app.inject({ method: 'GET', url: `/api/public/cases/${code}` })).json();
    const byBody = await post('/api/public/cases/follow', { receiptCode: code.replace(/(\d{4})(?=\d)/g, '$1 ') });
    expect(byBody.statusCode, byBody.body).toBe(200);
    expect(byBody.json()).toEqual(byPath);
    const short = await post('/api/public/cases/follow', { receiptCode: '1234567890123456' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('/body/receiptCode');
    const wrong = code.slice(0, 10) + (code.slice(10) === '0'.repeat(14) ? '1'.repeat(14) : '0'.repeat(14));
    expect((await post('/api/public/cases/follow/messages', { receiptCode: wrong, body: '补充' })).statusCode).toBe(404);
    const written = await post('/api/public/cases/follow/messages', { receiptCode: code, body: '通过正文中的回执码留言' });
    expect(written.statusCode, written.body).toBe(200);
    expect(written.json().messages.at(-1)).toMatchObject({ from: 'reporter', body: '通过正文中的回执码留言' });
  });

  it('lets the public find units by part of their name or code, codes and names only', async () => {
    const unit = await t.ctx.db.selectFrom('units').select(['code', 'name']).where('code', '=', UNIT).executeTakeFirstOrThrow();
    const res = await t.app.inject({ method: 'GET', url: `/api/public/units?q=${encodeURIComponent(unit.name.slice(0, 3))}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(20);
    for (const u of body.items) expect(Object.keys(u).sort()).toEqual(['code', 'name']);
    for (const u of body.items) expect(`${u.code}${u.name}`).toContain(unit.name.slice(0, 3));
    const byCode = (await t.app.inject({ method: 'GET', url: `/api/public/units?q=${UNIT}` })).json();
    expect(byCode.items).toContainEqual({ code: UNIT, name: unit.name });
    expect((await t.app.inject({ method: 'GET', url: '/api/public/units?q=%25' })).json().total).toBe(0);
  });
});

describe('refused files', () => {
  const text = { text: '执法人员选择性执法', subjectUnitCode: UNIT };
  async function refused(files: FormFile[]) {
    const before = { files: await storedFiles(), cases: (await t.ctx.db.selectFrom('cases').select('id').execute()).length };
    const res = await report(text, files);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await storedFiles()).toEqual(before.files);
    expect(fs.readdirSync(path.join(mediaDir(), 'tmp'))).toEqual([]);
    expect((await t.ctx.db.selectFrom('cases').select('id').execute()).length).toBe(before.cases);
    return res.json() as { errors: { path: string; message: string }[] };
  }

  it('refuses a PNG renamed .jpg', async () => {
    const p = await refused([photo(await png(), 'photo.jpg', 'image/jpeg')]);
    expect(p.errors).toEqual([{ path: '/body/photos/0', message: expect.stringContaining('is a PNG file but is named .jpg') }]);
  });

  it('refuses an executable renamed .png', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000, 1)]);
    const p = await refused([photo(await jpegWithGps(), 'ok.jpg', 'image/jpeg'), photo(exe, 'cat.png', 'image/png')]);
    expect(p.errors).toEqual([{ path: '/body/photos/1', message: expect.stringContaining('is not a JPEG, PNG or WebP file') }]);
  });

  it('refuses a photo over 10 MB', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(10 * 1024 * 1024, 7)]);
    const p = await refused([photo(big, 'big.jpg', 'image/jpeg')]);
    expect(p.errors).toEqual([{ path: '/body/photos/0', message: expect.stringContaining('at most 10 MB') }]);
  });

  it('refuses a tenth photo', async () => {
    const jpeg = await jpegWithGps();
    const p = await refused(Array.from({ length: 10 }, (_, i) => photo(jpeg, `p${i}.jpg`, 'image/jpeg')));
    expect(p.errors).toEqual([{ path: '/body/photos/9', message: 'at most 9 photos; this is photo 10' }]);
  });

  it('refuses a report without text, naming the field', async () => {
    const res = await report({ subjectUnitCode: UNIT, lat: '95' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/lat', '/body/long', '/body/text']);
  });
});

describe('transfer (首接负责)', () => {
  it('keeps the first unit accountable until the other accepts', async () => {
    const code = (await report({ text: '材料交了两次都说不全，推诿扯皮', subjectUnitCode: UNIT })).json().receiptCode;
    const id = await caseIdOf(code);
    const bad = await as('unit_head', 'POST', `/api/cases/${id}/transfer`, { unitCode: otherUnit });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/reason');
    const res = await as('unit_head', 'POST', `/api/cases/${id}/transfer`, { unitCode: otherUnit, reason: '属望湖区办理事项' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ unit: { code: UNIT }, transfer: { unitCode: otherUnit } });
    // Still the first unit's: in its queue, its clock; the other unit sees it but may only take it or decline.
    const queue = (await as('unit_head', 'GET', '/api/cases?status=submitted')).json();
    expect(queue.items.map((c: { id: number }) => c.id)).toContain(id);
    const theirs = (await as('unit_head2', 'GET', `/api/cases/${id}`)).json();
    expect(theirs.allowedActions.sort()).toEqual(['accept-transfer', 'decline-transfer']);
    expect((await as('unit_head2', 'POST', `/api/cases/${id}/accept`, {})).statusCode).toBe(409);
    expect((await as('unit_head', 'POST', `/api/cases/${id}/accept-transfer`, {})).statusCode).toBe(409);
    const taken = await as('unit_head2', 'POST', `/api/cases/${id}/accept-transfer`, {});
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({ status: 'accepted', unit: { code: otherUnit }, transfer: null });
    expect((await as('unit_head', 'GET', `/api/cases/${id}`)).statusCode).toBe(404);
    const pub = (await t.app.inject({ method: 'GET', url: `/api/public/cases/${code}` })).json();
    expect(pub.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'transfer', 'accept-transfer']);
  });
});

describe('duplicates', () => {
  it('finds a similar report about the same subject and merges it; its reporter follows the survivor', async () => {
    const first = (await report({ text: '临溪区政务服务中心三号窗口工作人员上班时间玩手机，群众排队很久无人办理', subjectUnitCode: UNIT })).json().receiptCode;
    const second = (await report({ text: '临溪区政务服务中心3号窗口工作人员上班玩手机，群众排队很久都无人办理！', subjectUnitCode: UNIT })).json().receiptCode;
    const other = (await report({ text: '公示栏里的收费标准已经过期两年没有更新', subjectUnitCode: UNIT })).json().receiptCode;
    const [a, b, c] = [await caseIdOf(first), await caseIdOf(second), await caseIdOf(other)];
    const dup = (await as('unit_head', 'GET', `/api/cases/${b}/duplicates`)).json();
    const ids = dup.items.map((d: { id: number }) => d.id);
    expect(ids).toContain(a);
    expect(ids).not.toContain(c);
    expect(dup.items[0].similarity).toBeGreaterThanOrEqual(0.5);
    const merged = await as('unit_head', 'POST', `/api/cases/${b}/merge`, { intoId: a });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ status: 'merged', mergedIntoId: a });
    await as('unit_head', 'POST', `/api/cases/${a}/accept`, {});
    const seen = (await t.app.inject({ method: 'GET', url: `/api/public/cases/${second}` })).json();
    expect(seen).toMatchObject({ merged: true, status: 'accepted' });
    expect((await as('unit_head', 'POST', `/api/cases/${b}/merge`, { intoId: a })).statusCode).toBe(409);
  });
});

describe("the reporter's identity", () => {
  it('is masked for handlers and shown only to inspectors who give a reason, each view logged', async () => {
    const res = await report({ text: '办事时被暗示要送礼才能加快办理', subjectUnitCode: UNIT, realName: 'true', reporterName: '欧阳娜娜', reporterPhone: '13912345678' });
    expect(res.statusCode, res.body).toBe(201);
    const id = await caseIdOf(res.json().receiptCode);
    const row = await t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('13912345678');
    const masked = (await as('unit_head', 'GET', `/api/cases/${id}`)).json();
    expect(masked.reporter).toEqual({ name: '欧***', phone: expect.not.stringContaining('12345678'), email: null, masked: true });
    expect((await as('unit_head', 'GET', `/api/cases/${id}?reveal=true&reason=x`)).statusCode).toBe(403);
    expect((await as('inspector', 'GET', `/api/cases/${id}?reveal=true`)).statusCode).toBe(400);
    const shown = await as('inspector', 'GET', `/api/cases/${id}?reveal=true&reason=${encodeURIComponent('核查举报线索')}`);
    expect(shown.json().reporter).toEqual({ name: '欧阳娜娜', phone: '13912345678', email: null, masked: false });
    const log = await t.ctx.db.selectFrom('access_log').selectAll().where('subject_type', '=', 'case').where('subject_id', '=', id).execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'reveal', reason: '核查举报线索' });
    expect(t.logs()).not.toContain('13912345678');
    const ledger = await t.ctx.db.selectFrom('ledger_entries').select('entry').where('record_type', '=', 'case').where('record_id', '=', String(id)).executeTakeFirstOrThrow();
    expect(Buffer.from(ledger.entry as Uint8Array).toString('latin1')).not.toContain('13912345678');
  });

  it('keeps a person\'s category override with who and when, and the classifier\'s answer', async () => {
    const text = '窗口人员态度冷漠';
    const id = await caseIdOf((await report({ text, subjectUnitCode: UNIT })).json().receiptCode);
    const res = await as('unit_head', 'PUT', `/api/cases/${id}/category`, { category: 'formalism' });
    expect(res.statusCode, res.body).toBe(200);
    expect(classifyComplaint(text).category).not.toBe('formalism');
    expect(res.json().category).toMatchObject({ code: 'formalism', source: 'person', classifierCategory: classifyComplaint(text).category, setBy: 'unit_head', nameZh: '形式主义' });
    expect(res.json().category.setAt).not.toBeNull();
  });
});

describe('cases entered by staff', () => {
  it('takes a hotline case into the enterer\'s unit and refuses one outside their scope', async () => {
    const res = await as('unit_head', 'POST', '/api/cases', { channel: 'hotline', text: '来电反映：窗口午休提前半小时关门' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'hotline', unit: { code: UNIT }, status: 'submitted' });
    expect(res.json().receiptCode).toMatch(/^[0-9]{24}$/);
    const out = await as('unit_head', 'POST', '/api/cases', { channel: 'letter', text: '来信', subjectUnitCode: otherUnit });
    expect(out.statusCode).toBe(400);
    expect(out.json().errors[0].path).toBe('/body/subjectUnitCode');
  });
});

describe('the record', () => {
  it('passes the ledger audit: every stored case, event and message matches its entries', async () => {
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('never writes a receipt code to the logs', async () => {
    const code = (await report({ text: '窗口人员态度冷漠', subjectUnitCode: UNIT })).json().receiptCode;
    await t.app.inject({ method: 'GET', url: `/api/public/cases/${code}` });
    expect(t.logs()).not.toContain(code.slice(10));
  });
});
