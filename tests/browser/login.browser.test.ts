import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, chromiumAvailable, docsScreenshotPath, launchChromium } from '../helpers/chromium.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe.skipIf(!chromiumAvailable)('real browser (Debian Chromium via playwright-core)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    // The sign-up test's emails are printed to the console: keep the output quiet.
    vi.spyOn(console, 'log').mockImplementation(() => {});
    stack = await startStack();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const EMAIL = 'new-user@example.com';

  async function logIn(page: Page, email: string, password: string) {
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="username"]', email);
    await page.fill('input[name="password"]', password);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
  }

  /** The README's pictures: a fixed window, the whole page. */
  const PICTURE = { viewport: { width: 1000, height: 640 } };

  it("opens sample-app, clicks login, fills the mock login form and lands on the profile page (claims in a collapsible block); alice's orders page offers Create order", async () => {
    const context = await browser.newContext(PICTURE);
    const page = await context.newPage();
    await page.goto(stack.app.url);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    expect(await page.locator('.banner').innerText()).toContain('TEST identity provider');
    await page.screenshot({ path: docsScreenshotPath('login-page.png'), fullPage: true });
    await page.fill('input[name="username"]', 'alice@example.com');
    await page.fill('input[name="password"]', 'alice-pass');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
    expect(await page.locator('h1').innerText()).toContain('Alice Admin');

    await page.goto(`${stack.app.url}/profile`);
    expect(await page.locator('h1').innerText()).toBe('Alice Admin');
    const raw = page.locator('details', { hasText: 'Raw ID token claims' });
    expect(await raw.getAttribute('open')).toBeNull();
    await raw.locator('summary').click();
    expect(JSON.parse(await raw.locator('pre').innerText())).toMatchObject({ email: 'alice@example.com', iss: stack.idp.issuer });
    expect(await page.getByRole('row', { name: /Access token/ }).innerText()).toContain('write:orders');
    await page.screenshot({ path: docsScreenshotPath('sample-app-profile.png'), fullPage: true });

    await page.goto(`${stack.app.url}/orders`);
    expect(await page.getByRole('cell', { name: 'Coffee beans' }).count()).toBe(1);
    await page.getByRole('textbox', { name: 'Item' }).fill('Tea & biscuits');
    await page.getByRole('button', { name: 'Create order' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('cell', { name: 'Tea & biscuits' }).count()).toBe(1);
    await page.screenshot({ path: docsScreenshotPath('sample-app-orders-alice.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it("explains access_denied after Cancel on the login page; logged in again, bob (read:orders only) sees the orders without Create order and which permission it needs", async () => {
    const context = await browser.newContext(PICTURE);
    const page = await context.newPage();
    await page.goto(stack.app.url);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    const answered = page.waitForResponse((r) => r.url().startsWith(`${stack.app.url}/callback`));
    await page.getByRole('button', { name: /^Cancel/ }).click();
    expect((await answered).status()).toBe(400);
    expect(await page.locator('h1').innerText()).toBe('Login failed: access_denied');
    expect(await page.locator('main').innerText()).toContain('Cancel');

    await page.getByRole('link', { name: 'Log in again' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="username"]', 'bob@example.com');
    await page.fill('input[name="password"]', 'bob-pass');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
    await page.goto(`${stack.app.url}/orders`);
    expect(await page.getByRole('cell', { name: 'Coffee beans' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Create order' }).count()).toBe(0);
    const explained = await page.getByTestId('create-explained').innerText();
    expect(explained).toContain('write:orders');
    expect(explained).toContain('read:orders');
    await page.screenshot({ path: docsScreenshotPath('sample-app-orders-bob.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it("signs a new user up from sample-app's Log in, lands logged in, logs out, resets the password through the outbox and logs in with the new one", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.app.url);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.fill('input[name="email"]', EMAIL);
    await page.fill('input[name="password"]', 'first-pass');
    await page.screenshot({ path: artifactPath('browser-signup-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${stack.app.url}/`);
    expect(await page.locator('h1').innerText()).toBe(`Hello, ${EMAIL}`);

    await page.getByRole('link', { name: 'Log out' }).click();
    await page.waitForURL(`${stack.app.url}/`);
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.fill('input[name="email"]', EMAIL);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByText("We've just sent you an email to reset your password.").waitFor();

    const reset = stack.idp.emails({ to: EMAIL }).find((e) => e.kind === 'reset_password');
    expect(reset).toBeDefined();
    await page.goto(reset!.links[0]!);
    await page.fill('input[name="password"]', 'second-pass');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByText('Your password has been changed successfully.').waitFor();

    await page.goto(stack.app.url);
    await logIn(page, EMAIL, 'second-pass');
    expect(await page.locator('h1').innerText()).toBe(`Hello, ${EMAIL}`);
    await page.screenshot({ path: artifactPath('browser-signup-after-reset.png'), fullPage: true });
    await context.close();
  }, 60_000);
  it('logs alice in to sample-app through the MFA step with MFA on, typing the code a CI test reads from GET /_mock/users/<id>/otp', async () => {
    await stack.idp.updateTenant((draft) => {
      draft.mfa = { policy: 'always' };
      draft.users = draft.users!.map((u) => (u.email === 'alice@example.com' ? { ...u, mfa: { otp: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } } } : u));
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(stack.app.url);
      await page.getByRole('link', { name: 'Log in' }).click();
      await page.waitForURL(/\/interaction\//);
      await page.fill('input[name="username"]', 'alice@example.com');
      await page.fill('input[name="password"]', 'alice-pass');
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.locator('input[name="code"]').waitFor();
      await page.screenshot({ path: artifactPath('browser-mfa-step.png'), fullPage: true });
      const { code } = (await (await fetch(`${stack.idp.issuer}_mock/users/alice@example.com/otp`)).json()) as { code: string };
      await page.fill('input[name="code"]', code);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await page.waitForURL(`${stack.app.url}/`);
      expect(await page.locator('h1').innerText()).toContain('Alice Admin');
    } finally {
      await context.close();
      await stack.idp.updateTenant((draft) => {
        draft.mfa = { policy: 'never' };
      });
    }
  }, 60_000);
});
