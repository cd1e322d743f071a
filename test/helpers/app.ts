// One way to stand up Probity in a test: a fresh database, a context with test keys, the demo
// province (small), and helpers to sign in as a demo account through the real login route.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createContext, createLogger, type AppContext } from '../../src/context.ts';
import { demoPassword } from '../../src/features/demo/generator.ts';
import { loadDemo } from '../../src/features/demo/service.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  config: Config;
  /** Everything the app logged, as text, for privacy assertions. */
  logs: () => string;
  login: (username: string) => Promise<string>;
  close: () => Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-test-'));
  return {
    ...loadConfig({}),
    dataDir,
    dataKey: crypto.randomBytes(32).toString('base64'),
    logLevel: 'info',
    ...overrides,
  };
}

/** A folder with no web build: tests serve no web pages unless they pass a `webDist` of their own. */
const NO_WEB_BUILD = path.join(os.tmpdir(), 'probity-no-web-build');

export async function startTestApp(opts: { demoStaff?: number; config?: Partial<Config>; webDist?: string } = {}): Promise<TestApp> {
  const config = testConfig(opts.config);
  const chunks: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  const database = await createTestDatabase();
  const ctx = await createContext(config, { database, log: createLogger(config, sink) });
  if (opts.demoStaff !== undefined) await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { staff: opts.demoStaff, seed: 'test' });
  const app = await buildApp(ctx, { webDist: opts.webDist ?? NO_WEB_BUILD });
  await app.ready();
  const cookies = new Map<string, string>();
  return {
    app,
    ctx,
    config,
    logs: () => chunks.join(''),
    login: async (username) => {
      const cached = cookies.get(username);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: demoPassword(username) } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'probity_session');
      if (!cookie) throw new Error('no session cookie');
      const header = `probity_session=${cookie.value}`;
      cookies.set(username, header);
      return header;
    },
    close: async () => {
      await app.close();
      await ctx.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
