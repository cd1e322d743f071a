// End-to-end tests in a real browser (Debian's Chromium) against a real server:
//  1. on a phone, the public rates a transaction 差评 → the unit head sees it in the rectification queue
//     and verifies it;
//  2. a unit head sees only their own unit's staff, and another county's person is a not-found page;
//  3. an import shows progress and its refused rows; the ledger page checks a record's proof;
//  4. every console page and portal page renders in zh-CN and in English without a missing key.
// Screenshots go to test-results/e2e/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiLogin, demoPassword, launchBrowser, newContext, shot, signIn, startServer, watchConsole, type Server } from './server.ts';

let server: Server;
let browser: Browser;
const BAD_CODE = `E2E-BAD-${Date.now().toString(36).toUpperCase()}`;
let headUnit: { code: string; name: string };

interface Unit { code: string; name: string; parentCode: string | null }
interface StaffRow { code: string; name: string; unitCode: string; unitName: string }
interface Page<T> { items: T[]; total: number }

/** A completed transaction of the unit head's unit, sent the way an external system sends it. */
async function ingestTransaction(code: string, unitCode: string) {
  const admin = await apiLogin(server.url, 'admin');
  const src = await fetch(`${server.url}/api/sources`, { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'e2e-platform', name: '一体化政务服务平台（测试）' }) });
  expect(src.status, await src.clone().text()).toBe(201);
  const { token } = (await src.json()) as { token: string };
  const fmt = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
  const accepted = new Date(Date.now() - 2 * 86_400_000);
  const line = { externalId: code, transactionCode: code, unitCode, channel: 'window', acceptedAt: fmt(accepted), completedAt: fmt(new Date(accepted.getTime() + 3_600_000)) };
  const res = await fetch(`${server.url}/api/ingest/transactions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify(line)}\n` });
  const summary = (await res.json()) as { inserted: number };
  expect(res.status).toBe(200);
  expect(summary.inserted, JSON.stringify(summary)).toBe(1);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const head = await apiLogin(server.url, 'unit_head');
  const units = await apiGet<Page<Unit>>(server.url, head, '/api/units?pageSize=500');
  const codes = new Set(units.items.map((u) => u.code));
  headUnit = units.items.find((u) => !u.parentCode || !codes.has(u.parentCode))!;
  expect(headUnit).toBeDefined();
  await ingestTransaction(BAD_CODE, headUnit.code);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('portal rating → rectification queue', () => {
  it('a 差评 given on a phone reaches the unit head, who verifies it', async () => {
    const phone = await newContext(browser, { phone: true });
    const page = await phone.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    await page.goto(server.url);
    // Keyboard only: Tab reaches the rating entry, Enter opens it.
    await page.getByTestId('portal-entry-rate').waitFor();
    for (let i = 0; i < 8 && (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)) !== 'portal-entry-rate'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/rate$/);
    await page.getByLabel('评价码（办件编号）').fill(BAD_CODE);
    await page.getByText('非常不满意').click();
    await page.getByText('多次跑').click();
    await page.getByLabel('意见建议（选填）').fill('窗口人员态度冷漠，材料一次没说清');
    await shot(page, '1-portal-rate-filled');
    await page.getByTestId('rating-submit').click();
    await page.getByTestId('rating-done').waitFor();
    expect(await page.getByTestId('rating-done').innerText()).toContain('差评已转交办理单位');
    await shot(page, '1-portal-rate-done');
    // URLs never carried the code or anything else typed in.
    expect(page.url()).not.toContain(BAD_CODE);

    // Rating the same transaction again: a friendly Chinese refusal on the field.
    await page.getByRole('button', { name: '评价其他办件' }).click();
    await page.getByLabel('评价码（办件编号）').fill(BAD_CODE);
    await page.getByText('满意', { exact: true }).click();
    await page.getByTestId('rating-submit').click();
    await page.getByText('该办件已经评价过').waitFor();
    await shot(page, '1-portal-rate-refused');
    // An unknown code: the field says so.
    await page.getByLabel('评价码（办件编号）').fill('NO-SUCH-CODE-1');
    await page.getByTestId('rating-submit').click();
    await page.getByText('未找到该评价码对应的办件').waitFor();
    expect(problems).toEqual([]);
    await phone.close();

    const desk = await newContext(browser);
    const console = await desk.newPage();
    watchConsole(console, problems);
    await signIn(console, server.url, 'unit_head');
    await console.getByRole('menuitem', { name: '差评整改' }).click();
    const row = console.getByTestId('rectification-queue').locator('tr', { hasText: BAD_CODE });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/剩余|已逾期/);
    expect(await row.innerText()).toContain('非常不满意');
    await shot(console, '1-console-queue');
    await row.getByTestId('rect-link').click();
    await console.getByTestId('rect-status').waitFor();
    expect(await console.getByTestId('rect-status').innerText()).toBe('待核实');
    await console.getByTestId('action-verify').getByText('属实', { exact: true }).click();
    await console.getByTestId('action-verify').getByTestId('action-submit').click();
    await console.getByTestId('rect-status').filter({ hasText: '整改中' }).waitFor();
    await shot(console, '1-console-verified');
    expect(problems).toEqual([]);
    await desk.close();
  });
});

