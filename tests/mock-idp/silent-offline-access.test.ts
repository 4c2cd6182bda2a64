/**
 * prompt=none with offline_access: auth0-spa-js's iframe fallback after a
 * reload (useRefreshTokens + useRefreshTokensFallback). Auth0 answers it with
 * a refresh token; oidc-provider alone would drop offline_access.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, codeFlow, pkce, refreshRequest, SPA, tokenRequest, USERS } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** A silent (prompt=none) code flow in a browser that already has a session; returns the token response. */
async function silentCodeFlow(target: MockIdp, browser: HeadlessBrowser, scope: string, clientId: string = SPA.clientId, redirectUri: string = SPA.callback) {
  const { verifier, challenge } = pkce();
  const params = new URLSearchParams({
    client_id: clientId, redirect_uri: redirectUri, response_type: 'code', prompt: 'none', scope, audience: API,
    state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256',
  });
  const page = await browser.navigate(`${target.issuer}authorize?${params}`, { stopAt: redirectUri });
  const code = new URL(page.url).searchParams.get('code');
  expect(code, page.url).toBeTruthy();
  return tokenRequest(target, { grant_type: 'authorization_code', client_id: clientId, code: code!, redirect_uri: redirectUri, code_verifier: verifier });
}

function spaSession() {
  return codeFlow(idp, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback, scope: 'openid profile email read:orders' });
}

describe('prompt=none with offline_access (the SPA SDK iframe fallback)', () => {
  it('answers with a refresh token, as Auth0 does, and that refresh token rotates', async () => {
    const { browser } = await spaSession();
    const silent = await silentCodeFlow(idp, browser, 'openid profile email offline_access read:orders');
    expect(silent.status).toBe(200);
    expect(silent.body.refresh_token).toBeTruthy();
    const refreshed = await refreshRequest(idp, silent.body.refresh_token!, { clientId: SPA.clientId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTruthy();
    expect(refreshed.body.refresh_token).not.toBe(silent.body.refresh_token);
  });

  it('gives no refresh token to a prompt=none request without offline_access', async () => {
    const { browser } = await spaSession();
    const silent = await silentCodeFlow(idp, browser, 'openid profile email read:orders');
    expect(silent.status).toBe(200);
    expect(silent.body.refresh_token).toBeUndefined();
  });

  it('keeps that refresh token working after the user logs out of the mock (refresh tokens outlive the session on Auth0)', async () => {
    const { browser } = await spaSession();
    const silent = await silentCodeFlow(idp, browser, 'openid offline_access read:orders');
    await browser.navigate(`${idp.issuer}v2/logout?${new URLSearchParams({ client_id: SPA.clientId, returnTo: SPA.callback })}`, { stopAt: SPA.callback });
    const refreshed = await refreshRequest(idp, silent.body.refresh_token!, { clientId: SPA.clientId });
    expect(refreshed.status).toBe(200);
  });

  it('gives no refresh token when the API does not allow offline access', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      const { browser } = await codeFlow(own, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback, scope: 'openid read:orders' });
      await own.updateTenant((draft) => void (draft.apis![0]!.allowOfflineAccess = false));
      const silent = await silentCodeFlow(own, browser, 'openid offline_access read:orders');
      expect(silent.status).toBe(200);
      expect(silent.body.refresh_token).toBeUndefined();
    } finally {
      await own.close();
    }
  });
});
