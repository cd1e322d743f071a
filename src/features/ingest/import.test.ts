// Evidence files through the CLI's engine: NDJSON (gzip), CSV and XLSX with Chinese headers, and a
// crash right after a batch commits followed by a resume that loses and doubles nothing.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { writeTransactionsNdjson } from '../../../test/helpers/ingest-files.ts';
import { importEvidence } from './cli.ts';
import { EVIDENCE_SPECS } from './kinds.ts';
import { loadResume, runIngest } from './pipeline.ts';
import { fileRecords } from './reader.ts';
import * as repo from './repo.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 0 });
  dir = fs.mkdtempSync(path.join(t.config.dataDir, 'files-'));
});
afterAll(async () => t?.close());

const deps = () => ({ db: t.ctx.db, cipher: t.ctx.cipher });
const countWhere = async (table: 'service_transactions' | 'hotline_tickets', prefix: string) =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('external_id', 'like', `${prefix}%`).executeTakeFirstOrThrow()).n);

describe('evidence files', () => {
  it('imports gzip NDJSON into the built-in cli-import source; the same file again changes nothing', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'tx.ndjson.gz'), 3000, { badEvery: 100, prefix: 'F', gzip: true });
    const first = await importEvidence(deps(), 'transactions', file.path);
    expect(first.format).toBe('ndjson.gz');
    expect(first.job).toMatchObject({ status: 'completed', lines: 3000, inserted: file.good, rejected: file.bad.length, via: 'cli', file_name: 'tx.ndjson.gz' });
    const errors = await repo.listErrors(t.ctx.db, first.job.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => ({ line: e.line, field: e.field }))).toEqual(file.bad);
    const source = await t.ctx.db.selectFrom('sources').select(['id', 'code']).where('id', '=', first.job.source_id).executeTakeFirstOrThrow();
    expect(source.code).toBe('cli-import');

    const second = await importEvidence(deps(), 'transactions', file.path);
    expect(second.job.id).not.toBe(first.job.id);
    expect(second.job).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: file.good, rejected: file.bad.length });
    expect(await countWhere('service_transactions', 'F')).toBe(file.good);
  });

  it('resumes after a crash between batches without losing or doubling a line', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'resume.ndjson'), 12000, { badEvery: 200, prefix: 'R' });
    let batches = 0;
    // Throwing from the progress callback happens right after a batch commits: a crash at the worst time.
    await expect(importEvidence(deps(), 'transactions', file.path, { onBatch: () => { if (++batches === 1) throw new Error('power cut'); } })).rejects.toThrow('power cut');
    const crashed = await t.ctx.db.selectFrom('ingest_jobs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(crashed.status).toBe('failed');
    expect(crashed.lines).toBe(5000);
    expect(await countWhere('service_transactions', 'R')).toBe(5000 - crashed.rejected);

    const done = await importEvidence(deps(), 'transactions', file.path);
    expect(done.resumedFrom).toBe(5000);
    expect(done.job).toMatchObject({ id: crashed.id, status: 'completed', lines: 12000, inserted: file.good, unchanged: 0, rejected: file.bad.length });
    expect(await countWhere('service_transactions', 'R')).toBe(file.good);
    const errors = await repo.listErrors(t.ctx.db, crashed.id, { page: 1, pageSize: 1000 });
    expect(errors.items.map((e) => e.line)).toEqual(file.bad.map((b) => b.line));
  });

  it('resumes when batches committed out of order (two writers), skipping exactly what was committed', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'gaps.ndjson'), 12000, { badEvery: 300, prefix: 'Q' });
    let batches = 0;
    await expect(importEvidence(deps(), 'transactions', file.path, { onBatch: () => { if (++batches === 1) throw new Error('power cut'); } })).rejects.toThrow();
    const job = await t.ctx.db.selectFrom('ingest_jobs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    // The second writer had already committed records 10001–12000 when the process died.
    const source = { id: job.source_id, code: 'cli-import' };
    const tail = await fileRecords(file.path, EVIDENCE_SPECS.transactions.header, 10000);
    await runIngest(deps(), EVIDENCE_SPECS.transactions, job, tail.records, { scope: { kind: 'all' }, source }, { skipped: 10000, ranges: [] });
    await t.ctx.db.updateTable('ingest_jobs').set({ status: 'failed' }).where('id', '=', job.id).execute();
    expect(await loadResume(t.ctx.db, job.id)).toEqual({ skipped: 5000, ranges: [{ first: 10001, last: 12000 }] });

    const done = await importEvidence({ ...deps(), writers: 2 }, 'transactions', file.path);
    expect(done.resumedFrom).toBe(7000);
    expect(done.job).toMatchObject({ id: job.id, status: 'completed', lines: 12000, inserted: file.good, unchanged: 0, rejected: file.bad.length });
    expect(await countWhere('service_transactions', 'Q')).toBe(file.good);
  });

  it('two writers at once: a file that repeats records stores each once', async () => {
    const file = await writeTransactionsNdjson(path.join(dir, 'twice.ndjson'), 6000, { prefix: 'W' });
    const text = fs.readFileSync(file.path, 'utf8');
    const lines = text.trim().split('\n');
    // The second half repeats the first half in reverse order, so concurrent batches meet on the same ids.
    fs.writeFileSync(file.path, [...lines, ...[...lines].reverse()].join('\n') + '\n');
    const { job } = await importEvidence({ ...deps(), writers: 2 }, 'transactions', file.path, { source: 'cli-import' }, undefined);
    expect(job).toMatchObject({ status: 'completed', lines: 12000, inserted: 6000, unchanged: 6000, rejected: 0 });
    expect(await countWhere('service_transactions', 'W')).toBe(6000);
  });

  it('a batch expected to be new that meets a taken code falls back and refuses only that line', async () => {
    await t.ctx.db.insertInto('sources').values({ code: 'other-platform', name: '另一平台' }).execute();
    const taken = await writeTransactionsNdjson(path.join(dir, 'taken.ndjson'), 2, { prefix: 'O' });
    await importEvidence(deps(), 'transactions', taken.path, { source: 'other-platform' }); // holds code OC0000000002
    const file = await writeTransactionsNdjson(path.join(dir, 'fallback.ndjson'), 9000, { prefix: 'P' });
    const lines = fs.readFileSync(file.path, 'utf8').trim().split('\n');
    // Line 7000 (in the second batch, which follows a batch of new records) reuses the other source's code.
    lines[6999] = JSON.stringify({ ...JSON.parse(lines[6999]!), transactionCode: 'OC0000000002' });
    fs.writeFileSync(file.path, lines.join('\n') + '\n');
    const { job } = await importEvidence(deps(), 'transactions', file.path);
    expect(job).toMatchObject({ lines: 9000, inserted: 8999, rejected: 1 });
    expect((await repo.listErrors(t.ctx.db, job.id, { page: 1, pageSize: 10 })).items).toEqual([
      { line: 7000, field: 'transactionCode', reason: 'is already used by another record' },
    ]);
    expect(await countWhere('service_transactions', 'P')).toBe(8999);
  });

  it('reads CSV with Chinese headers and labels, attributed to a named source', async () => {
    await t.ctx.db.insertInto('sources').values({ code: 'hotline-csv', name: '12345 热线导出' }).execute();
    const file = path.join(dir, 'hotline.csv');
    fs.writeFileSync(file, '\uFEFF工单编号,承办单位编码,受理时间,办结时间,满意度,诉求类别,诉求摘要\n'
      + 'HC1,U99010201,2025-06-01 09:00:00,2025-06-02 09:00:00,满意,政务服务,反映办事排队\n'
      + 'HC2,U99010201,2025-06-01 09:00:00,,很好,政务服务,\n'
      + 'HC3,NOPE,2025-06-01 09:00:00,,,其他,\n');
    const { job, format } = await importEvidence(deps(), 'hotline', file, { source: 'hotline-csv' });
    expect(format).toBe('csv');
    expect(job).toMatchObject({ lines: 3, inserted: 1, rejected: 2 });
    const errors = await repo.listErrors(t.ctx.db, job.id, { page: 1, pageSize: 10 });
    expect(errors.items).toEqual([
      { line: 3, field: 'satisfaction', reason: expect.stringContaining('很好') },
      { line: 4, field: 'unitCode', reason: 'no unit has code NOPE' },
    ]);
    expect(await countWhere('hotline_tickets', 'HC')).toBe(1);
    await expect(importEvidence(deps(), 'hotline', file, { source: 'no-such-source' })).rejects.toMatchObject({ status: 404 });
  });

  it('reads XLSX (text cells for times) and refuses a header without required columns', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('办件');
    ws.addRow(['办件编号', '事项编码', '办理渠道', '受理时间', '办结时间', '办件状态']);
    ws.addRow(['X1', 'I9900000101', '窗口', '2025-05-06 09:00:00', '2025-05-07 09:00:00', '办结']);
    ws.addRow(['X2', 'I9900000101', '自助', '2025-05-06 09:00:00', '', '受理']);
    const file = path.join(dir, 'tx.xlsx');
    await wb.xlsx.writeFile(file);
    const { job, format } = await importEvidence(deps(), 'transactions', file);
    expect(format).toBe('xlsx');
    expect(job).toMatchObject({ lines: 2, inserted: 2, rejected: 0 });

    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, '办件编号,事项编码\nX9,I9900000101\n');
    await expect(importEvidence(deps(), 'transactions', bad)).rejects.toMatchObject({ status: 400, errors: [{ path: 'header/channel' }, { path: 'header/acceptedAt' }] });
  });
});
