import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findForms, HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { APP, codeFlow, startAuthorize, USERS } from '../helpers/oauth.js';

const APP_HOME = 'http://localhost:3000';
const ALICE_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f1';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** A browser with alice signed in to the IdP (and her ID token for sample-app). */
async function signedIn() {
  const { browser, tokens } = await codeFlow(idp, USERS.alice);
  return { browser, idToken: tokens.body.id_token! };
}

/** Whether the IdP still remembers the user: an authorization request goes straight to the callback. */
async function hasSession(browser: HeadlessBrowser): Promise<boolean> {
  const { page } = await startAuthorize(idp, browser);
  if (page.url.startsWith(APP.callback)) return true;
  expect(findForms(page.body).some((f) => f.action.endsWith('/login'))).toBe(true);
  return false;
}

/** The redirect target, normalised (`http://localhost:3000` and `http://localhost:3000/` are the same URL). */
function locationOf(response: Response): string | undefined {
  const location = response.headers.get('location');
  return location === null ? undefined : new URL(location).href;
}

function v2Logout(query: Record<string, string>): string {
  return `${idp.issuer}v2/logout?${new URLSearchParams(query)}`;
}

describe('Auth0 logout: GET /v2/logout', () => {
  it('redirects (302) to an allowed returnTo and ends the IdP session', async () => {
    const { browser } = await signedIn();
    expect(await hasSession(browser)).toBe(true);
    const response = await browser.request(v2Logout({ client_id: APP.clientId, returnTo: APP_HOME }));
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe(new URL(APP_HOME).href);
    expect(await hasSession(browser)).toBe(false);
    expect(idp.events().filter((e) => e.type === 'logout.success').at(-1)).toMatchObject({ clientId: APP.clientId, sub: ALICE_SUB });
  });

  it('ends the session on the IdP, not only in the browser: the old session cookie no longer signs in', async () => {
    const { browser } = await signedIn();
    const cookies = await browser.jar.getCookies(idp.issuer);
    const replay = async () => {
      const other = new HeadlessBrowser();
      for (const cookie of cookies) await other.jar.setCookie(cookie, idp.issuer);
      return hasSession(other);
    };
    expect(await replay()).toBe(true);
    await browser.request(v2Logout({ client_id: APP.clientId, returnTo: APP_HOME }));
    expect(await replay()).toBe(false);
  });

  it('refuses a returnTo outside the Allowed Logout URLs with 400, no redirect, and keeps the session', async () => {
    const { browser } = await signedIn();
    const response = await browser.request(v2Logout({ client_id: APP.clientId, returnTo: 'https://evil.example' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await hasSession(browser)).toBe(true);
    expect(idp.events().filter((e) => e.type === 'logout.refused').at(-1)).toMatchObject({ clientId: APP.clientId, detail: { returnTo: 'https://evil.example' } });
  });

  it("refuses another application's logout URL as returnTo when client_id is given", async () => {
    const { browser } = await signedIn();
    const response = await browser.request(v2Logout({ client_id: APP.clientId, returnTo: 'http://localhost:5173' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses an unknown client_id with 400 and no redirect', async () => {
    const { browser } = await signedIn();
    const response = await browser.request(v2Logout({ client_id: 'no-such-app', returnTo: APP_HOME }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await hasSession(browser)).toBe(true);
  });

  it("redirects to the application's first Allowed Logout URL when returnTo is missing", async () => {
    const { browser } = await signedIn();
    const response = await browser.request(v2Logout({ client_id: APP.clientId }));
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe(new URL(APP_HOME).href);
    expect(await hasSession(browser)).toBe(false);
  });

  it("accepts any application's Allowed Logout URL as returnTo without client_id (the tenant list)", async () => {
    const { browser } = await signedIn();
    const response = await browser.request(v2Logout({ returnTo: 'http://localhost:5173' }));
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe(new URL('http://localhost:5173').href);
    expect(await hasSession(browser)).toBe(false);
  });

  it('logs out a browser without a session too (302 to returnTo)', async () => {
    const { browser } = await signedIn();
    await browser.request(v2Logout({ client_id: APP.clientId }));
    const response = await browser.request(v2Logout({ client_id: APP.clientId, returnTo: APP_HOME }));
    expect(response.status).toBe(302);
    expect(locationOf(response)).toBe(new URL(APP_HOME).href);
  });
});

describe('RP-initiated logout: /oidc/logout', () => {
  it('renders a confirmation form; posting it (logout=yes + xsrf) ends the session and redirects to the registered post_logout_redirect_uri', async () => {
    const { browser, idToken } = await signedIn();
    const params = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: APP_HOME, state: 'bye' });
    const page = await browser.navigate(`${idp.issuer}oidc/logout?${params}`);
    expect(page.response.status).toBe(200);
    const form = findForms(page.body).find((f) => f.fields.xsrf !== undefined);
    expect(form).toBeDefined();

    const done = await browser.submit(page, form!.action, { logout: 'yes' }, APP_HOME);
    const target = new URL(done.url);
    expect(target.origin).toBe(APP_HOME);
    expect(target.searchParams.get('state')).toBe('bye');
    expect(await hasSession(browser)).toBe(false);
  });

  it('accepts client_id instead of id_token_hint', async () => {
    const { browser } = await signedIn();
    const params = new URLSearchParams({ client_id: APP.clientId, post_logout_redirect_uri: APP_HOME });
    const page = await browser.navigate(`${idp.issuer}oidc/logout?${params}`);
    const done = await browser.submit(page, '/oidc/logout', { logout: 'yes' }, APP_HOME);
    expect(new URL(done.url).origin).toBe(APP_HOME);
    expect(await hasSession(browser)).toBe(false);
  });

  it('refuses an unregistered post_logout_redirect_uri with 400 and no redirect', async () => {
    const { browser, idToken } = await signedIn();
    const params = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example' });
    const response = await browser.request(`${idp.issuer}oidc/logout?${params}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await hasSession(browser)).toBe(true);
  });
});
