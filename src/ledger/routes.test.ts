// The ledger end to end through the app: writes append entries in their own transaction, the
// integrator publishes them, and what is served (checkpoint, key, tiles, proofs) verifies with the
// library's own verifier and an outsider's view over HTTP.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/app.ts';
import { writeUnitsCsvChinese } from '../../test/helpers/files.ts';
import { LEDGER_RECORD_TYPES, LEDGER_TYPES } from './catalog.ts';
import { canonicalRecord, entryForRow, loadByKey } from './record-types.ts';
import { canonicalJson } from './canonical.ts';
import { openCheckpoint, signCheckpoint } from './checkpoint.ts';
import { parseEntry } from './entry.ts';
import { leafHash } from './hash.ts';
import { integrateAll } from './integrator.ts';
import { parseVerifierKey } from './note.ts';
import { verifyRemote } from './remote.ts';
import { ledgerSigner } from './signer.ts';
import { ENTRIES_LEVEL, parseEntryBundle, tilePath, TILE_WIDTH, tileWidth } from './tiles.ts';
import { verifyConsistency, verifyInclusion } from './tlog.ts';

let t: TestApp;
let size = 0;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 120 });
  size = (await integrateAll(t.ctx)).size;
});
afterAll(async () => t?.close());

const b64 = (s: string) => Buffer.from(s, 'base64');

async function get(user: string | null, url: string) {
  return t.app.inject({ url, headers: user ? { cookie: await t.login(user) } : {} });
}

async function verifier() {
  return parseVerifierKey((await get(null, '/ledger/key')).body);
}

/** Checks a /api/ledger/records reply the way a client would: signature, then inclusion. */
async function checkProof(body: any) {
  const cp = openCheckpoint(body.checkpoint, await verifier());
  expect(cp.size).toBe(body.treeSize);
  expect(Buffer.from(cp.root).toString('base64')).toBe(body.rootHash);
  const entry = b64(body.entry);
  expect(verifyInclusion(leafHash(entry), body.leafIndex, body.treeSize, body.inclusionProof.map(b64), cp.root)).toBe(true);
  return parseEntry(entry);
}

describe('writes reach the log', () => {
  it('every demo record has exactly one integrated entry and indices are dense', async () => {
    const counts = await t.ctx.db.selectFrom('ledger_log').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('idx').as('max')]).executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(size);
    expect(Number(counts.max)).toBe(size - 1);
    const units = await t.ctx.db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const unitEntries = await t.ctx.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('record_type', '=', 'unit').executeTakeFirstOrThrow();
    expect(Number(unitEntries.n)).toBe(Number(units.n));
    const users = await t.ctx.db.selectFrom('ledger_entries').select('record_id').where('record_type', '=', 'user').execute();
    expect(users.length).toBe(8);
    expect(users.every((u) => /^[0-9]+$/.test(u.record_id))).toBe(true); // numbers, never usernames
  });

  it('a write through the API is provable after integration, and an update is a new version', async () => {
    const cookie = await t.login('organizer');
    const created = await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: { code: '_L1', name: '存证测试单位', category: 'general_admin', regionCode: '990100' } });
    expect(created.statusCode).toBe(201);
    await integrateAll(t.ctx);
    const v1 = await get('organizer', '/api/ledger/records/unit/_L1');
    expect(v1.statusCode).toBe(200);
    const e1 = await checkProof(v1.json());
    expect(e1).toMatchObject({ type: 'unit', id: '_L1', version: 1 });
    expect(v1.json().stored).toMatchObject({ version: 1, matchesEntry: true, digest: e1.digest });

    const patched = await t.app.inject({ method: 'PATCH', url: '/api/units/_L1', headers: { cookie }, payload: { name: '存证测试单位（改）' } });
    expect(patched.statusCode).toBe(200);
    await integrateAll(t.ctx);
    const v2 = (await get('organizer', '/api/ledger/records/unit/_L1')).json();
    const e2 = await checkProof(v2);
    expect(e2.version).toBe(2);
    expect(e2.digest).not.toBe(e1.digest);
    expect(v2.leafIndex).toBeGreaterThan(v1.json().leafIndex);
    // The digest is the canonical form of the stored row, which anyone allowed can recompute.
    const row = await loadByKey(t.ctx.db, LEDGER_TYPES.unit!, '_L1');
    expect(entryForRow(LEDGER_TYPES.unit!, row!).digest).toBe(e2.digest);
    const old = (await get('organizer', '/api/ledger/records/unit/_L1?version=1')).json();
    expect(old).toMatchObject({ version: 1, leafIndex: v1.json().leafIndex, stored: { version: 2, matchesEntry: false } });
    await checkProof(old);
  });

  it('a refused write leaves no entry behind (same transaction)', async () => {
    const count = async () => Number((await t.ctx.db.selectFrom('ledger_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const cookie = await t.login('organizer');
    const bad = await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: { code: 'L2', name: 'x', category: 'general_admin', regionCode: 'NOPE' } });
    expect(bad.statusCode).toBe(400);
    expect(await count()).toBe(before);
    expect(await t.ctx.db.selectFrom('ledger_entries').select('seq').where('record_id', '=', 'L2').executeTakeFirst()).toBeUndefined();
  });

  it('a completed import is a record of its own', async () => {
    const file = path.join(t.config.dataDir, 'units.csv');
    writeUnitsCsvChinese(file);
    const cookie = await t.login('admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/imports/units', headers: { cookie, 'content-type': 'text/csv' }, payload: fs.readFileSync(file) });
    let job = res.json();
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await get('admin', `/api/imports/${job.id}`)).json();
    }
    expect(job.status).toBe('completed');
    await integrateAll(t.ctx);
    const proof = await get('admin', `/api/ledger/records/import/${job.id}`);
    expect(proof.statusCode).toBe(200);
    expect(await checkProof(proof.json())).toMatchObject({ type: 'import', id: String(job.id), version: 1 });
    expect((await get('organizer', `/api/ledger/records/import/${job.id}`)).statusCode).toBe(404); // not theirs
  });
});

