/**
 * Auth0's response types and modes on /authorize: code, id_token, id_token token, code id_token,
 * code token, code id_token token and token alone, each completing a login; a nonce is required
 * with an ID token in the front channel (not for token alone); the implicit grant of the
 * application gates the front-channel types; PKCE plain as Auth0 lists it in discovery.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser, findForms, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { loadApiConfig } from '../../sample-api/config.js';
import { startApi, type RunningApi } from '../../sample-api/server.js';
import { API, APP, pkce, SPA, startAuthorize, submitLogin, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { tenantWith } from './tenants.js';

/** A regular web application without the implicit grant (Auth0's "Implicit" unticked). */
const CODE_ONLY = { clientId: 'code-only-app', secret: 'code-only-secret', callback: 'http://localhost:3999/callback' } as const;

let idp: MockIdp;
let api: RunningApi;
beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    apps.push({ clientId: CODE_ONLY.clientId, name: 'Code only', appType: 'regular_web', clientSecret: CODE_ONLY.secret, callbacks: [CODE_ONLY.callback], grantTypes: ['authorization_code', 'refresh_token'] });
  });
  idp = await startMockIdp({ port: 0, tenant });
  api = await startApi({ ...loadApiConfig({}), issuer: idp.issuer, jwksUri: idp.jwksUri, port: 0 });
});
afterAll(async () => {
  await api?.close();
  await idp?.close();
});

const SCOPE = 'openid profile email read:orders';

/** The answer's parameters, wherever the response mode put them (form_post: the auto-submitting form a browser posts). */
function answerOf(page: Page, callback: string, mode?: string, responseType?: string): URLSearchParams {
  if (mode === 'form_post') {
    const [form] = findForms(page.body);
    expect(form?.action).toBe(callback);
    return new URLSearchParams(form!.fields);
  }
  const url = new URL(page.url);
  expect(url.href.startsWith(callback), `ended at ${url.href}`).toBe(true);
  if (mode !== 'query' && url.hash) expect(url.search, 'a front-channel answer goes in the fragment').toBe('');
  // A successful answer of a type with a token in it (and no query mode asked): in the fragment, never in the query.
  if (responseType !== undefined && responseType !== 'code' && mode === undefined) {
    expect(url.hash, 'a front-channel answer goes in the fragment').not.toBe('');
    expect(url.search).toBe('');
  }
  return new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
}

/** Logs alice in with this response type (and mode) and returns the answer's parameters. */
async function loginWith(responseType: string, extra: Record<string, string> = {}) {
  const browser = new HeadlessBrowser();
  const { page, state, nonce, verifier } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: responseType, ...extra } });
  const params = answerOf(await submitLogin(browser, page, USERS.alice, APP.callback), APP.callback, extra.response_mode, responseType);
  expect(params.get('state')).toBe(state);
  return { params, nonce, verifier };
}

/** An authorization request as a legacy implicit SPA sends it: `response_type=token`, no nonce, no PKCE. */
function tokenOnlyUrl(client: { clientId: string; callback: string }, params: Record<string, string> = {}) {
  const state = randomBytes(8).toString('hex');
  const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.callback, response_type: 'token', scope: SCOPE, audience: API, state, ...params });
  return { url: `${idp.issuer}authorize?${query}`, state };
}

/** Logs a user in with `response_type=token` and returns the answer's parameters. */
async function tokenOnlyLogin(user: { username: string; password: string }, params: Record<string, string> = {}, client: { clientId: string; callback: string } = APP, browser = new HeadlessBrowser()) {
  const { url, state } = tokenOnlyUrl(client, params);
  const page = await browser.navigate(url, { stopAt: client.callback });
  const answer = answerOf(await submitLogin(browser, page, user, client.callback), client.callback, params.response_mode, params.response_type ?? 'token');
  expect(answer.get('state')).toBe(state);
  return { answer, browser };
}

async function expectIdToken(idToken: string | null, nonce: string) {
  expect(idToken).toBeTruthy();
  const { payload } = await verify(idp, idToken!, APP.clientId);
  expect(payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', nonce, email: 'alice@example.com' });
  return payload;
}

const callApi = (token: string, method = 'GET') => fetch(`${api.url}/orders`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"item":"x"}' } : {}) });

describe('each response type completes a login', () => {
  const TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'token'] as const;
  for (const responseType of TYPES) {
    it(`${responseType}: what it names is in the answer, nothing else, and its tokens work`, async () => {
      const parts = responseType.split(' ');
      const { params, nonce, verifier } = await loginWith(responseType, responseType === 'code' ? { response_mode: 'query' } : {});
      expect({ code: params.has('code'), id_token: params.has('id_token'), access_token: params.has('access_token') }).toEqual({
        code: parts.includes('code'), id_token: parts.includes('id_token'), access_token: parts.includes('token'),
      });
      if (parts.includes('id_token')) {
        const id = await expectIdToken(params.get('id_token'), nonce);
        if (parts.includes('token')) expect(id.at_hash).toEqual(expect.any(String));
        if (parts.includes('code')) expect(id.c_hash).toEqual(expect.any(String));
      }
      if (parts.includes('token')) {
        expect(params.get('token_type')).toBe('Bearer');
        expect((await callApi(params.get('access_token')!)).status).toBe(200);
      }
      if (parts.includes('code')) {
        const redeemed = await tokenRequest(idp, { grant_type: 'authorization_code', code: params.get('code')!, code_verifier: verifier, redirect_uri: APP.callback, client_id: APP.clientId, client_secret: APP.secret });
        expect(redeemed.status).toBe(200);
        expect((await callApi(redeemed.body.access_token!)).status).toBe(200);
      }
    });
  }
});

