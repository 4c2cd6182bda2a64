/**
 * Auth0's response types and modes on /authorize: code, id_token, id_token token, code id_token,
 * code token, code id_token token, each completing a login; `token` alone is refused
 * (oidc-provider 9 removed it: docs/auth0-differences.md); a nonce is required with an ID token
 * in the front channel; PKCE `plain` is refused (only S256).
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser, findForms } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, startAuthorize, submitLogin, tokenRequest, USERS, verify } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const SCOPE = 'openid profile email read:orders';

/** Logs alice in with this response type (and mode) and returns the answer's parameters. */
async function loginWith(responseType: string, extra: Record<string, string> = {}) {
  const browser = new HeadlessBrowser();
  const { page, state, nonce, verifier } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: responseType, ...extra } });
  const answer = await submitLogin(browser, page, USERS.alice, APP.callback);
  let params: URLSearchParams;
  if (extra.response_mode === 'form_post') {
    // The auto-submitting page a browser posts to the callback.
    const [form] = findForms(answer.body);
    expect(form?.action).toBe(APP.callback);
    params = new URLSearchParams(form!.fields);
  } else {
    const url = new URL(answer.url);
    params = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
    if (extra.response_mode !== 'query') expect(url.search, 'a front-channel answer goes in the fragment').toBe('');
  }
  expect(params.get('state')).toBe(state);
  return { params, nonce, verifier };
}

async function expectIdToken(idToken: string | null, nonce: string) {
  expect(idToken).toBeTruthy();
  const { payload } = await verify(idp, idToken!, APP.clientId);
  expect(payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', nonce, email: 'alice@example.com' });
  return payload;
}

describe('response types', () => {
  it('id_token: an ID token in the fragment, no code, no access token', async () => {
    const { params, nonce } = await loginWith('id_token');
    await expectIdToken(params.get('id_token'), nonce);
    expect(params.has('code')).toBe(false);
    expect(params.has('access_token')).toBe(false);
  });

  it('id_token token: an ID token with at_hash and an access token for the API, in the fragment', async () => {
    const { params, nonce } = await loginWith('id_token token');
    const id = await expectIdToken(params.get('id_token'), nonce);
    expect(id.at_hash).toEqual(expect.any(String));
    expect(params.get('token_type')).toBe('Bearer');
    const { payload } = await verify(idp, params.get('access_token')!, API, 'JWT');
    expect(payload).toMatchObject({ azp: APP.clientId, permissions: ['read:orders', 'write:orders'] });
  });

  for (const responseType of ['code id_token', 'code token', 'code id_token token']) {
    it(`${responseType}: the front-channel tokens in the fragment, and the code redeems`, async () => {
      const { params, nonce, verifier } = await loginWith(responseType);
      const code = params.get('code');
      expect(code).toBeTruthy();
      if (responseType.includes('id_token')) expect((await expectIdToken(params.get('id_token'), nonce)).c_hash).toEqual(expect.any(String));
      if (responseType.includes('token ') || responseType.endsWith(' token')) expect(decodeJwt(params.get('access_token')!).aud).toContain(API);
      const redeemed = await tokenRequest(idp, { grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: APP.callback, client_id: APP.clientId, client_secret: APP.secret });
      expect(redeemed.status).toBe(200);
      expect(redeemed.body.access_token).toBeTruthy();
    });
  }

  it('code: the code in the query, as before', async () => {
    const { params } = await loginWith('code', { response_mode: 'query' });
    expect(params.get('code')).toBeTruthy();
  });

  it('token alone is refused: oidc-provider 9 cannot issue it (unsupported_response_type)', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: 'token' } });
    const location = new URL(page.url);
    const answer = new URLSearchParams(location.hash ? location.hash.slice(1) : location.search);
    expect(location.href.startsWith(APP.callback) ? answer.get('error') : page.body).toMatch(/unsupported_response_type/);
  });

  it('refuses an ID token in the front channel without a nonce (invalid_request)', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: 'id_token', nonce: '' } });
    const answer = new URLSearchParams(new URL(page.url).hash.slice(1));
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toMatch(/nonce/);
  });
});

describe('response modes', () => {
  it('form_post: an auto-submitting form posting the ID token to the callback', async () => {
    const { params, nonce } = await loginWith('id_token', { response_mode: 'form_post' });
    await expectIdToken(params.get('id_token'), nonce);
  });

  it('form_post with code id_token', async () => {
    const { params, nonce } = await loginWith('code id_token', { response_mode: 'form_post' });
    expect(params.get('code')).toBeTruthy();
    await expectIdToken(params.get('id_token'), nonce);
  });

  it('fragment for the code flow when asked', async () => {
    const { params } = await loginWith('code', { response_mode: 'fragment' });
    expect(params.get('code')).toBeTruthy();
  });

  it('refuses query for a response type with tokens in the front channel', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: 'id_token', response_mode: 'query' } });
    const url = new URL(page.url);
    const answer = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
    expect(answer.get('error') ?? page.body).toMatch(/invalid_request/);
  });
});

describe('PKCE', () => {
  it('refuses code_challenge_method=plain (only S256, as Auth0 documents)', async () => {
    const verifier = 'a'.repeat(43);
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { extra: { code_challenge: verifier, code_challenge_method: 'plain' } });
    const url = new URL(page.url);
    expect(url.href.startsWith(APP.callback)).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/code_challenge_method/) });
  });

  it('advertises S256 only in discovery', async () => {
    const discovery = (await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.response_types_supported).toEqual(['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);
    expect(discovery.response_modes_supported).toEqual(expect.arrayContaining(['query', 'fragment', 'form_post', 'web_message']));
  });

  it('still checks S256 for a confidential client that sent a challenge', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const answer = await submitLogin(browser, page, USERS.bob, APP.callback);
    const code = new URL(answer.url).searchParams.get('code')!;
    const wrong = createHash('sha256').update('x').digest('base64url');
    const { status, body } = await tokenRequest(idp, { grant_type: 'authorization_code', code, code_verifier: wrong + wrong, redirect_uri: APP.callback, client_id: APP.clientId, client_secret: APP.secret });
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
  });
});
