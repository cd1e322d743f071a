// Bulk staff import with two batches written at once (ImportDeps.writers, as on PostgreSQL): commits
// stay in file order, a crash leaves no later batch committed, and an ID number freed by an earlier
// batch can be claimed by a later one. On PGlite the two writers take turns on its one connection;
// the CI run on PostgreSQL writes them really at once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { STAFF_HEADER, writeStaffCsv } from '../../../test/helpers/files.ts';
import { integrateAll } from '../../ledger/integrator.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { generateDemoProvince } from '../demo/generator.ts';
import { KINDS } from './kinds.ts';
import * as repo from './repo.ts';
import { executeJob, openJob } from './service.ts';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 0 });
  dir = fs.mkdtempSync(path.join(t.config.dataDir, 'files-'));
});
afterAll(async () => t?.close());

const deps = () => ({ db: t.ctx.db, cipher: t.ctx.cipher, writers: 2 });
const ALL = { kind: 'all' } as const;
const BATCH = KINDS.staff.batchSize;

async function importFile(file: string, onProgress?: (done: number) => void) {
  const { job } = await openJob(deps(), { kind: 'staff', file, fileName: path.basename(file), keepFile: false, createdBy: null });
  return executeJob(deps(), job, file, ALL, onProgress);
}

async function staffWithPrefix(prefix: string) {
  const r = await t.ctx.db.selectFrom('staff').select((eb) => eb.fn.countAll().as('n')).where('code', 'like', `${prefix}%`).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('bulk import with two writers', () => {
  it('commits batches in file order: after a crash no later batch is committed, and the resumed job loses or doubles nothing', async () => {
    const file = writeStaffCsv(path.join(dir, 'crash.csv'), 3 * BATCH + 1, 100, 'writers', 'C');
    // The first call reports where the job starts; each later one comes right after a batch commits.
    let calls = 0;
    let crashedAt = 0;
    const crashed = await importFile(file.path, (done: number) => {
      if (++calls === 3) {
        crashedAt = done;
        throw new Error('power cut');
      }
    }).catch((err: Error) => err);
    expect(crashed).toMatchObject({ message: 'power cut' });
    const job = await t.ctx.db.selectFrom('import_jobs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    // The crash came right after the second batch committed; the third, already being written, did not commit.
    expect(crashedAt).toBeGreaterThan(BATCH);
    expect(job).toMatchObject({ status: 'failed', processed_rows: crashedAt });
    const badBefore = file.bad.filter((b) => b.row - 1 <= crashedAt).length;
    expect(await staffWithPrefix('C')).toBe(crashedAt - badBefore);
    expect(job.error_count).toBe(badBefore);

    const done = await importFile(file.path);
    expect(done).toMatchObject({ id: job.id, status: 'completed', processed_rows: 3 * BATCH + 1, error_count: file.bad.length });
    expect(done.inserted).toBe(file.good);
    expect(await staffWithPrefix('C')).toBe(file.good);
    await integrateAll(t.ctx); // the app's integrator may be mid-way: verify a settled ledger
    expect((await verifyDatabase(t.ctx)).problems).toEqual([]);
  });

  it('lets a later batch take an ID number that an earlier batch of the same file moves away from its holder', async () => {
    const file = writeStaffCsv(path.join(dir, 'move.csv'), BATCH + 1, 0, 'moves', 'M');
    expect(await importFile(file.path)).toMatchObject({ inserted: BATCH + 1, error_count: 0 });
    const lines = fs.readFileSync(file.path, 'utf8').trimEnd().split('\n');
    const ID = STAFF_HEADER.indexOf('idNumber');
    const first = lines[1]!.split(',');
    const last = lines[BATCH + 1]!.split(',');
    expect(first).toHaveLength(STAFF_HEADER.length); // no quoted cells in these two rows
    expect(last).toHaveLength(STAFF_HEADER.length);
    const moved = first[ID]!;
    // Row 1 (first batch) gets a new ID number; the last row (second batch) gets row 1's old one.
    first[ID] = generateDemoProvince({ staff: 1, seed: 'moves-new' }).staff[0]!.idNumber;
    last[ID] = moved;
    lines[1] = first.join(',');
    lines[BATCH + 1] = last.join(',');
    fs.writeFileSync(file.path, lines.join('\n') + '\n');

    const again = await importFile(file.path);
    expect(again).toMatchObject({ status: 'completed', inserted: 0, updated: 2, unchanged: BATCH - 1, error_count: 0 });
    const holder = await t.ctx.db.selectFrom('staff').select(['code', 'id_number_enc']).where('code', '=', last[0]!).executeTakeFirstOrThrow();
    expect(t.ctx.cipher.decrypt(holder.id_number_enc!)).toBe(moved);
    await integrateAll(t.ctx); // the app's integrator may be mid-way: verify a settled ledger
    expect((await verifyDatabase(t.ctx)).problems).toEqual([]);
  });

  it('moves the resume point only from where the batch before left it', async () => {
    const job = await repo.insertJob(t.ctx.db, { kind: 'staff', file_name: 'x.csv', file_sha256: 'f'.repeat(64), file_path: null, total_rows: 10, created_by: null });
    const batch = { processed: 10, inserted: 0, updated: 0, unchanged: 0, errors: [] };
    await expect(repo.recordBatch(t.ctx.db, job.id, { ...batch, from: 5 })).rejects.toThrow('no longer at row 5');
    await repo.recordBatch(t.ctx.db, job.id, { ...batch, from: 0 });
    expect(await repo.findJob(t.ctx.db, job.id)).toMatchObject({ processed_rows: 10 });
  });
});
