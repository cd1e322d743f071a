// The server serves the built apps without shadowing any server path: app pages get their
// index.html (with a strict CSP), hashed assets are static and immutable, everything else unknown is
// still a 404 problem; without a build the server runs and / is a 404.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import Fastify from 'fastify';
import { appForPath, mountWeb, sendWebPage } from './routes.ts';
import { integrateAll } from '../../ledger/integrator.ts';

let t: TestApp;
let dist: string;

beforeAll(async () => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-web-dist-'));
  fs.mkdirSync(path.join(dist, 'admin'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>portal</title>');
  fs.writeFileSync(path.join(dist, 'admin', 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'portal-abc123.js'), 'console.log(1)');
  t = await startTestApp({ webDist: dist });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dist, { recursive: true, force: true });
});

const get = (app: TestApp, url: string, headers: Record<string, string> = {}) => app.app.inject({ method: 'GET', url, headers });

describe('web apps', () => {
  it('answers portal and console pages (client-side routes too) with their index.html and a strict CSP', async () => {
    for (const [url, title] of [['/', 'portal'], ['/rate', 'portal'], ['/track', 'portal'], ['/admin', 'console'], ['/admin/', 'console'], ['/admin/staff/S1', 'console'], ['/admin/rectifications/7?x=1', 'console']] as const) {
      const res = await get(t, url, { accept: 'text/html' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain(`<title>${title}</title>`);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable files and answers a missing one with a 404 problem', async () => {
    const res = await get(t, '/assets/portal-abc123.js');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log(1)');
    expect(res.headers['cache-control']).toContain('immutable');
    const missing = await get(t, '/assets/nope.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });

  it('keeps every server path its own: unknown API paths, files and non-GET methods are 404 problems', async () => {
    for (const url of ['/api/nope', '/api', '/ledger/nope', '/docs/nope', '/favicon.ico', '/robots.txt']) {
      const res = await get(t, url, { accept: 'text/html' });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
    expect((await t.app.inject({ method: 'POST', url: '/rate' })).statusCode).toBe(404);
    expect((await get(t, '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get(t, '/openapi.json')).json().openapi).toBe('3.1.0');
    expect((await get(t, '/api/auth/me')).statusCode).toBe(401);
    // the first checkpoint exists once the integrator has run; the background loop may not have yet
    await integrateAll(t.ctx);
    expect((await get(t, '/ledger/checkpoint')).statusCode).toBe(200);
  });

  it('runs without a build: nothing is mounted and no page is answered', async () => {
    const app = Fastify();
    expect(await mountWeb(app, { distDir: path.join(dist, 'nope') })).toBeNull();
    app.setNotFoundHandler((req, reply) => {
      if (!sendWebPage(null, req, reply)) reply.status(404).send('none');
    });
    expect((await app.inject({ url: '/' })).body).toBe('none');
    expect((await app.inject({ url: '/assets/portal-abc123.js' })).statusCode).toBe(404);
    await app.close();
  });

  it('tells which app a path belongs to', () => {
    expect(appForPath('/')).toBe('portal');
    expect(appForPath('/administrator')).toBe('portal');
    expect(appForPath('/admin')).toBe('admin');
    expect(appForPath('/admin/units')).toBe('admin');
    for (const p of ['/api/x', '/ledger/tile/0/000', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics', '/assets/a.js']) expect(appForPath(p), p).toBeNull();
  });
});
