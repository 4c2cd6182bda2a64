import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { findForms, HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, pkce, SPA, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** Is this page the mock's login page (the username/password form)? */
function isLoginPage(body: string): boolean {
  return findForms(body).some((f) => /\/interaction\/[^/]+\/login$/.test(f.action)) && /name="password"/.test(body);
}

describe('the login page', () => {
  it('shows a test-IdP banner, a username/password form, the seeded users and the social buttons', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.url).toMatch(/\/interaction\/[^/]+$/);
    expect(page.body).toMatch(/<div class="banner"[^>]*>[^<]*TEST identity provider/);
    expect(page.response.headers.get('x-mock-idp')).toMatch(/test identity provider/);

    expect(page.body).toMatch(/<input[^>]*type="email"[^>]*name="username"/);
    expect(page.body).toMatch(/<input[^>]*type="password"[^>]*name="password"/);
    for (const user of Object.values(USERS)) expect(page.body).toContain(user.username);

    const social = findForms(page.body).filter((f) => f.action.endsWith('/social')).map((f) => f.fields.connection);
    expect(social).toEqual(['google-oauth2', 'github']);
    expect(page.body).toContain('Continue with Google');
    expect(page.body).toContain('Continue with GitHub');
  });

  it('answers a wrong password with 401 and the login page again: no redirect, no session, a login.failed event', async () => {
    const browser = new HeadlessBrowser();
    const since = idp.events().at(-1)?.seq ?? 0;
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const failed = await submitLogin(browser, page, { username: USERS.alice.username, password: 'wrong-password' }, redirectUri);
    expect(failed.response.status).toBe(401);
    expect(failed.response.headers.get('location')).toBeNull();
    expect(failed.hops.some((url) => url.startsWith(redirectUri))).toBe(false);
    expect(isLoginPage(failed.body)).toBe(true);
    expect(failed.body).toContain(USERS.alice.username); // the username is kept in the form

    const events = idp.events(since).filter((e) => e.type === 'login.failed');
    // The email tried, the user and why: what the debugger's user and error columns show.
    expect(events).toEqual([expect.objectContaining({ type: 'login.failed', clientId: APP.clientId, sub: expect.stringMatching(/^auth0\|/), error: 'wrong_password', detail: { email: USERS.alice.username, reason: 'wrong password', via: 'login page', auth0Log: 'fp' } })]);

    // No session: a fresh authorization request in the same browser asks for credentials again.
    const again = await startAuthorize(idp, browser);
    expect(again.page.response.status).toBe(200);
    expect(isLoginPage(again.page.body)).toBe(true);
  });

  it('logs a login of an unknown email as login.failed unknown_user with the email typed, shown in the debugger', async () => {
    const browser = new HeadlessBrowser();
    const since = idp.events().at(-1)?.seq ?? 0;
    const { page, redirectUri } = await startAuthorize(idp, browser);
    expect((await submitLogin(browser, page, { username: 'nobody@example.com', password: 'x' }, redirectUri)).response.status).toBe(401);
    const [event] = idp.events(since).filter((e) => e.type === 'login.failed');
    expect(event).toMatchObject({ error: 'unknown_user', detail: { email: 'nobody@example.com', via: 'login page', auth0Log: 'fu' } });
    expect(event?.sub).toBeUndefined();
    const debuggerPage = await (await fetch(`${idp.issuer}_mock/`)).text();
    expect(debuggerPage).toMatch(/<td>login\.failed<\/td><td>sample-app<\/td><td>nobody@example\.com<\/td><td>unknown_user<\/td><td>no user with this email · login page<\/td>/);
  });

  it('accepts the right password after a wrong one on the same login page', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const failed = await submitLogin(browser, page, { username: USERS.bob.username, password: 'nope' }, redirectUri);
    const callback = await submitLogin(browser, failed, USERS.bob, redirectUri);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  });

  it('answers an unknown user like a wrong password (401, no redirect)', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const failed = await submitLogin(browser, page, { username: 'mallory@example.com', password: 'x' }, redirectUri);
    expect(failed.response.status).toBe(401);
    expect(failed.response.headers.get('location')).toBeNull();
  });

  it('signs in the simulated social user: the ID token sub starts with google-oauth2|', async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier, redirectUri } = await startAuthorize(idp, browser);
    const callback = await browser.submit(page, '/social', { connection: 'google-oauth2' }, redirectUri);
    const code = new URL(callback.url).searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await tokenRequest(idp, {
      grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret,
    });
    expect(tokens.status).toBe(200);
    const idToken = decodeJwt(tokens.body.id_token!);
    expect(idToken.sub).toMatch(/^google-oauth2\|/);
    expect(idToken).toMatchObject({ email: 'gina@gmail.example', name: 'Gina Google' });
    // Her role (viewer) gives her read:orders in the API token.
    expect(decodeJwt(tokens.body.access_token!)).toMatchObject({ sub: idToken.sub, aud: [API, `${idp.issuer}userinfo`], permissions: ['read:orders'] });
  });

  it('refuses an unregistered redirect_uri with a 400 error page and never redirects to it', async () => {
    const browser = new HeadlessBrowser();
    const evil = 'https://evil.example/callback';
    const { page } = await startAuthorize(idp, browser, { redirectUri: evil });
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get('location')).toBeNull();
    expect(page.hops.some((url) => url.startsWith(evil))).toBe(false);
    expect(page.body).toContain('invalid_redirect_uri');
  });

  it('refuses an unknown client_id with a 400 error page and no redirect', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser(), { clientId: 'no-such-app' });
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get('location')).toBeNull();
    expect(page.body).toContain('invalid_client');
  });

  it('sends a public client without PKCE back to its registered redirect URI with error=invalid_request', async () => {
    const browser = new HeadlessBrowser();
    const params = new URLSearchParams({ client_id: SPA.clientId, redirect_uri: SPA.callback, response_type: 'code', scope: 'openid', state: 'no-pkce' });
    const response = await browser.request(`${idp.issuer}authorize?${params}`);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(new URL(SPA.callback).href);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('no-pkce');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it("refuses a code for a public client redeemed without its code_verifier (Auth0's 403 invalid_grant)", async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const callback = await submitLogin(browser, page, USERS.carol, redirectUri);
    const code = new URL(callback.url).searchParams.get('code')!;
    const { status, body } = await tokenRequest(idp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: SPA.clientId, code_verifier: pkce().verifier });
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
  });

  it('remembers the login (SSO): a second authorization in the same browser goes straight to the callback', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const second = await startAuthorize(idp, browser);
    const callback = new URL(second.page.url);
    expect(callback.href.startsWith(APP.callback)).toBe(true);
    expect(callback.searchParams.get('state')).toBe(second.state);
    expect(callback.searchParams.get('code')).toBeTruthy();
    // Every hop was a redirect: no page (login or consent) was shown on the way.
    expect(second.page.response.status).toBeGreaterThanOrEqual(300);
    expect(second.page.response.status).toBeLessThan(400);
  });

  it('answers prompt=none without a session with error=login_required at the callback', async () => {
    const { page, state } = await startAuthorize(idp, new HeadlessBrowser(), { scope: 'openid profile', extra: { prompt: 'none' } });
    const callback = new URL(page.url);
    expect(callback.href.startsWith(APP.callback)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('state')).toBe(state);
  });

  it('answers prompt=none with a session with a code (silent authentication)', async () => {
    const { browser } = await codeFlow(idp, USERS.bob);
    const { page } = await startAuthorize(idp, browser, { scope: 'openid profile', extra: { prompt: 'none' } });
    expect(new URL(page.url).searchParams.get('code')).toBeTruthy();
  });
});
