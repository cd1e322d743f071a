// End-to-end: scoring (考核评估) in a real browser against a real server with the demo province.
//  1. An organizer scores 2026Q3, opens a unit whose breakdown has a deduction (差评整改超期), reads its
//     sentence and follows the deduction to its evidence — the rectification's own console page — and
//     opens a metric's evidence; then publishes the run.
//  2. The public sees the published unit results on the portal's 公示 page (phone viewport), and no
//     person's result; the dashboard shows the run's heatmap and bottom list; a person's archive shows
//     the radar and integrity points.
//  3. The framework editor: a published version is read-only; a copy is a draft whose broken cap is
//     shown at its item, live, and clears when fixed.
//  4. Every scoring page renders in zh-CN and in English without a missing key.
// Screenshots go to test-results/e2e/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiLogin, launchBrowser, newContext, shot, signIn, startServer, watchConsole, type Server } from './server.ts';

let server: Server;
let browser: Browser;
let runId = 0;
let unit: { code: string; name: string };
let staffCode = '';

interface Run { id: number; status: string }

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const spinGone = (page: Page) => page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);

describe('score results → a deduction → its evidence', () => {
  it('an organizer scores a period, opens a unit with a deduction and follows it to the rectification', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    await signIn(page, server.url, 'organizer');
    await page.getByRole('menuitem', { name: '考核评分' }).click();
    await page.getByTestId('runs-table').waitFor();
    await page.getByLabel('考核期间').fill('2026Q3');
    await shot(page, 's1-runs-start');
    await page.getByTestId('run-start').click();
    await page.waitForURL(/\/admin\/scoring\/runs\/\d+$/, { timeout: 170_000 });
    runId = Number(page.url().split('/').pop());
    expect(runId).toBeGreaterThan(0);
    await page.getByTestId('run-info').waitFor();
    expect(await page.getByTestId('run-status').innerText()).toBe('草稿');
    await page.getByTestId('results-table').locator('tbody tr.ant-table-row').first().waitFor();
    await shot(page, 's1-results');

    // A unit whose breakdown holds a 差评整改超期 deduction, found in the run's own export.
    const organizer = await apiLogin(server.url, 'organizer');
    const csv = await (await fetch(`${server.url}/api/scoring/runs/${runId}/export?format=csv`, { headers: { cookie: organizer } })).text();
    const line = csv.split('\n').find((l) => l.startsWith('unit,') && l.includes('差评整改超期'));
    expect(line, 'the demo province gives at least one unit a rectification-overdue deduction in 2026Q3').toBeDefined();
    const code = line!.split(',')[1]!;
    const units = await apiGet<{ items: { code: string; name: string }[] }>(server.url, organizer, `/api/units?q=${code}&pageSize=5`);
    unit = units.items.find((u) => u.code === code)!;
    expect(unit).toBeDefined();

    await page.getByLabel('按编码前缀查找').fill(code);
    await page.getByLabel('按编码前缀查找').press('Enter');
    const link = page.getByTestId('results-table').getByTestId('result-link').filter({ hasText: new RegExp(`^${code}$`) });
    await link.waitFor();
    await link.click();
    await page.getByTestId('subject-summary').waitFor();
    const deduction = page.getByTestId('breakdown').locator('tr.breakdown-deduction', { hasText: '差评整改超期' });
    await deduction.waitFor();
    const sentence = await deduction.getByTestId('explanation').innerText();
    expect(sentence).toMatch(/^差评整改超期(\d+)次，扣减.+分(\d+)分/);
    const [, times, points] = sentence.match(/^差评整改超期(\d+)次，扣减.+分(\d+)分/)!;
    const evidence = deduction.getByTestId('evidence-link');
    expect(await evidence.count()).toBe(Number(times));
    expect(Number(points)).toBe(2 * Number(times));
    await shot(page, 's1-subject-breakdown');

    // The metric behind a quantitative indicator opens as its value, numerator, denominator and sample.
    await page.getByTestId('breakdown').locator('[data-evidence^="metric:"]').first().click();
    await page.getByTestId('metric-evidence').waitFor();
    expect(await page.getByTestId('metric-evidence').innerText()).toContain('样本量');
    await shot(page, 's1-metric-evidence');
    await page.keyboard.press('Escape');

    // Follow the deduction to its evidence: the rectification's console page.
    const ref = (await evidence.first().getAttribute('data-evidence'))!;
    expect(ref).toMatch(/^rectification:\d+$/);
    await evidence.first().click();
    await page.waitForURL(new RegExp(`/admin/rectifications/${ref.split(':')[1]}$`));
    await page.getByTestId('rect-status').waitFor();
    expect(await page.locator('main').innerText()).toContain(unit.name);
    await shot(page, 's1-evidence-rectification');

    // Publish the run (frozen, committed to the ledger).
    await page.goto(`${server.url}/admin/scoring/runs/${runId}`);
    await page.getByTestId('run-info').waitFor();
    await page.getByRole('button', { name: /发\s?布/ }).first().click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.getByTestId('run-status').filter({ hasText: '已发布' }).waitFor();
    const run = await apiGet<Run>(server.url, organizer, `/api/scoring/runs/${runId}`);
    expect(run.status).toBe('published');
    await shot(page, 's1-published');
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

describe('after publication', () => {
  it('the portal discloses unit results only; the dashboard and a person’s archive show the run', async () => {
    const phone = await newContext(browser, { phone: true });
    const portal = await phone.newPage();
    const problems: string[] = [];
    watchConsole(portal, problems);
    await portal.goto(`${server.url}/disclosures`);
    await portal.getByTestId('disclosures').waitFor();
    await portal.getByLabel('输入单位名称查找').fill(unit.name);
    await portal.getByLabel('输入单位名称查找').press('Enter');
    await portal.getByTestId('disclosures').getByText(unit.name, { exact: true }).first().waitFor();
    const text = await portal.locator('main').innerText();
    expect(text).toContain('2026Q3');
    expect(text).toContain('类别内第');
    await shot(portal, 's2-portal-disclosures');
    // No person's code appears in what the public page loaded.
    const body = await (await fetch(`${server.url}/api/public/disclosures?pageSize=500`)).text();
    expect(body).not.toMatch(/"S\d{7}"/);
    await phone.close();

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    watchConsole(page, problems);
    await signIn(page, server.url, 'organizer');
    await page.getByTestId('scoring-bottom').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByRole('img', { name: /单位 × 维度得分率热力图/ }).waitFor();
    await shot(page, 's2-dashboard');

    const organizer = await apiLogin(server.url, 'organizer');
    const staff = await apiGet<{ items: { subjectCode: string }[] }>(server.url, organizer, `/api/scoring/runs/${runId}/results?kind=staff&pageSize=1`);
    staffCode = staff.items[0]!.subjectCode;
    await page.goto(`${server.url}/admin/staff/${staffCode}`);
    await page.getByTestId('staff-score').waitFor();
    expect(await page.getByTestId('staff-score').innerText()).toMatch(/2026Q3：总分 [\d.]+/);
    await page.getByTestId('integrity-balance').waitFor();
    await shot(page, 's2-staff-archive');
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

describe('framework editor', () => {
  it('keeps a published version read-only and shows a broken cap at its item, live', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    await signIn(page, server.url, 'organizer');
    await page.goto(`${server.url}/admin/scoring/frameworks`);
    await page.getByTestId('framework-link').first().click();
    await page.getByTestId('fw-readonly').waitFor();
    expect(await page.getByLabel('中文名称').isDisabled()).toBe(true);
    await shot(page, 's3-framework-published');
    await page.getByTestId('fw-copy').click();
    await page.getByTestId('fw-save').waitFor();
    expect(await page.getByTestId('fw-readonly').count()).toBe(0);
    const variant = page.getByTestId('variant-window_service');
    const cap = variant.getByLabel('群众投诉未及时回应 上限');
    await cap.fill('25');
    await cap.press('Tab');
    const error = variant.getByTestId('indicator-error-complaint_late');
    await error.waitFor();
    expect(await error.innerText()).toContain('cap 25');
    expect(await page.getByTestId('fw-errors').innerText()).toContain('窗口服务 › 群众投诉未及时回应');
    await shot(page, 's3-framework-error');
    await cap.fill('20');
    await cap.press('Tab');
    await page.getByTestId('fw-valid').filter({ hasText: '校验通过' }).waitFor();
    await expect.poll(() => error.count()).toBe(0);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

describe('every scoring page in both languages', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`renders in ${locale} without missing keys`, async () => {
      const ctx = await newContext(browser, { locale });
      const page = await ctx.newPage();
      const problems: string[] = [];
      watchConsole(page, problems);
      await signIn(page, server.url, 'organizer');
      const pages = [
        '/scoring', `/scoring/runs/${runId}`, `/scoring/runs/${runId}/unit/${unit.code}`, `/scoring/runs/${runId}/staff/${staffCode}`,
        '/scoring/frameworks', '/scoring/frameworks/1', '/scoring/exemptions', '/scoring/assessments', '/', `/staff/${staffCode}`, '/scoring/no-such-page',
      ];
      for (const p of pages) {
        await page.goto(`${server.url}/admin${p}`);
        await page.getByTestId('whoami').waitFor();
        await page.waitForLoadState('networkidle');
        await spinGone(page);
        const text = await page.locator('body').innerText();
        expect(text, `${locale} ${p}`).not.toContain('⟦');
        expect(text).toContain(locale === 'en' ? 'Rectifications' : '差评整改');
        await shot(page, `s4-${locale}-${p.slice(1).replace(/\//g, '_') || 'dashboard'}`);
      }
      // The fairness tab of the results page.
      await page.goto(`${server.url}/admin/scoring/runs/${runId}`);
      await page.getByRole('tab', { name: locale === 'en' ? 'Fairness report' : '公平性报告' }).click();
      await page.getByTestId('fairness').locator('table').first().waitFor();
      expect(await page.locator('body').innerText()).not.toContain('⟦');
      await shot(page, `s4-${locale}-fairness`);
      await page.goto(`${server.url}/disclosures`);
      await page.getByTestId('disclosures').waitFor();
      expect(await page.locator('body').innerText()).not.toContain('⟦');
      await shot(page, `s4-${locale}-portal-disclosures`);
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
});
