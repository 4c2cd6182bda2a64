/** Time travel seen through sample-app (express-openid-connect, in this process on the real clock). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { DEFAULTS } from '../../mock-idp/index.js';
import { USERS } from '../helpers/oauth.js';
import { cloneBrowser, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

/**
 * The browser with the mock's cookies only: as when sample-app's own session has ended (its rolling
 * duration, a day, counts on the app's real clock, which the mock's time travel does not move).
 */
const withoutAppSession = (browser: HeadlessBrowser): Promise<HeadlessBrowser> => cloneBrowser(browser, (cookie) => cookie.key.startsWith('mockidp'));

describe('sample-app after the mock has travelled in time', () => {
  it("asks for the password again once the mock's login session has expired, then accepts tokens issued in its future", async () => {
    const { browser } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');

    // The app's session gone, the mock's still alive: single sign-on, no login page.
    const before = await withoutAppSession(browser);
    const sso = await before.navigate(`${stack.app.url}/profile`);
    expect(sso.response.status).toBe(200);
    expect(sso.url).toBe(`${stack.app.url}/profile`);

    stack.idp.clock.advance(DEFAULTS.sessionLifetime + 1);
    // The app's own session counts on its real clock: it still shows the profile without asking the mock.
    expect((await before.navigate(`${stack.app.url}/profile`)).response.status).toBe(200);
    // Once the app sends the user to the mock, the mock's session has expired: the login page again.
    const again = await withoutAppSession(before);
    const login = await again.navigate(`${stack.app.url}/profile`);
    expect(login.url).toContain('/interaction/');
    expect(login.body).toContain('name="password"');
    // The ID token now says it was issued two weeks ahead of the app's clock; express-openid-connect
    // (openid-client 6) checks exp, not a future iat, and signs the user in.
    const profile = await again.submit(login, '/login', USERS.alice);
    expect(profile.response.status).toBe(200);
    expect(profile.url).toBe(`${stack.app.url}/profile`);
  });
});
