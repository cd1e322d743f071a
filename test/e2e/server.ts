// A real Probity for the browser tests: `node bin/probity.mjs serve` on a free port with a fresh data
// directory (embedded PGlite, demo province loaded on first start), the web apps built if stale, and
// Debian's Chromium driven by playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

export const SHOTS = path.resolve('test-results/e2e');
export const CHROMIUM = process.env.PROBITY_CHROMIUM ?? '/usr/bin/chromium';
export const demoPassword = (u: string) => `Demo@${u}2026`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  stop: () => Promise<void>;
  log: () => string;
}

export async function startServer(): Promise<Server> {
  const build = spawnSync(process.execPath, ['bin/web-build.mjs', '--if-stale'], { encoding: 'utf8', stdio: 'pipe' });
  if (build.status !== 0) throw new Error(`web build failed: ${build.stderr || build.stdout}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-e2e-'));
  const port = await freePort();
  const env = { ...process.env, PROBITY_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', LOG_LEVEL: 'warn', PROBITY_DEMO: 'on' };
  const child: ChildProcess = spawn(process.execPath, ['bin/probity.mjs', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server not ready in 180 s: ${out}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A signed-in API session (cookie) for test setup through the real login route. */
export async function apiLogin(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: demoPassword(username) }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('probity_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

export async function apiGet<T>(url: string, cookie: string, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${url}${pathAndQuery}`, { headers: { cookie } });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every message the i18n layer reports as missing, and every page error, for a context's pages. */
export function watchConsole(page: Page, problems: string[]) {
  page.on('console', (m) => {
    if (m.text().includes('[i18n-missing]')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

export async function newContext(browser: Browser, opts: { locale?: 'zh-CN' | 'en'; phone?: boolean } = {}): Promise<BrowserContext> {
  // Reduced motion: the apps then run antd without animations, so no click lands on a dialog that is
  // still zooming in (and the setting itself is exercised).
  const ctx = await browser.newContext({
    reducedMotion: 'reduce',
    ...(opts.phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
      : { viewport: { width: 1366, height: 900 }, locale: 'zh-CN' }),
  });
  if (opts.locale) await ctx.addInitScript((l) => localStorage.setItem('probity.locale', l), opts.locale);
  onTestFailed(async ({ task }) => {
    for (const [i, page] of ctx.pages().entries()) await reportPage(page, `FAILED-${task.name.replace(/\W+/g, '-').slice(0, 60)}-${i}`);
  });
  return ctx;
}

/** What a page showed when its test failed, for a CI log that has nothing else: the address, the
 * open dialogs with their accessible names, the visible text, and a screenshot beside the others. */
async function reportPage(page: Page, name: string) {
  if (page.isClosed()) return;
  try {
    await shot(page, name);
    const dialogs = await page.getByRole('dialog').evaluateAll((ds) =>
      ds.map((d) => `${d.getAttribute('aria-labelledby') ?? '-'} → ${(document.getElementById(d.getAttribute('aria-labelledby') ?? '')?.textContent ?? '').trim() || '(no name)'}`));
    const text = (await page.locator('body').innerText({ timeout: 2000 })).replace(/\s+/g, ' ').slice(0, 1500);
    console.log(`e2e failure: ${page.url()}\n  dialogs: ${dialogs.join('; ') || 'none'}\n  screenshot: ${path.join(SHOTS, `${name}.png`)}\n  text: ${text}`);
  } catch (e) {
    console.log(`e2e failure: ${page.url()} (could not describe the page: ${(e as Error).message})`);
  }
}

export async function signIn(page: Page, url: string, username: string) {
  await page.goto(`${url}/admin/login`);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(demoPassword(username));
  await page.getByTestId('login-submit').click();
  await page.getByTestId('whoami').waitFor();
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
