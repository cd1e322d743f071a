import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { addToken } from './service.ts';
import { LOCK_THRESHOLD } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 40 });
});
afterAll(async () => t?.close());

describe('POST /api/auth/login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie for a right password', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'organizer', password: 'Demo@organizer2026' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.role).toBe('organizer');
    const cookie = res.cookies.find((c) => c.name === 'probity_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    const me = await t.app.inject({ url: '/api/auth/me', cookies: { probity_session: cookie!.value } });
    expect(me.json()).toMatchObject({ name: 'organizer', role: 'organizer', scope: { kind: 'region' } });
  });

  it('answers 401 for a wrong password and for an unknown user alike', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'observer', password: 'nope-nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('locks an account temporarily after repeated failures, even for the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOCK_THRESHOLD; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'assessor', password: `wrong-${i}` } });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const right = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'assessor', password: 'Demo@assessor2026' } });
    expect(right.statusCode).toBe(429);
    expect(right.json().title).toBe('Account Locked');
  });

  it('refuses a malformed body field by field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '', extra: 1 } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/body/extra', '/body/password', '/body/username']);
  });
});

describe('sessions and tokens', () => {
  it('401 without a session; logout ends the session', async () => {
    expect((await t.app.inject({ url: '/api/auth/me' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'inspector', password: 'Demo@inspector2026' } });
    const value = res.cookies.find((c) => c.name === 'probity_session')!.value;
    expect((await t.app.inject({ url: '/api/auth/me', cookies: { probity_session: value } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { probity_session: value } })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', cookies: { probity_session: value } })).statusCode).toBe(401);
  });

  it('accepts a bearer token and only its hash is stored', async () => {
    const { token } = await addToken(t.ctx, { name: 'ingest-bot', role: 'ingest' });
    const me = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ kind: 'token', role: 'ingest' });
    const stored = await t.ctx.db.selectFrom('api_tokens').select('token_hash').where('name', '=', 'ingest-bot').executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer pt_forged' } })).statusCode).toBe(401);
    // A machine token may not read people's records.
    expect((await t.app.inject({ url: '/api/staff', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
  });
});
