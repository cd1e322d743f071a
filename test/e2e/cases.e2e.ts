// Complaint cases in a real browser (Debian's Chromium) against a real server:
//  1. on a phone, the public reports misconduct with a photo and the phone's location, naming the unit
//     head's unit → the receipt code is shown once and must be marked saved → the track page (code in
//     POST bodies only) shows it submitted; the reporter writes a message; a file that is not an image
//     is refused before upload;
//  2. the unit head finds it in the case queue with a countdown, opens it (photo thumbnail, classifier),
//     accepts, assigns, investigates and resolves it, overriding the category and replying;
//  3. the portal's track page shows the outcome, the reply and the reopen offer;
//  4. the new pages render in zh-CN and in English without a missing key.
// Screenshots go to test-results/e2e/.
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiLogin, launchBrowser, newContext, shot, signIn, startServer, watchConsole, type Server } from './server.ts';

let server: Server;
let browser: Browser;
let headUnit: { code: string; name: string };
let receipt = '';
let caseId = 0;
const TEXT = `E2E随手拍：临溪区政务服务中心三号窗口工作人员上班时间长时间玩手机，群众排队无人办理 ${Date.now().toString(36)}`;
const MEASURES = '已对当事窗口人员批评教育，调整窗口值守安排并公开承诺';
const REPLY = '您好，您反映的问题已核实，处理情况见办理结果。';

interface Unit { code: string; name: string; parentCode: string | null }

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const head = await apiLogin(server.url, 'unit_head');
  const units = await apiGet<{ items: Unit[] }>(server.url, head, '/api/units?pageSize=500');
  const codes = new Set(units.items.map((u) => u.code));
  headUnit = units.items.find((u) => !u.parentCode || !codes.has(u.parentCode))!;
  expect(headUnit).toBeDefined();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the track page and looks the receipt code up, as a reporter types it (with spaces). */
async function track(page: Page, code: string) {
  await page.goto(`${server.url}/track`);
  await page.getByLabel(/回执码|Receipt code/).fill(code.replace(/(\d{4})(?=\d)/g, '$1 '));
  await page.getByTestId('track-submit').click();
  await page.getByTestId('track-status').waitFor();
}

