import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { writeStaffCsv, writeStaffXlsx, writeUnitsCsvChinese } from '../../../test/helpers/files.ts';
import { integrateAll } from '../../ledger/integrator.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { generateDemoProvince } from '../demo/generator.ts';
import * as repo from './repo.ts';
import { executeJob, openJob, WORKER_MIN_ROWS } from './service.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 0 });
  dir = fs.mkdtempSync(path.join(t.config.dataDir, 'files-'));
});
afterAll(async () => t?.close());

const deps = () => ({ db: t.ctx.db, cipher: t.ctx.cipher });
const ALL = { kind: 'all' } as const;

async function importFile(kind: 'staff' | 'units', file: string) {
  const { job } = await openJob(deps(), { kind, file, fileName: path.basename(file), keepFile: false, createdBy: null });
  return executeJob(deps(), job, file, ALL);
}

async function staffCount() {
  return Number((await t.ctx.db.selectFrom('staff').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

describe('bulk import of staff', () => {
  it('keeps every good row, reports each bad one by row and field, and a second run changes nothing', async () => {
    const file = writeStaffCsv(path.join(dir, 'staff.csv'), 1500, 50);
    const first = await importFile('staff', file.path);
    expect(first).toMatchObject({ status: 'completed', processed_rows: 1500, inserted: file.good, updated: 0, error_count: file.bad.length });
    expect(await staffCount()).toBe(file.good);
    const errors = await repo.listErrors(t.ctx.db, first.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => ({ row: e.row_number, field: e.field }))).toEqual(file.bad);

    const second = await importFile('staff', file.path);
    expect(second).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: file.good, error_count: file.bad.length });
    expect(await staffCount()).toBe(file.good);
  });

  it('resumes after a crash between batches without losing or doubling a row', async () => {
    const file = writeStaffCsv(path.join(dir, 'resume.csv'), 10000, 100, 'resume', 'R');
    const before = await staffCount();
    const { job } = await openJob(deps(), { kind: 'staff', file: file.path, fileName: 'resume.csv', keepFile: false, createdBy: null });
    let batches = 0;
    // Throwing from the progress callback happens right after a batch commits: a crash at the worst time.
    await expect(executeJob(deps(), job, file.path, ALL, () => { if (++batches === 2) throw new Error('power cut'); })).rejects.toThrow('power cut');
    const crashed = await repo.findJob(t.ctx.db, job.id);
    expect(crashed?.status).toBe('failed');
    expect(crashed!.processed_rows).toBeGreaterThan(0);
    expect(crashed!.processed_rows).toBeLessThan(10000);

    const { job: again, resumed } = await openJob(deps(), { kind: 'staff', file: file.path, fileName: 'resume.csv', keepFile: false, createdBy: null });
    expect(resumed).toBe(true);
    expect(again.id).toBe(job.id);
    const done = await executeJob(deps(), again, file.path, ALL);
    expect(done).toMatchObject({ status: 'completed', processed_rows: 10000, error_count: file.bad.length });
    expect(done.inserted + done.updated).toBe(file.good);
    expect((await staffCount()) - before).toBe(file.good);
    // The first run sealed on the worker thread (over WORKER_MIN_ROWS rows): its ciphertexts decrypt
    // here and its records agree with their ledger entries.
    expect(10000).toBeGreaterThan(WORKER_MIN_ROWS);
    const sample = await t.ctx.db.selectFrom('staff').select(['code', 'id_number_enc']).where('code', '=', 'R0000001').executeTakeFirstOrThrow();
    expect(t.ctx.cipher.decrypt(sample.id_number_enc!)).toMatch(/^\d{17}[\dX]$/);
    await integrateAll(t.ctx); // the app's integrator may be mid-way: verify a settled ledger
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
  });

  it('reads XLSX with Chinese headers and labels', async () => {
    const staff = generateDemoProvince({ staff: 30, seed: 'xlsx' }).staff.map((s, i) => ({ ...s, code: `X${i}` }));
    const file = path.join(dir, 'staff.xlsx');
    await writeStaffXlsx(file, staff);
    const job = await importFile('staff', file);
    expect(job).toMatchObject({ status: 'completed', inserted: 30, error_count: 0 });
    const row = await t.ctx.db.selectFrom('staff').select(['level', 'status', 'entered_on']).where('code', '=', 'X0').executeTakeFirstOrThrow();
    expect(row).toEqual({ level: staff[0]!.level, status: staff[0]!.status, entered_on: staff[0]!.enteredOn });
  });

  it('reports a duplicate code or ID number within one file against the first occurrence', async () => {
    const [a, b] = generateDemoProvince({ staff: 2, seed: 'dup' }).staff;
    const file = path.join(dir, 'dup.csv');
    const row = (s: typeof a, code: string) => [code, s!.name, s!.unitCode, '', s!.level, s!.status, s!.enteredOn ?? '', s!.departedOn ?? '', s!.idNumber, s!.phone].join(',');
    fs.writeFileSync(file, ['code,name,unitCode,position,level,status,enteredOn,departedOn,idNumber,phone', row(a, 'D1'), row(b, 'D1'), row(a, 'D2')].join('\n'));
    const job = await importFile('staff', file);
    const errors = await repo.listErrors(t.ctx.db, job.id, { page: 1, pageSize: 10 });
    expect(errors.items).toEqual([
      { row_number: 3, field: 'code', reason: 'duplicates row 2 of this file' },
      { row_number: 4, field: 'idNumber', reason: 'duplicates row 2 of this file' },
    ]);
  });

  it('stores personal fields as given (null included) and commits every written version to the ledger exactly as stored', async () => {
    const [a, b] = generateDemoProvince({ staff: 2, seed: 'ledger' }).staff;
    const header = 'code,name,unitCode,position,level,status,enteredOn,departedOn,idNumber,phone';
    const row = (s: typeof a, code: string, name: string, personal: boolean) =>
      [code, name, s!.unitCode, '科员', s!.level, s!.status, s!.enteredOn ?? '', s!.departedOn ?? '', personal ? s!.idNumber : '', personal ? s!.phone : ''].join(',');
    // A one-row file without ID number or phone: a batch whose byte columns are all null.
    const lone = path.join(dir, 'lone.csv');
    fs.writeFileSync(lone, [header, row(a, 'L0', a!.name, false)].join('\n'));
    expect(await importFile('staff', lone)).toMatchObject({ inserted: 1, error_count: 0 });
    const file = path.join(dir, 'ledger.csv');
    fs.writeFileSync(file, [header, row(a, 'L1', a!.name, true), row(b, 'L2', b!.name, false)].join('\n'));
    expect(await importFile('staff', file)).toMatchObject({ inserted: 2, error_count: 0 });
    fs.writeFileSync(file, [header, row(a, 'L1', `${a!.name}改`, true), row(b, 'L2', b!.name, false)].join('\n'));
    expect(await importFile('staff', file)).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });

    const stored = await t.ctx.db.selectFrom('staff').select(['code', 'name', 'version', 'id_number_enc', 'phone_enc', 'phone_index'])
      .where('code', 'in', ['L0', 'L1', 'L2']).orderBy('code').execute();
    expect(stored.map((r) => [r.code, r.version, r.id_number_enc === null, r.phone_enc === null])).toEqual([['L0', 1, true, true], ['L1', 2, false, false], ['L2', 1, true, true]]);
    expect(stored.map((r) => r.phone_index)).toEqual([null, null, null]); // no phone blind index (decision 87)
    expect(t.ctx.cipher.decrypt(stored[1]!.id_number_enc!)).toBe(a!.idNumber);
    expect(t.ctx.cipher.decrypt(stored[1]!.phone_enc!)).toBe(a!.phone);
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['record_id', 'record_version'])
      .where('record_type', '=', 'staff').where('record_id', 'in', ['L0', 'L1', 'L2']).orderBy('record_id').orderBy('record_version').execute();
    expect(entries.map((e) => `${e.record_id}:${e.record_version}`)).toEqual(['L0:1', 'L1:1', 'L1:2', 'L2:1']);
    // Another code with L1's ID number: refused by the stored blind index, under the row and field.
    fs.writeFileSync(file, [header, row(a, 'L9', a!.name, true)].join('\n'));
    const taken = await importFile('staff', file);
    expect(taken).toMatchObject({ inserted: 0, error_count: 1 });
    expect((await repo.listErrors(t.ctx.db, taken.id, { page: 1, pageSize: 10 })).items).toEqual([{ row_number: 2, field: 'idNumber', reason: 'belongs to staff L1 already' }]);
    // The audit recomputes each record's digest from the database: the entries written from the rows in hand must agree.
    await integrateAll(t.ctx); // the app's integrator may be mid-way: verify a settled ledger
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('stops at a row that is not CSV, naming the row but not its text', async () => {
    const file = path.join(dir, 'bad-quote.csv');
    fs.writeFileSync(file, 'code,name,unitCode,level\nQ1,张三,U1,base\nQ2,李"四,U1,base\n');
    const error = await importFile('staff', file).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('row 3');
    expect((error as Error).message).not.toContain('李');
  });

  it('refuses a file whose header lacks required columns', async () => {
    const file = path.join(dir, 'bad-header.csv');
    fs.writeFileSync(file, 'code,name\nA,B\n');
    await expect(importFile('staff', file)).rejects.toMatchObject({ status: 400, errors: [{ path: 'header/unitCode' }, { path: 'header/level' }] });
  });
});

