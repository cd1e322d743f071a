// CPU profile of one first ingest of a transactions file into a fresh database: where the main
// thread's time goes (on PGlite the database runs there too). Writes a .cpuprofile (open it in
// Chrome DevTools) and prints the functions with the most self time.
//
//   node bin/run-ts.mjs bench/ingest/profile.ts [--rows 300000] [--pg postgres://...] [--out F] [--top 30]
//
// Without --pg the database is PGlite, and the file is read on a worker thread as the CLI does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { openPGlite, openPostgres, type Database } from '../../src/db/connection.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { importEvidence } from '../../src/features/ingest/cli.ts';
import { ingestDepsFor } from '../../src/features/ingest/pipeline.ts';
import { FieldCipher } from '../../src/lib/crypto.ts';
import { writeTransactionsNdjson } from '../../test/helpers/ingest-files.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(arg('rows', '300000'));
const pgUrl = arg('pg');
const out = arg('out', path.join(os.tmpdir(), 'probity-ingest.cpuprofile'))!;
const top = Number(arg('top', '30'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-profile-'));
const file = path.join(dir, 'transactions.ndjson');
const handlers = Array.from({ length: 2000 }, (_, i) => `S${String(i + 1).padStart(7, '0')}`);
await writeTransactionsNdjson(file, rows, { badEvery: 200, prefix: 'B', handlers });
const cipher = new FieldCipher(crypto.randomBytes(32));

let database: Database;
let drop = async () => {};
if (pgUrl) {
  const scratch = await createScratchDatabase(pgUrl, 'probity_profile');
  database = openPostgres(scratch.url);
  drop = () => scratch.drop();
} else database = await openPGlite(path.join(dir, 'pgdata'));
const kind = pgUrl ? 'postgres' : 'pglite';
await migrateToLatest(database.db);
await loadDemo({ db: database.db, cipher }, { staff: 2000, seed: 'bench' });
await database.db.insertInto('sources').values({ code: 'bench-platform', name: '基准测试政务服务平台', token_id: null }).execute();

const session = new inspector.Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const started = performance.now();
const { job } = await importEvidence(ingestDepsFor(kind, database.db, cipher), 'transactions', file, { source: 'bench-platform' });
const seconds = (performance.now() - started) / 1000;
const { profile } = await session.post('Profiler.stop');
fs.writeFileSync(out, JSON.stringify(profile));
console.log(`${kind}: ${job.lines} lines in ${seconds.toFixed(2)} s (${(rows / seconds).toFixed(0)} lines/s, profiler on); profile: ${out}`);

// Self time per function (the profiler's samples), most first.
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
let total = 0;
profile.samples!.forEach((id, i) => {
  const dt = profile.timeDeltas![i] ?? 0;
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${(us / 1e6).toFixed(2).padStart(7)} s ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
await database.close();
await drop();
fs.rmSync(dir, { recursive: true, force: true });
