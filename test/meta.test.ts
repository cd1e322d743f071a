// Health, metrics, API description, error shape for unknown routes and oversized bodies, and
// graceful shutdown finishing a request that is in flight.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ demoStaff: 5 });
});
afterAll(async () => t?.close());

describe('health and metadata', () => {
  it('/healthz and /readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('/readyz says 503 when migrations are missing', async () => {
    await t.ctx.db.deleteFrom('schema_migrations' as never).execute();
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    // Put them back so the rest of the file runs on a current schema.
    const { migrateToLatest } = await import('../src/db/migrate.ts');
    await expect(migrateToLatest(t.ctx.db)).rejects.toThrow(); // tables exist: forward-only refuses to re-run
  });

  it('/metrics in Prometheus text format, counting requests by route', async () => {
    await t.app.inject({ url: '/healthz' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('probity_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}');
    expect(res.body).toContain('probity_process_cpu_seconds_total');
  });

  it('/openapi.json is OpenAPI 3.1 and describes every /api route; /docs serves the UI', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/staff', '/api/units/{code}', '/api/imports/{kind}', '/api/auth/login']));
    const docs = await t.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('unknown routes and oversized bodies answer problem+json', async () => {
    const missing = await t.app.inject({ url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const big = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ status: 413, title: 'Content Too Large' });
  });
});

describe('graceful shutdown', () => {
  it('finishes a request that is in flight when closing starts', async () => {
    const s = await startTestApp({ demoStaff: 0 });
    const address = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const login = await fetch(`${address}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Demo@admin2026' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const url = new URL(`${address}/api/imports/services?fileName=slow.csv`);
    const response = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { cookie, 'content-type': 'text/csv' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('code,name,unitCode,promisedDays\n');
      // The rest of the body arrives after shutdown has begun.
      setTimeout(() => req.end('SHUT1,事项,U99010201,1\n'), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const closing = s.close();
    expect(await response).toBe(202);
    await closing;
    // Without Connection: close on in-flight answers, close() waits out the 5 s keep-alive timeout.
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});
