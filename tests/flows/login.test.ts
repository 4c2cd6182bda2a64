import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { USERS } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(() => stack.close());

const hasAppSession = async (browser: HeadlessBrowser) =>
  (await browser.jar.getCookies(stack.app.url)).some((c) => c.key.startsWith('appSession'));

describe('login through sample-app', () => {
  it('logs alice in through the mock login page and /profile shows her claims', async () => {
    const { browser, page } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');
    expect(page.response.status).toBe(200);
    expect(page.url).toBe(`${stack.app.url}/profile`);
    expect(JSON.parse(page.body)).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: 'alice@example.com', name: 'Alice Admin' });
    expect((await browser.navigate(`${stack.app.url}/`)).body).toContain('Alice Admin');
  });

  it('leaves alice logged out after a wrong password: the form is shown again with 401 and no code is issued', async () => {
    const browser = new HeadlessBrowser();
    const loginPage = await browser.navigate(`${stack.app.url}/profile`);
    const retry = await browser.submit(loginPage, '/login', { username: USERS.alice.username, password: 'wrong' });
    expect(retry.response.status).toBe(401);
    expect(retry.url).toContain('/interaction/');
    expect(retry.body).toContain('name="password"');
    expect(await hasAppSession(browser)).toBe(false);
    expect(stack.idp.events().some((e) => e.type === 'login.failed')).toBe(true);
    expect(stack.idp.events().some((e) => e.type === 'grant.success')).toBe(false);
  });

  it('shows an error page and creates no session when the user cancels the login (error=access_denied)', async () => {
    const browser = new HeadlessBrowser();
    const loginPage = await browser.navigate(`${stack.app.url}/profile`);
    const result = await browser.submit(loginPage, '/abort');
    expect(result.hops.some((url) => url.startsWith(`${stack.app.url}/callback`) && url.includes('error=access_denied'))).toBe(true);
    expect(result.response.status).toBe(400);
    expect(await hasAppSession(browser)).toBe(false);
    const again = await browser.navigate(`${stack.app.url}/profile`);
    expect(again.url).toContain('/interaction/');
  });

  it('logs out of the app and of the IdP: the next login asks for credentials again', async () => {
    const { browser } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');
    const out = await browser.navigate(`${stack.app.url}/logout`);
    expect(out.hops.some((url) => url.startsWith(`${stack.idp.issuer}v2/logout`))).toBe(true);
    expect(out.url).toBe(`${stack.app.url}/`);
    expect(out.body).toContain('not logged in');
    expect(await hasAppSession(browser)).toBe(false);
    const next = await browser.navigate(`${stack.app.url}/profile`);
    expect(next.url).toContain('/interaction/');
    expect(next.body).toContain('name="password"');
  });
});
