/**
 * Auth0's /authorize parameters: connection (social, database, unknown or disabled), login_hint,
 * prompt=login, max_age (and auth_time), prompt=select_account, ui_locales, and the consent page
 * listing the tenant's permission descriptions.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { decodeJwt } from 'jose';
import { findForms, HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';
import { fixtureTenant } from './tenants.js';

const THIRD_PARTY = { clientId: 'third-party-app', secret: 'third-party-secret', callback: 'http://localhost:4400/callback' } as const;
const GOOGLE_SUB = 'google-oauth2|104857600000000000001';
const BOB_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f2';

let idp: MockIdp;
beforeAll(async () => {
  const tenant = fixtureTenant();
  // GitHub is configured but disabled; a third-party application sees the consent page.
  tenant.socialConnections = (tenant.socialConnections ?? []).map((c) => (c.name === 'github' ? { ...c, enabled: false } : c));
  tenant.applications = [
    ...(tenant.applications ?? []),
    { clientId: THIRD_PARTY.clientId, name: 'Third Party App', appType: 'regular_web', clientSecret: THIRD_PARTY.secret, firstParty: false, callbacks: [THIRD_PARTY.callback] },
  ];
  idp = await startMockIdp({ port: 0, tenant });
});
afterAll(() => idp.close());

const isLoginPage = (page: Page) => page.response.status === 200 && findForms(page.body).some((f) => /\/interaction\/[^/]+\/login$/.test(f.action));
const socialForms = (page: Page) => findForms(page.body).filter((f) => f.action.endsWith('/social'));
const emailField = (page: Page) => /<input id="username"[^>]*value="([^"]*)"/.exec(page.body)?.[1];

/**
 * Signing another user in over a session: oidc-provider first ends the old session with an
 * auto-submitted form to /oidc/logout/confirm (a browser's script posts it), then resumes.
 */
async function throughAccountSwitch(browser: HeadlessBrowser, page: Page): Promise<Page> {
  expect(findForms(page.body).some((f) => f.action.endsWith('/oidc/logout/confirm'))).toBe(true);
  return browser.submit(page, '/oidc/logout/confirm', {}, APP.callback);
}

/** Redeems the code a callback URL carries (sample-app) and returns the decoded ID token. */
async function idTokenAt(callback: string, verifier: string) {
  const code = new URL(callback).searchParams.get('code');
  expect(code, `no code at ${callback}`).toBeTruthy();
  const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code: code!, redirect_uri: APP.callback, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
  expect(tokens.status).toBe(200);
  return decodeJwt(tokens.body.id_token!);
}

describe('/authorize?connection=', () => {
  it('signs the simulated user of an enabled social connection in without showing the login page', async () => {
    const { page, verifier, state } = await startAuthorize(idp, new HeadlessBrowser(), { extra: { connection: 'google-oauth2' } });
    expect(page.url.startsWith(APP.callback)).toBe(true);
    expect(page.hops.some((h) => h.includes('/interaction/'))).toBe(true);
    expect(new URL(page.url).searchParams.get('state')).toBe(state);
    expect(await idTokenAt(page.url, verifier)).toMatchObject({ sub: GOOGLE_SUB, email: 'gina@gmail.example' });
  });

  it('shows only the password form (no social buttons) for the database connection', async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { connection: 'Username-Password-Authentication' } });
    expect(isLoginPage(page)).toBe(true);
    expect(socialForms(page)).toEqual([]);
    // A failed attempt shows the same page: still no social buttons.
    const failed = await submitLogin(browser, page, { username: USERS.bob.username, password: 'wrong' }, APP.callback);
    expect(failed.response.status).toBe(401);
    expect(socialForms(failed)).toEqual([]);
    const callback = await submitLogin(browser, failed, USERS.bob, APP.callback);
    expect((await idTokenAt(callback.url, verifier)).sub).toBe(BOB_SUB);
  });

  it('still shows the social buttons without a connection parameter', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    expect(socialForms(page).map((f) => f.fields.connection)).toEqual(['google-oauth2']);
  });

  for (const [what, connection] of [['an unknown', 'no-such-connection'], ['a disabled', 'github']] as const) {
    it(`returns invalid_request "the connection was not found" to the callback for ${what} connection, with no login page`, async () => {
      const { page, state } = await startAuthorize(idp, new HeadlessBrowser(), { extra: { connection } });
      const callback = new URL(page.url);
      expect(page.url.startsWith(APP.callback)).toBe(true);
      expect(page.hops.some((h) => h.includes('/interaction/'))).toBe(false);
      expect(callback.searchParams.get('error')).toBe('invalid_request');
      expect(callback.searchParams.get('error_description')).toBe('the connection was not found');
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('code')).toBeNull();
    });
  }
});

