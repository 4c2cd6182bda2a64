import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, codeFlow, pkce, SPA, tokenRequest, USERS } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** auth0-spa-js's silent request: the iframe's URL. */
function silentUrl(target: MockIdp, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const params = new URLSearchParams({
    client_id: SPA.clientId,
    redirect_uri: SPA.callback,
    response_type: 'code',
    response_mode: 'web_message',
    prompt: 'none',
    scope: 'openid profile email read:orders',
    audience: API,
    state: 'state-123',
    nonce: 'nonce-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${target.issuer}authorize?${params}`, verifier };
}

/** What the web_message page posts to its parent window: `{ response, redirect_uri }`. */
function postedMessage(html: string): { response: Record<string, string>; redirect_uri: string } | undefined {
  const data = /var data = (\{.*?\});\n/s.exec(html)?.[1];
  return data === undefined ? undefined : JSON.parse(data);
}

describe('response_mode=web_message (auth0-spa-js silent authentication without refresh tokens)', () => {
  it('lists web_message among the response modes in discovery', async () => {
    const discovery = (await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as { response_modes_supported: string[] };
    expect(discovery.response_modes_supported).toContain('web_message');
  });

  it('answers prompt=none without a session with a page that posts login_required and the state to the redirect_uri origin', async () => {
    const response = await fetch(silentUrl(idp).url);
    expect(response.headers.get('x-frame-options')).toBeNull();
    const message = postedMessage(await response.text());
    expect(message).toMatchObject({ redirect_uri: SPA.callback, response: { error: 'login_required', state: 'state-123' } });
    expect(message?.response).not.toHaveProperty('code');
  });

  it('with a session posts a code that redeems for tokens, with no login page on the way', async () => {
    const { browser } = await codeFlow(idp, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const { url, verifier } = silentUrl(idp);
    const page = await browser.navigate(url);
    const message = postedMessage(page.body);
    expect(message?.response).toMatchObject({ state: 'state-123', iss: idp.issuer });
    const code = message?.response.code;
    expect(code).toBeTruthy();
    const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', client_id: SPA.clientId, code: code!, redirect_uri: SPA.callback, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toBeTruthy();
  });

  it('answers a first-party app silently even when it asks for more scopes than at login (no consent_required)', async () => {
    const { browser } = await codeFlow(idp, USERS.bob, { clientId: SPA.clientId, redirectUri: SPA.callback, scope: 'openid' });
    const page = await browser.navigate(silentUrl(idp, { scope: 'openid profile email read:orders write:orders' }).url);
    expect(postedMessage(page.body)?.response).toHaveProperty('code');
  });

  it('refuses to post to an origin outside the Allowed Web Origins: 400 unauthorized_client page, no code, an event says why', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      await own.updateTenant((draft) => {
        draft.applications!.find((a) => a.clientId === SPA.clientId)!.webOrigins = [];
      });
      const browser = new HeadlessBrowser();
      const page = await browser.navigate(silentUrl(own).url);
      expect(page.response.status).toBe(400);
      expect(page.body).toContain('unauthorized_client');
      expect(page.body).not.toContain('postMessage');
      expect(own.events().at(-1)).toMatchObject({ type: 'authorization.refused', clientId: SPA.clientId, error: 'unauthorized_client' });
    } finally {
      await own.close();
    }
  });

  it('still refuses an unregistered redirect_uri before anything is posted', async () => {
    const response = await fetch(silentUrl(idp, { redirect_uri: 'http://localhost:5173/elsewhere' }).url);
    expect(response.status).toBe(400);
    expect(postedMessage(await response.text())).toBeUndefined();
  });
});