describe('response_type=token (the legacy implicit grant: an access token, no ID token)', () => {
  it('answers in the fragment with access_token, token_type, expires_in, scope, state and no id_token, without a nonce', async () => {
    const { answer } = await tokenOnlyLogin(USERS.alice);
    expect([...answer.keys()].sort()).toEqual(['access_token', 'expires_in', 'iss', 'scope', 'state', 'token_type']);
    expect(answer.get('token_type')).toBe('Bearer');
    expect(Number(answer.get('expires_in'))).toBeGreaterThan(0);
    expect(answer.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'read:orders']));
    const { payload } = await verify(idp, answer.get('access_token')!, API, 'JWT');
    expect(payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', azp: APP.clientId, permissions: ['read:orders', 'write:orders'] });
    expect(payload.aud).toEqual([API, `${idp.issuer}userinfo`]);
    expect(String(payload.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'read:orders']));
  });

  it('form_post: the posted form carries the access token and no id_token; the API enforces its permissions', async () => {
    const { answer } = await tokenOnlyLogin(USERS.bob, { response_mode: 'form_post' });
    expect(answer.has('id_token')).toBe(false);
    const token = answer.get('access_token')!;
    expect(decodeJwt(token).permissions).toEqual(['read:orders']);
    expect((await callApi(token)).status).toBe(200);
    expect((await callApi(token, 'POST')).status).toBe(403);
  });

  it('with openid the access token also calls /userinfo', async () => {
    const { answer } = await tokenOnlyLogin(USERS.alice);
    const userinfo = await fetch(`${idp.issuer}userinfo`, { headers: { authorization: `Bearer ${answer.get('access_token')}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1' });
  });

  it('without openid: neither the token nor the answer gains openid or the /userinfo audience', async () => {
    const { answer } = await tokenOnlyLogin(USERS.alice, { scope: 'read:orders' });
    expect(answer.get('scope')!.split(' ')).not.toContain('openid');
    const { payload } = await verify(idp, answer.get('access_token')!, API, 'JWT');
    expect(payload.aud).toBe(API);
    expect(payload.scope).toBe('read:orders');
  });

  it('web_message with prompt=none (auth0.js checkSession): posts the access token and no id_token', async () => {
    const { browser } = await tokenOnlyLogin(USERS.alice, {}, SPA);
    const { url } = tokenOnlyUrl(SPA, { response_mode: 'web_message', prompt: 'none' });
    const page = await browser.navigate(url);
    const data = /var data = (\{.*?\});\n/s.exec(page.body)?.[1];
    const { response } = JSON.parse(data!) as { response: Record<string, string> };
    expect(response.access_token).toEqual(expect.any(String));
    expect(response.id_token).toBeUndefined();
  });

  it('POST /authorize (a form) is translated alike: an access token, no id_token', async () => {
    const { url, state } = tokenOnlyUrl(APP);
    const browser = new HeadlessBrowser();
    const page = await browser.navigate(`${idp.issuer}authorize`, { method: 'POST', form: Object.fromEntries(new URL(url).searchParams), stopAt: APP.callback });
    const answer = answerOf(await submitLogin(browser, page, USERS.alice, APP.callback), APP.callback, undefined, 'token');
    expect(answer.get('state')).toBe(state);
    expect(answer.has('id_token')).toBe(false);
    expect((await callApi(answer.get('access_token')!)).status).toBe(200);
  });

  it('refuses response_mode=query: tokens never go in the query (invalid_request)', async () => {
    const { url } = tokenOnlyUrl(APP, { response_mode: 'query' });
    const page = await new HeadlessBrowser().navigate(url, { stopAt: APP.callback });
    const answer = answerOf(page, APP.callback);
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.has('access_token')).toBe(false);
  });

  it('refuses an application without the implicit grant, for token alone and the other front-channel types', async () => {
    for (const responseType of ['token', 'id_token', 'code id_token']) {
      const { url } = tokenOnlyUrl(CODE_ONLY, { response_type: responseType, nonce: 'n-1' });
      const answer = answerOf(await new HeadlessBrowser().navigate(url, { stopAt: CODE_ONLY.callback }), CODE_ONLY.callback);
      expect(answer.get('error'), responseType).toBe('invalid_request');
      expect(answer.get('error_description')).toMatch(/response_type/);
    }
  });

  it('a client cannot send the translation marker itself: id_token token keeps its ID token', async () => {
    const { params, nonce } = await loginWith('id_token token', { mock_idp_token_only: 'token' });
    await expectIdToken(params.get('id_token'), nonce);
  });
});

describe('nonce and response modes', () => {
  it('refuses an ID token in the front channel without a nonce (invalid_request)', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { scope: SCOPE, extra: { response_type: 'id_token', nonce: '' } });
    const answer = new URLSearchParams(new URL(page.url).hash.slice(1));
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toMatch(/nonce/);
  });

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

  it('discovery lists token alone among the response types, as Auth0 does', async () => {
    const discovery = (await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.response_types_supported).toEqual(['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);
    expect(discovery.response_modes_supported).toEqual(expect.arrayContaining(['query', 'fragment', 'form_post', 'web_message']));
  });
});

describe('PKCE', () => {
  /** A code flow with this challenge; returns the authorization answer and a redeemer. */
  async function codeWith(challenge: Record<string, string>, client: { clientId: string; callback: string; secret?: string } = APP, user: { username: string; password: string } = USERS.alice) {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { clientId: client.clientId, redirectUri: client.callback, extra: challenge });
    const answer = page.url.startsWith(client.callback) ? page : await submitLogin(browser, page, user, client.callback);
    const params = new URL(answer.url).searchParams;
    const redeem = (verifier: string) => tokenRequest(idp, {
      grant_type: 'authorization_code', code: params.get('code')!, code_verifier: verifier, redirect_uri: client.callback, client_id: client.clientId,
      ...(client.secret ? { client_secret: client.secret } : {}),
    });
    return { params, redeem };
  }
  const verifier = () => randomBytes(32).toString('base64url');

  it('plain: the verifier equal to the challenge gets tokens (a confidential client)', async () => {
    const plain = verifier();
    const { params, redeem } = await codeWith({ code_challenge: plain, code_challenge_method: 'plain' }, APP);
    expect(params.get('code')).toBeTruthy();
    const { status, body } = await redeem(plain);
    expect(status).toBe(200);
    expect(body.access_token).toEqual(expect.any(String));
  });

  it('plain: another verifier is 403 invalid_grant, and so is the S256 form of the challenge', async () => {
    const plain = verifier();
    const first = await codeWith({ code_challenge: plain, code_challenge_method: 'plain' }, APP);
    expect(await first.redeem(verifier())).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
    const second = await codeWith({ code_challenge: plain, code_challenge_method: 'plain' }, APP);
    expect((await second.redeem(createHash('sha256').update(plain).digest('base64url'))).status).toBe(403);
  });

  it('plain from a public client (SPA) is refused with invalid_request: S256 is required there', async () => {
    const { params } = await codeWith({ code_challenge: verifier(), code_challenge_method: 'plain' }, SPA);
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/code_challenge_method/);
    expect(params.has('code')).toBe(false);
  });

  it('an unknown method is invalid_request', async () => {
    const { params } = await codeWith({ code_challenge: verifier(), code_challenge_method: 'RS256' }, APP);
    expect(params.get('error')).toBe('invalid_request');
    expect(params.has('code')).toBe(false);
  });

  it('a malformed plain challenge is invalid_request, not a code whose verifier cannot exist', async () => {
    const { params } = await codeWith({ code_challenge: 'too-short', code_challenge_method: 'plain' }, APP);
    expect(params.get('error')).toBe('invalid_request');
  });

  it('S256 still checks the verifier for a confidential client', async () => {
    const { redeem } = await codeWith({ code_challenge: pkce().challenge, code_challenge_method: 'S256' }, APP, USERS.bob);
    expect(await redeem(verifier())).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
  });

  it('discovery lists S256 and plain, as Auth0 does', async () => {
    const discovery = (await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.code_challenge_methods_supported).toEqual(['S256', 'plain']);
  });

  it('the tenant decides who may send plain: pkce.plain all (public clients too) or never (S256 only)', async () => {
    const discoveredMethods = async () => ((await (await fetch(`${idp.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>).code_challenge_methods_supported;
    try {
      await idp.updateTenant((draft) => ({ ...draft, pkce: { plain: 'all' } }));
      const plain = verifier();
      const spa = await codeWith({ code_challenge: plain, code_challenge_method: 'plain' }, SPA);
      expect((await spa.redeem(plain)).status).toBe(200);

      await idp.updateTenant((draft) => ({ ...draft, pkce: { plain: 'never' } }));
      const refused = await codeWith({ code_challenge: verifier(), code_challenge_method: 'plain' }, APP);
      expect(refused.params.get('error')).toBe('invalid_request');
      expect(await discoveredMethods()).toEqual(['S256']);
    } finally {
      await idp.updateTenant((draft) => ({ ...draft, pkce: { plain: 'confidential' } }));
    }
  });
});
