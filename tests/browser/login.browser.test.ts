import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { startStack, type Stack } from '../helpers/stack.js';

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

if (!available) {
  const how = `Chromium not found at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH)`;
  // In CI the browser test must run: a missing browser is a failure, not a skip.
  if (process.env.CI) throw new Error(how);
  console.warn(`skipping the real-browser test. ${how}`);
}

describe.skipIf(!available)('real browser (Debian Chromium via playwright-core)', () => {
  let stack: Stack;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    stack = await startStack();
    profile = mkdtempSync(join(tmpdir(), 'mock-idp-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens sample-app, clicks login, fills the mock login form and lands on the profile', async () => {
    const page = await browser.newPage();
    await page.goto(stack.app.url);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    expect(await page.locator('.banner').innerText()).toContain('TEST identity provider');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'browser-login-page.png'), fullPage: true });
    await page.fill('input[name="username"]', 'alice@example.com');
    await page.fill('input[name="password"]', 'alice-pass');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
    expect(await page.locator('h1').innerText()).toContain('Alice Admin');
    await page.goto(`${stack.app.url}/profile`);
    expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({ email: 'alice@example.com' });
    await page.screenshot({ path: join(ARTIFACTS, 'browser-login-profile.png'), fullPage: true });
  }, 60_000);
});
