import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe.skipIf(!chromiumAvailable)('real browser (Debian Chromium via playwright-core)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('opens sample-app, clicks login, fills the mock login form and lands on the profile', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.app.url);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    expect(await page.locator('.banner').innerText()).toContain('TEST identity provider');
    await page.screenshot({ path: artifactPath('browser-login-page.png'), fullPage: true });
    await page.fill('input[name="username"]', 'alice@example.com');
    await page.fill('input[name="password"]', 'alice-pass');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
    expect(await page.locator('h1').innerText()).toContain('Alice Admin');
    await page.goto(`${stack.app.url}/profile`);
    expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({ email: 'alice@example.com' });
    await page.screenshot({ path: artifactPath('browser-login-profile.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
