/**
 * A real browser and the HTTPS mock: Chromium refuses its certificate until the CA is imported the
 * way the README says (`certutil -d sql:$HOME/.pki/nssdb -A -t C,, ...`), then logs in through
 * sample-app and sample-spa against it. Chromium runs with HOME in a temporary directory, so the CA is trusted
 * there only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../stack/local-stack.js';
import { CHROMIUM, chromiumAvailable } from '../helpers/chromium.js';

const certutilAvailable = ['/usr/bin/certutil', '/usr/local/bin/certutil'].some((path) => existsSync(path));
if (chromiumAvailable && !certutilAvailable) {
  const how = 'certutil not found: install it with "apt-get install -y libnss3-tools"';
  if (process.env.CI) throw new Error(how);
  console.warn(`skipping the HTTPS browser test. ${how}`);
}

describe.skipIf(!chromiumAvailable || !certutilAvailable)('real browser against the HTTPS mock', () => {
  const home = mkdtempSync(join(tmpdir(), 'mock-idp-browser-home-'));
  let stack: LocalStack;
  const launch = (): Promise<Browser> =>
    chromium.launch({ executablePath: CHROMIUM, headless: true, env: { ...process.env, HOME: home }, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

  beforeAll(async () => {
    stack = await startLocalStack({ https: true, home: join(home, '.mock-idp'), ports: { idp: 0, api: 0, app: 0, spa: 0 } });
  });
  afterAll(() => stack?.close());

  it('is refused before the CA is imported into the browser, and trusted after the README command', async () => {
    const discovery = `${stack.idp.issuer}.well-known/openid-configuration`;
    const before = await launch();
    await expect((await before.newPage()).goto(discovery)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    await before.close();

    const nssdb = join(home, '.pki', 'nssdb');
    if (!existsSync(join(nssdb, 'cert9.db'))) {
      mkdirSync(nssdb, { recursive: true });
      execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    }
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'mock-idp TEST CA', '-i', stack.idp.ca!.certPath]);

    const browser = await launch();
    try {
      const response = await (await browser.newPage()).goto(discovery);
      expect(response?.status()).toBe(200);
      expect(await response?.json()).toMatchObject({ issuer: stack.idp.issuer });

      // The whole login through sample-app, the mock's pages served over HTTPS.
      const page = await browser.newPage();
      await page.goto(stack.app.url);
      await page.getByRole('link', { name: 'Log in' }).click();
      await page.waitForURL(/^https:\/\/localhost:\d+\/interaction\//);
      await page.fill('input[name="username"]', 'alice@example.com');
      await page.fill('input[name="password"]', 'alice-pass');
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL(`${stack.app.url}/`);
      expect(await page.locator('h1').innerText()).toContain('Alice Admin');

      // sample-spa: auth0-spa-js talks to the https domain from the page (authorize, /oauth/token with CORS).
      const spa = await browser.newPage();
      await spa.goto(stack.spa.url);
      await spa.getByRole('button', { name: 'Log in' }).click();
      await spa.waitForURL(/^https:\/\/localhost:\d+\/interaction\//);
      await spa.fill('input[name="username"]', 'bob@example.com');
      await spa.fill('input[name="password"]', 'bob-pass');
      await spa.getByRole('button', { name: 'Continue', exact: true }).click();
      await spa.getByTestId('user-name').waitFor();
      const answered = spa.waitForResponse((r) => r.url() === `${stack.api.url}/orders` && r.request().method() !== 'OPTIONS');
      await spa.getByRole('button', { name: 'Call API (GET /orders)' }).click();
      expect((await answered).status()).toBe(200);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