describe('/authorize?login_hint=', () => {
  it('prefills the email field of the login page', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser(), { extra: { login_hint: 'carol@example.com' } });
    expect(isLoginPage(page)).toBe(true);
    expect(emailField(page)).toBe('carol@example.com');
    const plain = await startAuthorize(idp, new HeadlessBrowser());
    expect(emailField(plain.page)).toBe('');
  });
});

describe('/authorize?prompt=login and max_age', () => {
  it('prompt=login shows the login page although the browser has a session, and the new login counts', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const again = await startAuthorize(idp, browser, { extra: { prompt: 'login' } });
    expect(isLoginPage(again.page)).toBe(true);
    // Another user may sign in there: the new login replaces the session's.
    const callback = await throughAccountSwitch(browser, await submitLogin(browser, again.page, USERS.bob, APP.callback));
    const idToken = await idTokenAt(callback.url, again.verifier);
    expect(idToken.sub).toBe(BOB_SUB);
    expect(idToken.auth_time).toEqual(expect.any(Number));
  });

  it('max_age puts auth_time (the time of the login) in the ID token; without it there is none', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { browser, tokens } = await codeFlow(idp, USERS.alice);
    expect(decodeJwt(tokens.body.id_token!).auth_time).toBeUndefined();
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { max_age: '3600' } });
    // A recent enough login: no page, straight to the callback.
    expect(page.url.startsWith(APP.callback)).toBe(true);
    const authTime = (await idTokenAt(page.url, verifier)).auth_time!;
    expect(authTime).toBeGreaterThanOrEqual(before);
    expect(authTime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('max_age shorter than the age of the login asks for the login again, and auth_time is the new login', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    // The session is a minute old now (the mock's clock moved, nobody waited); the later tests run on the real time again.
    onTestFinished(() => idp.reset());
    const { epoch: minuteLater } = idp.clock.advance('60s');
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { max_age: '30' } });
    expect(isLoginPage(page)).toBe(true);
    const callback = await submitLogin(browser, page, USERS.alice, APP.callback);
    expect((await idTokenAt(callback.url, verifier)).auth_time).toBeGreaterThanOrEqual(minuteLater - 1);
  });
});

describe('/authorize?prompt=select_account', () => {
  it('shows the test-user list although the browser has a session; choosing another user signs them in', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { prompt: 'select_account' } });
    expect(isLoginPage(page)).toBe(true);
    expect(page.body).toContain('Choose an account');
    const oneClick = findForms(page.body).filter((f) => f.action.endsWith('/login') && f.fields.password !== undefined).map((f) => f.fields.username);
    expect(oneClick).toEqual(Object.values(USERS).map((u) => u.username));
    const bob = findForms(page.body).find((f) => f.fields.username === USERS.bob.username)!;
    const chosen = await browser.navigate(new URL(bob.action, page.url).href, { method: 'POST', form: bob.fields, stopAt: APP.callback });
    const callback = await throughAccountSwitch(browser, chosen);
    expect((await idTokenAt(callback.url, verifier)).sub).toBe(BOB_SUB);
  });

  it('choosing the user already signed in continues their session (no logout in between)', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { prompt: 'select_account' } });
    const callback = await submitLogin(browser, page, USERS.alice, APP.callback);
    expect((await idTokenAt(callback.url, verifier)).email).toBe(USERS.alice.username);
  });
});

describe('/authorize?ui_locales=', () => {
  it('is accepted: the login page is shown and the login completes', async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier } = await startAuthorize(idp, browser, { extra: { ui_locales: 'fr-CA fr en' } });
    expect(isLoginPage(page)).toBe(true);
    const callback = await submitLogin(browser, page, USERS.carol, APP.callback);
    expect((await idTokenAt(callback.url, verifier)).email).toBe(USERS.carol.username);
  });
});

describe('the consent page of a third-party application', () => {
  it("lists each requested permission by the tenant's description, not as the raw scope string", async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { clientId: THIRD_PARTY.clientId, redirectUri: THIRD_PARTY.callback, scope: 'openid email read:orders write:orders', audience: API });
    const consent = await submitLogin(browser, page, USERS.alice, THIRD_PARTY.callback);
    expect(findForms(consent.body).some((f) => f.action.endsWith('/consent'))).toBe(true);
    const items = [...consent.body.matchAll(/<li>([^<]*)<span/g)].map((m) => m[1]!.trim());
    expect(items).toEqual(['Sign you in', 'Read your email address', 'Read orders', 'Create orders']);
  });
});
