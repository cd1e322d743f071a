// ID numbers and phones must never be stored, logged or returned in plain text where not allowed.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createContext, createLogger, type AppContext } from '../src/context.ts';
import { demoPassword } from '../src/features/demo/generator.ts';
import { loadDemo } from '../src/features/demo/service.ts';
import { idNumberCheckChar } from '../src/lib/identity.ts';
import { TEST_PG_URL, createTestDatabase } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';

const ID = '99010219870612345' + idNumberCheckChar('99010219870612345');
const PHONE = '13987654321';
const logs: string[] = [];
let ctx: AppContext;
let dataDir: string;

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

beforeAll(async () => {
  const config = testConfig({ logLevel: 'trace' });
  dataDir = config.dataDir;
  const sink = new Writable({ write(c, _e, done) { logs.push(String(c)); done(); } });
  // Embedded mode writes real database files into the data directory; PostgreSQL mode uses the CI server.
  const database = TEST_PG_URL ? await createTestDatabase() : undefined;
  ctx = await createContext(config, { database, log: createLogger(config, sink) });
  await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { staff: 20, seed: 'privacy' });
  const app = await buildApp(ctx);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'organizer', password: demoPassword('organizer') } });
  const cookie = `probity_session=${login.cookies[0]!.value}`;
  const created = await app.inject({
    method: 'POST', url: '/api/staff', headers: { cookie },
    payload: { code: 'P1', name: '隐私测试', unitCode: 'U99010201', level: 'base', enteredOn: '2020-01-01', idNumber: ID, phone: PHONE },
  });
  expect(created.statusCode).toBe(201);
  expect(created.body).not.toContain(ID);
  expect(created.body).not.toContain(PHONE);
  // A refused body that carries the values must not echo them either.
  const refused = await app.inject({ method: 'POST', url: '/api/staff', headers: { cookie }, payload: { code: 'P2', name: 'x', unitCode: 'NOPE', level: 'base', enteredOn: '2020-01-01', idNumber: ID, phone: PHONE } });
  expect(refused.statusCode).toBe(400);
  expect(refused.body).not.toContain(ID);
  const listed = await app.inject({ url: '/api/staff?q=P1', headers: { cookie } });
  expect(listed.body).not.toContain(PHONE);
  await app.close();
  await ctx.db.executeQuery(sql`checkpoint`.compile(ctx.db));
});

afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('personal data at rest and in logs', () => {
  it('no table holds the ID number or phone in plain text', async () => {
    const tables = await ctx.db.selectFrom(sql<{ table_name: string }>`information_schema.tables`.as('t')).select('table_name').where(sql.ref('table_schema'), '=', 'public').execute();
    for (const { table_name } of tables) {
      const rows = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.table(table_name)} x`.execute(ctx.db);
      const text = rows.rows.map((r) => r.j).join('\n');
      expect(text, table_name).not.toContain(ID);
      expect(text, table_name).not.toContain(PHONE);
    }
  });

  it.skipIf(Boolean(TEST_PG_URL))('the embedded database files do not contain them', async () => {
    const files = await allFiles(path.join(dataDir, 'pgdata'));
    expect(files.length).toBeGreaterThan(10);
    // Control: the same search does find a plain column of the same row, so a miss means something.
    let nameSeen = false;
    for (const f of files) {
      const buf = await fs.promises.readFile(f);
      nameSeen ||= buf.includes(Buffer.from('隐私测试'));
      expect(buf.includes(ID), f).toBe(false);
      expect(buf.includes(PHONE), f).toBe(false);
    }
    expect(nameSeen).toBe(true);
  });

  it('the logs do not contain them', () => {
    const text = logs.join('');
    expect(text).toContain('/api/staff'); // the requests that carried them were logged
    expect(text).not.toContain(ID);
    expect(text).not.toContain(PHONE);
  });

  it('the stored value decrypts back to the original for those allowed to see it', async () => {
    const row = await ctx.db.selectFrom('staff').select(['id_number_enc', 'phone_enc']).where('code', '=', 'P1').executeTakeFirstOrThrow();
    expect(ctx.cipher.decrypt(row.id_number_enc!)).toBe(ID);
    expect(ctx.cipher.decrypt(row.phone_enc!)).toBe(PHONE);
  });
});
