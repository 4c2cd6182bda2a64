import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pkce, tokenRequest, USERS } from '../helpers/oauth.js';
import { chromiumAvailable, docsScreenshotPath, launchChromium } from '../helpers/chromium.js';
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js';

interface TokenExchange {
  grantType: string | null;
  sentRefreshToken: string | null;
  status: number;
  body: { access_token?: string; id_token?: string; refresh_token?: string; error?: string };
}

interface AuthorizeCall {
  params: URLSearchParams;
  /** The page the mock answered with: for `response_mode=web_message`, the script that posts the answer. */
  body: string;
}

/** What the SPA said to the mock: every token-endpoint exchange and every /authorize answer, workers included. */
function watchMock(context: BrowserContext, stack: Stack) {
  const tokens: TokenExchange[] = [];
  const authorizations: AuthorizeCall[] = [];
  const pending: Promise<void>[] = [];
  const failures: unknown[] = [];
  // A body that can no longer be read (the page moved on) is reported by settled(), never as an unhandled rejection.
  const track = (reading: Promise<void>) => pending.push(reading.catch((err: unknown) => void failures.push(err)));
  context.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin !== new URL(stack.idp.issuer).origin) return;
    const request = response.request();
    if (url.pathname === '/oauth/token' && request.method() === 'POST') {
      const form = new URLSearchParams(request.postData() ?? '');
      track(
        response.json().then((body: TokenExchange['body']) => {
          tokens.push({ grantType: form.get('grant_type'), sentRefreshToken: form.get('refresh_token'), status: response.status(), body });
        }),
      );
    }
    if (url.pathname === '/authorize' && url.searchParams.get('response_mode') === 'web_message') {
      track(response.text().then((body) => void authorizations.push({ params: url.searchParams, body })));
    }
  });
  return {
    tokens,
    authorizations,
    settled: async () => {
      await Promise.all(pending);
      if (failures.length) throw new AggregateError(failures, 'could not read what the mock answered');
    },
    /** Every token the mock handed out so far. */
    issued: () => tokens.flatMap((t) => [t.body.access_token, t.body.refresh_token, t.body.id_token]).filter((t): t is string => !!t),
  };
}

/** The SPA must keep tokens in memory only: nothing token-like in localStorage or sessionStorage. */
async function expectNoTokensInStorage(page: Page, issued: string[]): Promise<void> {
  const stored = await page.evaluate(() => [...Object.values({ ...localStorage }), ...Object.values({ ...sessionStorage })].join('\n'));
  for (const token of issued) expect(stored.includes(token), 'an issued token is in web storage').toBe(false);
  expect(stored).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
}

async function logIn(page: Page, stack: Stack, user: { username: string; password: string }): Promise<void> {
  await page.goto(stack.spa.url);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name="username"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByTestId('user-name').waitFor();
}

async function callApi(page: Page, button: 'Call API (GET /orders)' | 'Create order (POST /orders)', stack: Stack) {
  const answered = page.waitForResponse((r) => r.url() === `${stack.api.url}/orders` && r.request().method() !== 'OPTIONS');
  await page.getByRole('button', { name: button }).click();
  const response = await answered;
  const result = page.getByTestId('api-result');
  await expect.poll(() => result.getAttribute('data-kind')).not.toBeNull();
  return { status: response.status(), kind: await result.getAttribute('data-kind'), text: await result.innerText() };
}

/**
 * What auth0-spa-js's silent call does, by hand: a hidden iframe to /authorize
 * with `prompt=none` and `response_mode=web_message`, and the message it posts back.
 */
async function silentAuthorize(page: Page, stack: Stack): Promise<Record<string, string>> {
  const params = new URLSearchParams({
    client_id: 'sample-spa',
    redirect_uri: stack.spa.url,
    response_type: 'code',
    response_mode: 'web_message',
    prompt: 'none',
    scope: 'openid profile email',
    audience: 'https://api.example.com',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
  });
  return page.evaluate(
    ([url, origin]) =>
      new Promise<Record<string, string>>((resolve, reject) => {
        const frame = document.createElement('iframe');
        frame.style.display = 'none';
        const timer = setTimeout(() => reject(new Error('no web_message answer within 5 s')), 5000);
        window.addEventListener('message', (event: MessageEvent<{ type?: string; response?: Record<string, string> }>) => {
          if (event.origin !== origin || event.data?.type !== 'authorization_response') return;
          clearTimeout(timer);
          frame.remove();
          resolve(event.data.response ?? {});
        });
        frame.src = url;
        document.body.appendChild(frame);
      }),
    [`${stack.idp.issuer}authorize?${params}`, new URL(stack.idp.issuer).origin] as const,
  );
}

