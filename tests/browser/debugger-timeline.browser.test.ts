import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tokenRequest, USERS } from '../helpers/oauth.js';
import { chromiumAvailable, docsScreenshotPath, launchChromium } from '../helpers/chromium.js';
import { startStack, type Stack } from '../helpers/stack.js';

const LIFETIME = 120;

describe.skipIf(!chromiumAvailable)('the debugger timeline in Chromium, live beside sample-spa', () => {
  let browser: Browser;
  let stack: Stack;
  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchChromium(), startStack({ tenant: (draft) => void (draft.apis![0]!.tokenLifetime = LIFETIME) })]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the failed login with its email, then the SPA renewal as it happens, then a reuse detection revoking the family', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The first refresh token the SPA got (its web worker's code exchange), to replay it later.
    let firstRefreshToken: string | undefined;
    context.on('response', (response) => {
      const request = response.request();
      if (!response.url().startsWith(`${stack.idp.issuer}oauth/token`) || !(request.postData() ?? '').includes('grant_type=authorization_code')) return;
      void response.json().then((body: { refresh_token?: string }) => void (firstRefreshToken ??= body.refresh_token), () => undefined);
    });
    const dbg = await context.newPage();
    await dbg.goto(`${stack.idp.issuer}_mock/`);
    await expect.poll(() => dbg.locator('#timeline-status').innerText()).toMatch(/^Live/);
    const rows = (selector: string) => dbg.locator(`#timeline tbody tr${selector}`);

    // The SPA's page clock is Playwright's: it jumps past the access token's lifetime instead of waiting.
    const spa = await context.newPage();
    await spa.clock.install();
    await spa.goto(stack.spa.url);
    await spa.getByRole('button', { name: 'Log in' }).click();
    await spa.waitForURL(/\/interaction\//);
    await spa.fill('input[name="username"]', USERS.alice.username);
    await spa.fill('input[name="password"]', 'not-her-password');
    await spa.getByRole('button', { name: 'Continue', exact: true }).click();
    await spa.locator('p.error').waitFor();
    await spa.fill('input[name="password"]', USERS.alice.password);
    await spa.getByRole('button', { name: 'Continue', exact: true }).click();
    await spa.getByTestId('user-name').waitFor();

    // Live, without a reload: the login's three tokens, the access token with the API's lifetime and setting.
    await rows('[data-kind="issued"][data-token="access_token"]').first().waitFor();
    const access = rows('[data-kind="issued"][data-token="access_token"]').first();
    expect(await access.innerText()).toContain(`2m from apis["https://api.example.com"].tokenLifetime (the API's setting)`);
    await expect.poll(() => rows('[data-kind="issued"][data-token="id_token"]').count()).toBe(1);
    await expect.poll(() => rows('[data-kind="issued"][data-token="refresh_token"]').count()).toBe(1);

    // Time passes for both: the mock's clock and the SPA's page clock move past the access token's lifetime.
    stack.idp.clock.advance(LIFETIME + 5);
    await spa.clock.fastForward((LIFETIME + 5) * 1000);
    await expect.poll(() => access.getAttribute('class')).toContain('expired');
    expect(await access.innerText()).toMatch(/expired \d+s ago/);

    // The SPA renews with its refresh token (in its web worker) when it calls the API: the rotation shows up as it happens.
    // (sample-api itself stays on the real clock and refuses the new token, issued in its future: see README, Time travel.)
    const renewed = context.waitForEvent('response', (r) => r.url() === `${stack.idp.issuer}oauth/token` && (r.request().postData() ?? '').includes('grant_type=refresh_token'));
    await spa.getByRole('button', { name: 'Call API (GET /orders)' }).click();
    expect((await renewed).status()).toBe(200);
    await rows('[data-kind="rotated"]').first().waitFor();
    await expect.poll(() => rows('[data-kind="issued"][data-token="refresh_token"]').count()).toBe(2);
    expect(await rows('[data-kind="issued"][data-token="refresh_token"]').first().innerText()).toContain('(rotation 1)');
    // The renewed access token runs on: issued on the mock's clock, it has its whole lifetime ahead.
    await expect.poll(() => rows('[data-kind="issued"][data-token="access_token"]').count()).toBe(2);
    const renewedAccess = rows('[data-kind="issued"][data-token="access_token"]').first();
    expect((await renewedAccess.getAttribute('class')) ?? '').not.toContain('expired');
    expect(await renewedAccess.innerText()).toMatch(/expires in 1m5\ds/);

    // Replaying the spent refresh token: reuse detection, and the whole family revoked, live.
    expect(firstRefreshToken).toBeTruthy();
    const replay = await tokenRequest(stack.idp, { grant_type: 'refresh_token', client_id: 'sample-spa', refresh_token: firstRefreshToken! });
    expect(replay).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    await rows('[data-kind="reuse_detected"]').waitFor();
    await rows('[data-kind="family_revoked"]').waitFor();
    const family = await rows('[data-kind="family_revoked"]').getAttribute('data-family');
    expect(await rows('[data-kind="issued"][data-token="refresh_token"]').first().getAttribute('data-family')).toBe(family);
    await dbg.locator('#timeline-section').screenshot({ path: docsScreenshotPath('debugger-timeline.png') });

    // The failed login is in the event log with the email typed and why (the user and error columns were empty).
    await dbg.reload();
    const failed = dbg.locator('#events tr', { hasText: 'login.failed' });
    expect(await failed.innerText()).toMatch(/alice@example\.com.*wrong_password.*wrong password · login page/s);
    await context.close();
  }, 90_000);

  it("opens the front door at the issuer and every one of its links on the mock answers 200", async () => {
    const page = await browser.newPage();
    const door = await page.goto(stack.idp.issuer);
    expect(door?.status()).toBe(200);
    expect(await page.locator('body').innerText()).toMatch(/TEST/);
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    const own = [...new Set(hrefs.filter((href) => href.startsWith(stack.idp.issuer)).map((href) => href.split('#')[0]!))];
    expect(own.length).toBeGreaterThanOrEqual(5);
    for (const href of own) {
      const answer = await page.goto(href);
      expect({ href, status: answer?.status() }).toEqual({ href, status: 200 });
    }
    await page.close();
  });
});