describe('canonical records', () => {
  it('read bytes as base64 exactly as canonical JSON writes them', async () => {
    const code = (await t.ctx.db.selectFrom('staff').select('code').orderBy('id').limit(1).executeTakeFirstOrThrow()).code;
    const row = (await sql<Record<string, unknown>>`select * from staff where code = ${code}`.execute(t.ctx.db)).rows[0]!;
    const viaDriver = canonicalJson(canonicalRecord(LEDGER_TYPES.staff!, row as never));
    const viaLedger = canonicalJson(canonicalRecord(LEDGER_TYPES.staff!, (await loadByKey(t.ctx.db, LEDGER_TYPES.staff!, code))!));
    expect(viaLedger).toBe(viaDriver);
    expect(viaLedger).toContain('"content_hmac":"');
  });

  it('leave out volatile bookkeeping, and every column they name exists', async () => {
    expect(LEDGER_TYPES.user!.columns).not.toContain('failed_logins');
    expect(LEDGER_TYPES.user!.columns).not.toContain('locked_until');
    expect(LEDGER_TYPES.import!.columns).not.toContain('file_path');
    for (const type of LEDGER_RECORD_TYPES) {
      const def = LEDGER_TYPES[type]!;
      await sql`select ${sql.join(def.columns.map((c) => sql.ref(c)))} from ${sql.table(def.table)} limit 0`.execute(t.ctx.db);
      for (const b of def.bytes ?? []) expect(def.columns).toContain(b);
    }
  });
});