describe.skipIf(!chromiumAvailable)('sample-spa with @auth0/auth0-react against mock-idp (Debian Chromium via playwright-core)', () => {
  let browser: Browser;
  const open: { stack: Stack; context: BrowserContext }[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    for (const { stack, context } of open.splice(0)) {
      await context.close();
      await stack.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openSpa(options: { useRefreshTokens?: boolean; tenant?: StackOptions['tenant'] } = {}) {
    const { useRefreshTokens = true, tenant } = options;
    const stack = await startStack({ spa: { useRefreshTokens }, ...(tenant ? { tenant } : {}) });
    const context = await browser.newContext();
    open.push({ stack, context });
    const mock = watchMock(context, stack);
    const page = await context.newPage();
    return { stack, page, mock };
  }

  it('alice logs in on the mock login page, lands back in the SPA showing her name, and Call API (GET) lists the orders', async () => {
    const { stack, page, mock } = await openSpa();
    await logIn(page, stack, USERS.alice);
    expect(page.url().startsWith(stack.spa.url)).toBe(true);
    expect(await page.getByTestId('user-name').innerText()).toBe('Alice Admin');

    const result = await callApi(page, 'Call API (GET /orders)', stack);
    expect(result).toMatchObject({ status: 200, kind: 'ok' });
    expect(JSON.parse(result.text)).toMatchObject({ orders: expect.arrayContaining([expect.objectContaining({ id: 'ord_1' })]) });

    await mock.settled();
    const [exchange] = mock.tokens;
    expect(exchange).toMatchObject({ grantType: 'authorization_code', status: 200 });
    expect(exchange?.body.refresh_token, 'useRefreshTokens asks for offline_access').toBeTruthy();
    await expectNoTokensInStorage(page, mock.issued());
    expect(await page.getByTestId('banner').innerText()).toMatch(/^Signed in through mock-idp/);
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.screenshot({ path: docsScreenshotPath('sample-spa.png'), fullPage: true });

    // The SPA is one page: a wrong link shows a page that leads back to it.
    await page.goto(`${stack.spa.url}/no-such-page`);
    expect(await page.getByRole('heading').innerText()).toBe('Nothing here');
    expect(await page.getByRole('link', { name: 'Open sample-spa' }).getAttribute('href')).toBe('/');
  }, 60_000);

  it("shows bob's POST /orders as not allowed: sample-api answers 403 insufficient_scope", async () => {
    const { stack, page, mock } = await openSpa();
    await logIn(page, stack, USERS.bob);
    expect(await page.getByTestId('user-name').innerText()).toBe('Bob Viewer');

    const result = await callApi(page, 'Create order (POST /orders)', stack);
    expect(result).toMatchObject({ status: 403, kind: 'forbidden' });
    expect(result.text).toContain('Not allowed');
    expect(result.text).toContain('write:orders');
    expect(await callApi(page, 'Call API (GET /orders)', stack)).toMatchObject({ status: 200, kind: 'ok' });
    await mock.settled();
    await expectNoTokensInStorage(page, mock.issued());
  }, 60_000);

  it('renews an expired access token with a refresh-token grant whose refresh token rotated, and the API call succeeds', async () => {
    const { stack, page, mock } = await openSpa({ tenant: (draft) => void (draft.apis![0]!.tokenLifetime = 2) });
    // The page's clock is Playwright's: after login it jumps past the 2 s access-token lifetime instead of waiting.
    await page.clock.install();
    await logIn(page, stack, USERS.alice);
    await mock.settled();
    const refreshesBefore = mock.tokens.filter((t) => t.grantType === 'refresh_token').length;

    await page.clock.fastForward(3_000);
    const result = await callApi(page, 'Call API (GET /orders)', stack);
    expect(result).toMatchObject({ status: 200, kind: 'ok' });

    await mock.settled();
    const [exchange, ...refreshes] = mock.tokens;
    expect(exchange?.grantType).toBe('authorization_code');
    expect(refreshes.length).toBeGreaterThan(refreshesBefore);
    // Each grant spends the newest refresh token and gets a different one back: rotation, as on Auth0.
    let current = exchange?.body.refresh_token;
    for (const refresh of refreshes) {
      expect(refresh).toMatchObject({ grantType: 'refresh_token', status: 200 });
      expect(refresh.sentRefreshToken).toBe(current);
      expect(refresh.body.refresh_token).toBeTruthy();
      expect(refresh.body.refresh_token).not.toBe(refresh.sentRefreshToken);
      current = refresh.body.refresh_token;
    }
    await expectNoTokensInStorage(page, mock.issued());

    // The spent refresh token is dead: replaying it is reuse, answered 403 invalid_grant "Unknown or invalid refresh token." as on Auth0.
    const replay = await tokenRequest(stack.idp, { grant_type: 'refresh_token', client_id: 'sample-spa', refresh_token: exchange?.body.refresh_token ?? '' });
    expect(replay).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
  }, 60_000);

  it("after a reload the SDK's iframe fallback (prompt=none, offline_access) brings a new refresh token, and renewals use it again", async () => {
    const { stack, page, mock } = await openSpa({ tenant: (draft) => void (draft.apis![0]!.tokenLifetime = 2) });
    await page.clock.install();
    await logIn(page, stack, USERS.alice);

    // The in-memory refresh token dies with the page: the SDK falls back to the hidden iframe.
    await page.reload();
    await page.getByTestId('user-name').waitFor();
    await mock.settled();
    const [fallback] = mock.authorizations;
    expect(fallback?.params.get('prompt')).toBe('none');
    expect(fallback?.params.get('scope')?.split(' ')).toContain('offline_access');
    const afterReload = mock.tokens.at(-1);
    expect(afterReload).toMatchObject({ grantType: 'authorization_code', status: 200 });
    expect(afterReload?.body.refresh_token).toBeTruthy();

    await page.clock.fastForward(3_000);
    expect(await callApi(page, 'Call API (GET /orders)', stack)).toMatchObject({ status: 200, kind: 'ok' });
    await mock.settled();
    const renewal = mock.tokens.at(-1);
    expect(renewal).toMatchObject({ grantType: 'refresh_token', status: 200, sentRefreshToken: afterReload?.body.refresh_token });
    expect(renewal?.body.refresh_token).not.toBe(afterReload?.body.refresh_token);
    await expectNoTokensInStorage(page, mock.issued());
  }, 60_000);

  it('with refresh tokens off, a reload keeps alice logged in through the hidden iframe; once the mock session ends the silent path answers login_required and the SPA shows Log in', async () => {
    const { stack, page, mock } = await openSpa({ useRefreshTokens: false });
    await logIn(page, stack, USERS.alice);

    await page.reload();
    await page.getByTestId('user-name').waitFor();
    expect(await page.getByTestId('user-name').innerText()).toBe('Alice Admin');
    await mock.settled();
    const [silent] = mock.authorizations;
    expect(silent?.params.get('prompt')).toBe('none');
    expect(silent?.body).toContain('"code"');
    expect(mock.tokens.every((t) => t.grantType === 'authorization_code' && !t.body.refresh_token)).toBe(true);
    expect(await callApi(page, 'Call API (GET /orders)', stack)).toMatchObject({ status: 200, kind: 'ok' });

    // The session ends at the mock (as when another app logs the user out); the SPA still thinks it is signed in.
    await page.goto(`${stack.idp.issuer}v2/logout?${new URLSearchParams({ client_id: 'sample-spa', returnTo: stack.spa.url })}`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await mock.settled();
    const last = mock.authorizations.at(-1);
    expect(mock.authorizations.length).toBe(2);
    expect(last?.body).toContain('"error":"login_required"');
    await expectNoTokensInStorage(page, mock.issued());
  }, 60_000);

  it('logout returns to the SPA signed out and ends the mock session', async () => {
    const { stack, page, mock } = await openSpa();
    await logIn(page, stack, USERS.alice);
    expect(await silentAuthorize(page, stack)).toHaveProperty('code');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(new URL(page.url()).origin).toBe(stack.spa.url);
    expect(await page.getByTestId('status').innerText()).toBe('Signed out.');
    expect(await page.getByTestId('banner').innerText()).not.toContain('Signed in');

    expect(await silentAuthorize(page, stack)).toMatchObject({ error: 'login_required' });
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/interaction\//);
    // No single sign-on any more: the mock asks for a password again.
    await page.locator('#password').waitFor({ state: 'visible' });
    expect(await page.locator('h1').innerText()).toContain('Log in');
    await mock.settled();
    await expectNoTokensInStorage(page, mock.issued());
  }, 60_000);
});
