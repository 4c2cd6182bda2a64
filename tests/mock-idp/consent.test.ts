import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { findForms, HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';
import { tenantWith } from './tenants.js';

const THIRD_PARTY = { clientId: 'third-party-app', secret: 'third-party-secret', callback: 'http://localhost:4400/callback' } as const;

let idp: MockIdp;
beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    apps.push({
      clientId: THIRD_PARTY.clientId,
      name: 'Third Party App',
      appType: 'regular_web',
      clientSecret: THIRD_PARTY.secret,
      firstParty: false,
      callbacks: [THIRD_PARTY.callback],
    });
  });
  idp = await startMockIdp({ port: 0, tenant });
});
afterAll(() => idp.close());

const thirdParty = { clientId: THIRD_PARTY.clientId, redirectUri: THIRD_PARTY.callback, scope: 'openid profile email read:orders' };

function isConsentPage(page: Page): boolean {
  const actions = findForms(page.body).map((f) => f.action);
  return page.response.status === 200 && actions.some((a) => a.endsWith('/consent')) && actions.some((a) => a.endsWith('/abort'));
}

/** Logs alice in to the third-party app and returns the page shown after the login form. */
async function loginToThirdParty() {
  const browser = new HeadlessBrowser();
  const started = await startAuthorize(idp, browser, thirdParty);
  const afterLogin = await submitLogin(browser, started.page, USERS.alice, THIRD_PARTY.callback);
  return { browser, afterLogin, ...started };
}

describe('consent', () => {
  it('shows a consent page to a third-party application after login, naming the app, the user and the scopes', async () => {
    const { afterLogin } = await loginToThirdParty();
    expect(isConsentPage(afterLogin)).toBe(true);
    expect(afterLogin.url).toMatch(/\/interaction\/[^/]+$/);
    expect(afterLogin.body).toContain('Third Party App');
    expect(afterLogin.body).toContain(USERS.alice.username);
    expect(afterLogin.body).toContain('read:orders');
    expect(afterLogin.body).toContain(API);
  });

  it('issues a code when the user accepts, and the code redeems for tokens', async () => {
    const { browser, afterLogin, state, verifier } = await loginToThirdParty();
    const callback = await browser.submit(afterLogin, '/consent', {}, THIRD_PARTY.callback);
    const url = new URL(callback.url);
    expect(url.searchParams.get('state')).toBe(state);
    const code = url.searchParams.get('code');
    expect(code).toBeTruthy();

    const tokens = await tokenRequest(idp, {
      grant_type: 'authorization_code', code: code!, redirect_uri: THIRD_PARTY.callback, code_verifier: verifier,
      client_id: THIRD_PARTY.clientId, client_secret: THIRD_PARTY.secret,
    });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token!)).toMatchObject({ azp: THIRD_PARTY.clientId, aud: [API, `${idp.issuer}userinfo`] });
    expect(decodeJwt(tokens.body.id_token!)).toMatchObject({ aud: THIRD_PARTY.clientId, email: USERS.alice.username });
  });

  it('returns error=access_denied and no code to the callback when the user denies', async () => {
    const { browser, afterLogin, state } = await loginToThirdParty();
    const callback = await browser.submit(afterLogin, '/abort', {}, THIRD_PARTY.callback);
    const url = new URL(callback.url);
    expect(callback.url.startsWith(THIRD_PARTY.callback)).toBe(true);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('code')).toBeNull();
  });

  it('does not ask again once the user has consented (same browser, same scopes)', async () => {
    const { browser, afterLogin } = await loginToThirdParty();
    await browser.submit(afterLogin, '/consent', {}, THIRD_PARTY.callback);
    const again = await startAuthorize(idp, browser, thirdParty);
    expect(again.page.url.startsWith(THIRD_PARTY.callback)).toBe(true);
    expect(new URL(again.page.url).searchParams.get('code')).toBeTruthy();
  });

  it('never shows a consent page to a first-party application, even with offline_access or prompt=consent', async () => {
    const browser = new HeadlessBrowser();
    for (const extra of [{}, { prompt: 'consent' }]) {
      const { page } = await startAuthorize(idp, browser, { extra });
      const afterLogin = page.url.startsWith(APP.callback) ? page : await submitLogin(browser, page, USERS.bob, APP.callback);
      expect(afterLogin.url.startsWith(APP.callback)).toBe(true);
      expect(new URL(afterLogin.url).searchParams.get('code')).toBeTruthy();
    }
    // codeFlow stops at the callback right after the login form: no page in between.
    const { tokens } = await codeFlow(idp, USERS.carol);
    expect(tokens.status).toBe(200);
  });
});