describe('GET /api/ledger/records/<type>/<id>', () => {
  const staffOf = async (unitCode: string) => (await get('admin', `/api/staff?unitCode=${unitCode}&pageSize=1`)).json().items[0].code as string;

  it('401 without sign-in', async () => {
    expect((await get(null, '/api/ledger/records/unit/U99010201')).statusCode).toBe(401);
  });

  it('403 for a role that may not read the record', async () => {
    const res = await get('observer', `/api/ledger/records/staff/${await staffOf('U99010201')}`);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('404 outside the scope, for unknown records, and for other people\'s accounts', async () => {
    expect((await get('unit_head', `/api/ledger/records/staff/${await staffOf('U99010201')}`)).statusCode).toBe(200);
    expect((await get('unit_head', `/api/ledger/records/staff/${await staffOf('U99010301')}`)).statusCode).toBe(404);
    expect((await get('unit_head', '/api/ledger/records/unit/U99010301')).statusCode).toBe(404);
    expect((await get('admin', '/api/ledger/records/unit/NO-SUCH')).statusCode).toBe(404);
    expect((await get('admin', '/api/ledger/records/unit/U99010201?version=99')).statusCode).toBe(404);
    const ids = await t.ctx.db.selectFrom('users').select(['id', 'username']).execute();
    const id = (name: string) => ids.find((u) => u.username === name)!.id;
    expect((await get('organizer', `/api/ledger/records/user/${id('admin')}`)).statusCode).toBe(404);
    expect((await get('organizer', `/api/ledger/records/user/${id('organizer')}`)).statusCode).toBe(200);
    expect((await get('admin', `/api/ledger/records/user/${id('organizer')}`)).statusCode).toBe(200);
    // a civil servant sees only their own record
    const own = await get('staff', '/api/staff');
    const mine = own.json().items[0].code;
    expect((await get('staff', `/api/ledger/records/staff/${mine}`)).statusCode).toBe(200);
    const other = (await get('admin', '/api/staff?pageSize=50')).json().items.find((s: { code: string }) => s.code !== mine).code;
    expect((await get('staff', `/api/ledger/records/staff/${other}`)).statusCode).toBe(404);
  });

  it('400 naming the field for an unknown type or a bad version', async () => {
    const res = await get('admin', '/api/ledger/records/person/U1');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/params/type', message: expect.stringContaining('unit') }]);
    const v = await get('admin', '/api/ledger/records/unit/U99010201?version=0');
    expect(v.statusCode).toBe(400);
    expect(v.json().errors[0].path).toBe('/querystring/version');
  });

  it('200 with a proof that verifies, for staff in scope', async () => {
    const code = await staffOf('U99010201');
    const res = await get('unit_head', `/api/ledger/records/staff/${code}`);
    const e = await checkProof(res.json());
    expect(e).toMatchObject({ type: 'staff', id: code });
    // no personal data in what the log holds
    // (digests are hex and may hold eleven digits in a row, so they are taken out first)
    const text = b64(res.json().entry).toString().replace(/\b[0-9a-f]{64}\b/g, '<digest>');
    expect(text).not.toMatch(/[\u4e00-\u9fff]|1[3-9]\d{9}/);
  });
});

describe('GET /api/ledger/consistency', () => {
  const published = async () => (await t.ctx.db.selectFrom('ledger_checkpoints').select('size').orderBy('size').execute()).map((r) => Number(r.size));

  it('401 without sign-in', async () => {
    expect((await get(null, '/api/ledger/consistency?from=1')).statusCode).toBe(401);
  });

  it('404 for a target size that was never published', async () => {
    const sizes = await published();
    const never = Array.from({ length: sizes.at(-1)! }, (_, i) => i + 1).find((n) => !sizes.includes(n))!;
    const res = await get('observer', `/api/ledger/consistency?from=1&to=${never}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain(`size ${never}`);
    expect((await get('observer', `/api/ledger/consistency?from=1&to=${10 ** 9}`)).statusCode).toBe(404);
  });

  it('400 naming the field for missing, non-positive or reversed sizes', async () => {
    expect((await get('observer', '/api/ledger/consistency')).json().errors[0].path).toBe('/querystring/from');
    expect((await get('observer', '/api/ledger/consistency?from=0')).json().errors[0].path).toBe('/querystring/from');
    const sizes = await published();
    const reversed = await get('observer', `/api/ledger/consistency?from=${sizes.at(-1)}&to=${sizes[0]}`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors[0]).toMatchObject({ path: '/querystring/from' });
  });

  it('200: a proof between two published checkpoints that verifies', async () => {
    const sizes = await published();
    const [from, to] = [sizes[0]!, sizes.at(-1)!];
    const res = await get('observer', `/api/ledger/consistency?from=${from}&to=${to}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const v = await verifier();
    const old = openCheckpoint(body.fromCheckpoint, v);
    const cur = openCheckpoint(body.toCheckpoint, v);
    expect([old.size, cur.size]).toEqual([from, to]);
    expect(verifyConsistency(old.size, cur.size, body.proof.map(b64), old.root, cur.root)).toBe(true);
    expect(verifyConsistency(old.size, cur.size, body.proof.map(b64), cur.root, cur.root)).toBe(false);
    // without `to`: against the latest checkpoint; any older size may be asked for
    const latest = (await get('observer', '/api/ledger/consistency?from=3')).json();
    expect(latest).toMatchObject({ from: 3, to, fromCheckpoint: sizes.includes(3) ? expect.any(String) : null });
    expect(verifyConsistency(3, to, latest.proof.map(b64), b64(latest.fromRoot), cur.root)).toBe(true);
  });
});

describe('the public log (C2SP tlog-tiles)', () => {
  it('serves the signed checkpoint as text/plain and the key that verifies it', async () => {
    const res = await get(null, '/ledger/checkpoint');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const cp = openCheckpoint(res.body, await verifier());
    expect(cp.origin).toBe('probity.local/ledger');
    expect(res.body).toMatch(/^probity\.local\/ledger\n[1-9][0-9]*\n[A-Za-z0-9+/]{43}=\n\n\u2014 probity\.local\/ledger [A-Za-z0-9+/]+=*\n$/);
  });

  it('full tiles are immutable, partial ones short-lived, and nothing beyond the tree exists', async () => {
    const cp = openCheckpoint((await get(null, '/ledger/checkpoint')).body, await verifier());
    const n = cp.size;
    expect(n).toBeGreaterThan(TILE_WIDTH);
    const full = await get(null, '/ledger/tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.rawPayload.length).toBe(256 * 32);
    const part = await get(null, '/ledger/tile/0/000.p/5');
    expect(part.rawPayload).toEqual(full.rawPayload.subarray(0, 5 * 32));
    expect(part.headers['cache-control']).toMatch(/max-age=\d{1,3}$/);

    const last = Math.floor((n - 1) / TILE_WIDTH);
    const w = tileWidth(n, 0, last);
    if (w < TILE_WIDTH) {
      expect((await get(null, `/ledger/${tilePath({ level: 0, index: last, width: TILE_WIDTH })}`)).statusCode).toBe(404);
      expect((await get(null, `/ledger/${tilePath({ level: 0, index: last, width: w + 1 })}`)).statusCode).toBe(404);
    }
    expect((await get(null, `/ledger/${tilePath({ level: 0, index: last, width: w })}`)).rawPayload.length).toBe(w * 32);
    const beyond = await get(null, `/ledger/${tilePath({ level: 0, index: last + 1, width: 1 })}`);
    expect(beyond.statusCode).toBe(404);
    expect(beyond.headers['cache-control']).toBe('no-store');
    for (const bad of ['tile/0/5', 'tile/0/x000/005', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/9/000', 'tile/entries/001.p/x']) {
      expect((await get(null, `/ledger/${bad}`)).statusCode, bad).toBe(404);
    }
    const bundle = await get(null, `/ledger/${tilePath({ level: ENTRIES_LEVEL, index: 0, width: TILE_WIDTH })}`);
    const entries = parseEntryBundle(bundle.rawPayload);
    expect(entries.length).toBe(TILE_WIDTH);
    entries.forEach((e, i) => expect(leafHash(e)).toEqual(full.rawPayload.subarray(i * 32, (i + 1) * 32)));
  });

  it('an outsider verifies it over HTTP, with a witness, and notices tampering and forks', async () => {
    const key = (await get(null, '/ledger/key')).body;
    const fetchVia = (mutate?: (url: string, body: Buffer) => Buffer): typeof fetch => async (input) => {
      const url = String(input);
      const res = await t.app.inject({ url: new URL(url).pathname });
      const body = mutate ? mutate(url, res.rawPayload) : res.rawPayload;
      return new Response(new Uint8Array(body), { status: res.statusCode });
    };
    const witness = path.join(t.config.dataDir, 'witness.txt');
    expect(await verifyRemote({ url: 'http://probity.test', key, witness, all: true, fetch: fetchVia() })).toMatch(/^OK .* all \d+ entries included, no witness yet/);
    const cookie = await t.login('organizer');
    await t.app.inject({ method: 'POST', url: '/api/units', headers: { cookie }, payload: { code: 'L3', name: '见证', category: 'general_admin', regionCode: '990100' } });
    await integrateAll(t.ctx);
    expect(await verifyRemote({ url: 'http://probity.test', key, witness, sample: 20, fetch: fetchVia() })).toMatch(/20 sampled entries included, consistent with witnessed size \d+; witness now at size/);

    const flip = (match: RegExp) => (url: string, body: Buffer) => {
      if (!match.test(url)) return body;
      const copy = Buffer.from(body);
      copy[copy.length - 10] = copy[copy.length - 10]! ^ 1;
      return copy;
    };
    await expect(verifyRemote({ url: 'http://probity.test', key, all: true, fetch: fetchVia(flip(/tile\/entries\/000$/)) })).rejects.toThrow(/not the signed root|not a valid entry/);
    await expect(verifyRemote({ url: 'http://probity.test', key, sample: 300, fetch: fetchVia(flip(/tile\/0\/000$/)) })).rejects.toThrow(/not included|signed root/);
    await expect(verifyRemote({ url: 'http://probity.test', key, fetch: fetchVia(flip(/checkpoint$/)) })).rejects.toThrow(/checkpoint/);
    // The server's own key signing another history (equivocation) is caught by a witness.
    const signer = ledgerSigner(t.config);
    const current = openCheckpoint(fs.readFileSync(witness, 'utf8'), await verifier());
    const fake = (size: number) => signCheckpoint({ origin: signer.name, size, root: crypto.randomBytes(32) }, signer);
    for (const [forged, why] of [[fake(current.size), /fork/], [fake(5), /not a prefix/], [fake(current.size + 1000), /shrank/]] as const) {
      fs.writeFileSync(witness, forged);
      await expect(verifyRemote({ url: 'http://probity.test', key, witness, fetch: fetchVia() })).rejects.toThrow(why);
      expect(fs.readFileSync(witness, 'utf8')).toBe(forged); // a failed check never advances the witness
    }
  });
});