describe('bulk import over HTTP', () => {
  it('401 anonymous, 403 for a unit head, 400 for an unknown kind', async () => {
    const body = 'code,name\n';
    expect((await t.app.inject({ method: 'POST', url: '/api/imports/staff', headers: { 'content-type': 'text/csv' }, payload: body })).statusCode).toBe(401);
    const head = await t.login('unit_head');
    expect((await t.app.inject({ method: 'POST', url: '/api/imports/staff', headers: { cookie: head, 'content-type': 'text/csv' }, payload: body })).statusCode).toBe(403);
    const org = await t.login('organizer');
    const bad = await t.app.inject({ method: 'POST', url: '/api/imports/people', headers: { cookie: org, 'content-type': 'text/csv' }, payload: body });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/params/kind');
  });

  it('imports units with Chinese headers in the background and shows progress and the result', async () => {
    const file = path.join(dir, 'units.csv');
    const count = writeUnitsCsvChinese(file);
    const cookie = await t.login('organizer');
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/units?fileName=units.csv', headers: { cookie, 'content-type': 'text/csv' }, payload: fs.readFileSync(file) });
    expect(res.statusCode).toBe(202);
    const id = res.json().id;
    let job = res.json();
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await t.app.inject({ url: `/api/imports/${id}`, headers: { cookie } })).json();
    }
    // The demo units were loaded by startTestApp, so the same file changes nothing.
    expect(job).toMatchObject({ status: 'completed', processedRows: count, unchanged: count, errorRows: 0, fileName: 'units.csv' });
    const errors = await t.app.inject({ url: `/api/imports/${id}/errors`, headers: { cookie } });
    expect(errors.json()).toMatchObject({ items: [], total: 0 });
    expect((await t.app.inject({ url: `/api/imports/${id}`, headers: { cookie: await t.login('unit_head') } })).statusCode).toBe(403);
  });
});