describe('registry scope', () => {
  it("a unit head sees only their own unit's staff; another county's person is not found", async () => {
    const other = await apiGet<Page<StaffRow>>(server.url, await apiLogin(server.url, 'unit_head2'), '/api/staff?pageSize=5');
    const stranger = other.items[0]!;
    expect(stranger).toBeDefined();
    const own = await apiGet<Page<Unit>>(server.url, await apiLogin(server.url, 'unit_head'), '/api/units?pageSize=500');
    const ownNames = new Set(own.items.map((u) => u.name));
    expect(ownNames.has(stranger.unitName)).toBe(false);

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    // Signing in with the keyboard alone: the username has focus, Tab moves to the password, Enter submits.
    await page.goto(`${server.url}/admin/login`);
    await page.getByLabel('用户名').waitFor();
    await page.keyboard.type('unit_head');
    await page.keyboard.press('Tab');
    await page.keyboard.type(demoPassword('unit_head'));
    await page.keyboard.press('Enter');
    await page.getByTestId('whoami').waitFor();
    await page.getByRole('menuitem', { name: '人员档案' }).click();
    const table = page.getByTestId('staff-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const unitCells = await table.locator('tbody tr.ant-table-row td:nth-child(3)').allInnerTexts();
    expect(unitCells.length).toBeGreaterThan(0);
    for (const name of unitCells) expect(ownNames.has(name), name).toBe(true);
    expect(await table.innerText()).not.toContain(stranger.code);
    await shot(page, '2-staff-own-unit');
    // Searching for the stranger finds nobody.
    await page.getByLabel('搜索').fill(stranger.code);
    await page.getByLabel('搜索').press('Enter');
    await table.locator('.ant-empty').waitFor();
    // A direct URL to the stranger's record is a not-found page.
    await page.goto(`${server.url}/admin/staff/${stranger.code}`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.locator('main').innerText()).not.toContain(stranger.name);
    await shot(page, '2-staff-other-county-not-found');
    await ctx.close();
  });
});

describe('import wizard and ledger check', () => {
  it('an import shows its progress and each refused row; the ledger page verifies a record in the browser', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    await signIn(page, server.url, 'admin');
    await page.getByRole('menuitem', { name: '批量导入' }).click();
    await page.locator('label.ant-radio-button-wrapper', { hasText: '服务事项' }).click();
    await shot(page, '4-import-start');
    const csv = ['code,name,unitCode,promisedDays', `E2EI1,测试事项一,${headUnit.code},5`, `E2EI2,测试事项二,${headUnit.code},999`].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'services.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-status').filter({ hasText: '已完成' }).waitFor();
    const errors = page.getByTestId('import-errors');
    await errors.locator('tbody tr.ant-table-row').first().waitFor();
    const rows = await errors.locator('tbody tr.ant-table-row').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('promisedDays');
    await shot(page, '4-import-errors');

    await page.getByRole('menuitem', { name: '存证' }).click();
    await page.getByTestId('checkpoint').waitFor();
    await page.getByLabel('记录编码或编号').fill(headUnit.code);
    await page.getByTestId('ledger-verify').click();
    await page.getByTestId('verify-result').waitFor();
    expect(await page.getByTestId('verify-result').innerText()).toContain('核验通过');
    await shot(page, '4-ledger-verified');
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

const CONSOLE_PAGES = ['/', '/regions', '/units', '/service-items', '/staff', '/imports', '/rectifications', '/cases', '/scoring', '/calendar', '/deadlines', '/ledger', '/access-log', '/no-such-page'];
const PORTAL_PAGES = ['/', '/rate', '/report', '/track', '/disclosures', '/no-such-page'];

describe('every page in both languages', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`renders every console and portal page in ${locale} without missing keys`, async () => {
      const ctx = await newContext(browser, { locale });
      const page = await ctx.newPage();
      const problems: string[] = [];
      watchConsole(page, problems);
      await signIn(page, server.url, 'admin');
      for (const p of CONSOLE_PAGES) {
        await page.goto(`${server.url}/admin${p}`);
        await page.getByTestId('whoami').waitFor();
        await page.waitForLoadState('networkidle');
        await page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
        const text = await page.locator('body').innerText();
        expect(text, `${locale} ${p}`).not.toContain('⟦');
        // The menu is in the chosen language.
        expect(text).toContain(locale === 'en' ? 'Rectifications' : '差评整改');
        await shot(page, `3-console-${locale}-${p.slice(1).replace(/\//g, '_') || 'dashboard'}`);
      }
      for (const p of PORTAL_PAGES) {
        await page.goto(`${server.url}${p}`);
        await page.locator('main').waitFor();
        await page.waitForLoadState('networkidle');
        const text = await page.locator('body').innerText();
        expect(text, `${locale} portal ${p}`).not.toContain('⟦');
        expect(text).toContain(locale === 'en' ? 'Public service rating' : '政务服务评价与监督');
        await shot(page, `3-portal-${locale}-${p.slice(1) || 'home'}`);
      }
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
});