describe('report with a photo → receipt → handler resolves → outcome on the portal', () => {
  it('the public reports on a phone and saves the receipt code', async () => {
    const ctx = await newContext(browser, { phone: true });
    await ctx.grantPermissions(['geolocation', 'clipboard-read', 'clipboard-write'], { origin: server.url });
    await ctx.setGeolocation({ latitude: 30.657_123, longitude: 104.065_456 });
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    await page.goto(server.url);
    await page.getByTestId('portal-entry-report').click();
    await page.waitForURL(/\/report$/);
    await page.getByLabel('问题描述').fill(TEXT);
    // The unit, found through the public unit search.
    await page.getByLabel('被反映单位（选填）').fill(headUnit.name);
    await page.locator('.ant-select-item-option', { hasText: headUnit.name }).first().click();
    await page.getByTestId('report-locate').click();
    expect(await page.getByTestId('report-coords').innerText()).toContain('30.657123');
    await page.getByLabel('地址（选填）').fill('临溪区政务服务中心一楼三号窗口');
    // A program renamed .png is refused before anything is sent; a real JPEG gets a preview.
    await page.getByTestId('report-photo-input').setInputFiles({ name: 'virus.png', mimeType: 'image/png', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00 not an image') });
    await page.getByText('virus.png：不是 JPG、PNG 或 WebP 图片。').waitFor();
    expect(await page.getByTestId('report-previews').count()).toBe(0);
    const jpeg = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
    await page.getByTestId('report-photo-input').setInputFiles({ name: 'window3.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.getByTestId('report-previews').locator('img').first().waitFor();
    expect(await page.getByTestId('report-previews').locator('img').count()).toBe(1);
    expect(await page.getByText('virus.png：').count()).toBe(0);
    // One video: a JPEG named .mp4 is refused before sending; an MP4 (by its ftyp box) is taken.
    await page.getByTestId('report-video-input').setInputFiles({ name: 'photo.mp4', mimeType: 'video/mp4', buffer: jpeg });
    await page.getByText('photo.mp4：不是 MP4 视频。').waitFor();
    const mp4 = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'latin1'), Buffer.alloc(2048)]);
    await page.getByTestId('report-video-input').setInputFiles({ name: 'clip.mp4', mimeType: 'video/mp4', buffer: mp4 });
    expect(await page.getByTestId('report-video-name').innerText()).toContain('clip.mp4');
    expect(await page.getByText('photo.mp4：').count()).toBe(0);
    await shot(page, '5-portal-report-filled');
    await page.getByTestId('report-submit').click();

    const code = page.getByTestId('receipt-code');
    await code.waitFor();
    receipt = (await code.innerText()).replace(/\D/g, '');
    expect(receipt).toMatch(/^\d{24}$/);
    // Moving on needs the "saved" tick first.
    expect(await page.getByTestId('receipt-track').isDisabled()).toBe(true);
    // The saving step by keyboard alone: Enter copies, Tab and Space tick "saved", Tab and Enter go on.
    await page.getByTestId('receipt-copy').focus();
    await page.keyboard.press('Enter');
    await page.getByText('已复制到剪贴板。').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(receipt);
    await shot(page, '5-portal-receipt');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.getByRole('checkbox', { name: '我已保存回执码' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('receipt-track');
    await page.keyboard.press('Enter');
    await page.getByTestId('track-status').waitFor();
    expect(await page.getByTestId('track-status').innerText()).toBe('已提交');
    expect(await page.getByTestId('track-case').innerText()).toContain(headUnit.name);
    expect(await page.getByTestId('track-case').innerText()).toMatch(/照片和视频数量\s*2/);
    // The reporter writes to the unit.
    await page.getByLabel('给承办单位留言').fill('补充：当天上午十点左右');
    await page.getByTestId('track-send').click();
    await page.getByTestId('track-messages').getByText('补充：当天上午十点左右').waitFor();
    await shot(page, '5-portal-track-submitted');
    // The code never reached a URL (the page, its history entry or any request).
    expect(page.url()).not.toContain(receipt);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('the unit head accepts, assigns, investigates and resolves it in the console', async () => {
    expect(receipt).not.toBe('');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await signIn(page, server.url, 'unit_head');
    await page.getByRole('menuitem', { name: '投诉举报案件' }).click();
    const row = page.getByTestId('case-queue').locator('tr', { hasText: TEXT.slice(0, 20) });
    await row.waitFor();
    // The first-response clock runs (24 hours from submission); the 办结 clock has not started.
    expect(await row.getByTestId('case-countdown').innerText()).toMatch(/^剩余 2[0-4] 小时/);
    expect(await page.getByTestId('case-queue').locator('th').allInnerTexts()).toEqual(expect.arrayContaining(['首次响应时限', '办结时限']));
    await shot(page, '5-console-case-queue');
    await row.getByTestId('case-link').click();
    await page.getByTestId('case-status').waitFor();
    caseId = Number(/\/cases\/(\d+)/.exec(page.url())![1]);
    expect(await page.getByTestId('case-status').innerText()).toBe('已提交');
    expect(await page.getByTestId('case-text').innerText()).toBe(TEXT);
    expect(await page.getByTestId('case-first-response').innerText()).toMatch(/剩余/);
    // The photo: a thumbnail that loaded, the full image on demand.
    const thumb = page.getByTestId('case-media').locator('img').first();
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // The reporter's message is there.
    await page.getByTestId('case-messages').getByText('补充：当天上午十点左右').waitFor();
    await shot(page, '5-console-case-submitted');

    const step = async (action: string, tab: string, fill?: () => Promise<void>, status?: string) => {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      const form = page.getByTestId(`case-action-${action}`);
      await form.waitFor();
      await fill?.();
      await form.getByTestId('case-action-submit').click();
      if (status) await page.getByTestId('case-status').filter({ hasText: status }).waitFor();
    };
    await step('accept', '受理', undefined, '已受理');
    await expect.poll(() => page.getByTestId('case-due').innerText()).toMatch(/剩余/);
    await step('assign', '交办', () => page.getByTestId('case-action-assign').getByLabel('承办人').fill('窗口科 李科长'), '已交办');
    await step('investigate', '开始调查', undefined, '调查核实中');
    // The category: the classifier's, overridden by a person.
    const before = await page.getByTestId('case-classification').innerText();
    expect(before).toMatch(/自动分类|举报人选择/);
    await page.getByLabel('调整为其他类别').click();
    const option = page.locator('.ant-select-item-option').last();
    const chosen = (await option.innerText()).trim();
    await option.click();
    await page.getByTestId('case-override').click();
    await page.getByTestId('case-classification').getByText('人工调整').waitFor();
    expect(await page.getByTestId('case-classification').innerText()).toContain(chosen);
    await page.getByLabel('回复举报人').fill(REPLY);
    await page.getByTestId('case-send').click();
    await page.getByTestId('case-messages').getByText(REPLY).waitFor();
    await step('resolve', '办结', async () => {
      await page.getByTestId('case-action-resolve').getByText('属实', { exact: true }).click();
      await page.getByTestId('case-action-resolve').getByLabel('处理措施').fill(MEASURES);
    }, '已办结');
    await shot(page, '5-console-case-resolved');
    expect(urls.some((u) => u.includes(receipt))).toBe(false);

    // A complaint by telephone, entered by the unit head: a receipt code for the caller, then the case.
    await page.getByRole('menuitem', { name: '投诉举报案件' }).click();
    await page.getByTestId('case-entry').click();
    const entry = page.getByRole('dialog', { name: '登记来信、来电、来访' });
    // The context asks for reduced motion; antd's transitions are then off (0s, not 0.2s).
    expect(await page.getByTestId('case-entry-submit').evaluate((b) => getComputedStyle(b).transitionDuration)).toBe('0s');
    await entry.getByText('来电', { exact: true }).click();
    await entry.getByLabel('反映内容').fill('来电反映：不动产登记窗口要求提供与业务无关的证明材料');
    await entry.getByLabel('实名反映').click();
    await entry.getByLabel('姓名').fill('张来电');
    await entry.getByLabel('手机号码').fill('13912345678');
    await shot(page, '5-console-case-entry');
    await page.getByTestId('case-entry-submit').click();
    const entered = page.getByTestId('case-entry-receipt');
    await entered.waitFor();
    expect((await entered.innerText()).replace(/\D/g, '')).toMatch(/^\d{24}$/);
    await page.getByTestId('case-entry-open').click();
    await page.getByTestId('case-status').waitFor();
    expect(await page.getByTestId('case-text').innerText()).toBe('来电反映：不动产登记窗口要求提供与业务无关的证明材料');
    expect(await page.locator('body').innerText()).toContain('来电');
    expect(await page.locator('body').innerText()).not.toContain('13912345678');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("the portal's track page shows the outcome, the reply and the reopen offer", async () => {
    expect(caseId).toBeGreaterThan(0);
    const ctx = await newContext(browser, { phone: true });
    const page = await ctx.newPage();
    const problems: string[] = [];
    watchConsole(page, problems);
    // A wrong code first: a friendly refusal on the field.
    await page.goto(`${server.url}/track`);
    await page.getByLabel('回执码').fill('1234 5678 9012 3456 7890 1234');
    await page.getByTestId('track-submit').click();
    await page.getByText('未找到该回执码对应的举报，请核对后重试。').waitFor();
    await track(page, receipt);
    expect(await page.getByTestId('track-status').innerText()).toBe('已办结');
    const outcome = await page.getByTestId('track-outcome').innerText();
    expect(outcome).toContain('属实');
    expect(outcome).toContain(MEASURES);
    expect(await page.getByTestId('track-messages').innerText()).toContain(REPLY);
    // Public timeline: units, never the handler's name.
    expect(await page.locator('main').innerText()).not.toContain('李科长');
    await page.getByTestId('track-reopen').waitFor();
    await shot(page, '5-portal-track-resolved');
    expect(page.url()).toBe(`${server.url}/track`);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});

describe('the case pages in both languages', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`render in ${locale} without missing keys`, async () => {
      expect(caseId).toBeGreaterThan(0);
      const ctx = await newContext(browser, { locale });
      const page = await ctx.newPage();
      const problems: string[] = [];
      watchConsole(page, problems);
      await signIn(page, server.url, 'unit_head');
      for (const p of ['/cases', `/cases/${caseId}`, '/cases/999999']) {
        await page.goto(`${server.url}/admin${p}`);
        await page.getByTestId('whoami').waitFor();
        await page.waitForLoadState('networkidle');
        await page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
        expect(await page.locator('body').innerText(), `${locale} ${p}`).not.toContain('⟦');
        await shot(page, `5-console-${locale}-${p.slice(1).replace(/\//g, '_')}`);
      }
      for (const p of ['/report', '/track']) {
        await page.goto(`${server.url}${p}`);
        await page.locator('main').waitFor();
        await page.waitForLoadState('networkidle');
        if (p === '/track') await track(page, receipt);
        expect(await page.locator('body').innerText(), `${locale} portal ${p}`).not.toContain('⟦');
        await shot(page, `5-portal-${locale}-${p.slice(1)}`);
      }
      expect(problems).toEqual([]);
      await ctx.close();
    });
  }
});
