import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, pkce, refreshRequest, startAuthorize, submitLogin, tokenRequest, USERS, WORKER } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const FORM = 'application/x-www-form-urlencoded';
const appAuth = `client_id=${APP.clientId}&client_secret=${APP.secret}`;
const workerAuth = `client_id=${WORKER.clientId}&client_secret=${WORKER.secret}`;

/** POSTs anything to /oauth/token and returns status, content type and the parsed JSON body. */
async function postToken(init: { contentType?: string; body?: string; headers?: Record<string, string> }) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(`${idp.issuer}oauth/token`, { method: 'POST', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json: json as { error?: unknown } | undefined, text };
}

/** Every error answer of the token endpoint: a 4xx with a JSON body whose `error` is a string. */
async function expectOAuthError(init: Parameters<typeof postToken>[0], status: number, error: string) {
  const answer = await postToken(init);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.json, answer.text).toBeDefined();
  expect(typeof answer.json?.error).toBe('string');
  expect({ status: answer.status, error: answer.json?.error }).toEqual({ status, error });
  return answer;
}

/** Logs bob in and returns a fresh code with its verifier. */
async function freshCode() {
  const browser = new HeadlessBrowser();
  const { page, verifier, redirectUri } = await startAuthorize(idp, browser);
  const callback = await submitLogin(browser, page, USERS.bob, redirectUri);
  return { code: new URL(callback.url).searchParams.get('code')!, verifier, redirectUri };
}

function redeem(code: string, verifier: string, redirectUri: string = APP.callback) {
  return tokenRequest(idp, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: APP.clientId, client_secret: APP.secret });
}

describe('POST /oauth/token with garbage', () => {
  // Auth0 also reads JSON bodies here (see json-bodies.test.ts); only a JSON object of plain values is a request.
  it('refuses a JSON body that is not an object of plain values with 400 invalid_request', async () => {
    await expectOAuthError({ contentType: 'application/json', body: '{"grant_type":' }, 400, 'invalid_request');
    await expectOAuthError({ contentType: 'application/json', body: '["client_credentials"]' }, 400, 'invalid_request');
    await expectOAuthError({ contentType: 'application/json', body: JSON.stringify({ grant_type: 'client_credentials', audience: [API] }) }, 400, 'invalid_request');
    await expectOAuthError({ contentType: 'application/json', body: 'null' }, 400, 'invalid_request');
  });

  it('refuses a request without a body with 400 invalid_request', async () => {
    await expectOAuthError({}, 400, 'invalid_request');
    await expectOAuthError({ contentType: FORM, body: '' }, 400, 'invalid_request');
  });

  it('refuses a request without grant_type with 400 invalid_request', async () => {
    await expectOAuthError({ contentType: FORM, body: appAuth }, 400, 'invalid_request');
  });

  it('refuses an unknown grant_type with 400 unsupported_grant_type', async () => {
    await expectOAuthError({ contentType: FORM, body: `grant_type=magic&${appAuth}` }, 400, 'unsupported_grant_type');
    // Token exchange (RFC 8693) is not offered by the mock (docs/auth0-differences.md).
    await expectOAuthError({ contentType: FORM, body: `grant_type=${encodeURIComponent('urn:ietf:params:oauth:grant-type:token-exchange')}&subject_token=x&${appAuth}` }, 400, 'unsupported_grant_type');
  });

  it('refuses repeated parameters with 400 invalid_request', async () => {
    await expectOAuthError({ contentType: FORM, body: `grant_type=client_credentials&grant_type=client_credentials&${workerAuth}&audience=${API}` }, 400, 'invalid_request');
    await expectOAuthError({ contentType: FORM, body: `grant_type=client_credentials&${workerAuth}&client_id=${WORKER.clientId}&audience=${API}` }, 400, 'invalid_request');
  });

  it('refuses two client authentication methods at once (basic and post) with 400 invalid_request', async () => {
    const basic = `Basic ${Buffer.from(`${WORKER.clientId}:${WORKER.secret}`).toString('base64')}`;
    await expectOAuthError({ contentType: FORM, body: `grant_type=client_credentials&${workerAuth}&audience=${API}`, headers: { authorization: basic } }, 400, 'invalid_request');
  });

  it('refuses a malformed Basic authorization header with 400 invalid_request', async () => {
    await expectOAuthError({ contentType: FORM, body: 'grant_type=client_credentials', headers: { authorization: 'Basic !!!' } }, 400, 'invalid_request');
  });

  it('refuses a refresh_token grant without refresh_token with 400 invalid_request', async () => {
    await expectOAuthError({ contentType: FORM, body: `grant_type=refresh_token&${appAuth}` }, 400, 'invalid_request');
  });

  it('refuses an oversized body with a 4xx JSON error', async () => {
    const answer = await postToken({ contentType: FORM, body: `grant_type=${'a'.repeat(200_000)}&${appAuth}` });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(typeof answer.json?.error).toBe('string');
  });

  it('never answers 5xx: every garbage request gets a 4xx JSON error', async () => {
    const garbage: Parameters<typeof postToken>[0][] = [
      { contentType: 'text/plain', body: 'grant_type=client_credentials' },
      { contentType: 'application/xml', body: '<grant_type>client_credentials</grant_type>' },
      { contentType: FORM, body: '%%%&grant_type=%E0%A4%A' },
      { contentType: FORM, body: '&&&===' },
      { contentType: FORM, body: `grant_type=&client_id=&client_secret=` },
      { contentType: FORM, body: `grant_type=authorization_code&${appAuth}` },
      { contentType: FORM, body: `grant_type=client_credentials&${workerAuth}&resource=${API}&resource=https://other.example` },
      { contentType: FORM, body: `grant_type=refresh_token&refresh_token=${'x'.repeat(5000)}&${appAuth}` },
      { contentType: FORM, body: `grant_type=client_credentials&${workerAuth}&audience=${API}&scope=${encodeURIComponent('"<script>')}` },
      { contentType: FORM, body: 'grant_type=client_credentials', headers: { authorization: `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}` } },
      { contentType: FORM, body: 'grant_type=client_credentials', headers: { authorization: 'Bearer abc' } },
    ];
    for (const init of garbage) {
      const answer = await postToken(init);
      expect(answer.status, `${init.body} -> ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${init.body} -> ${answer.text}`).toBeLessThan(500);
      expect(typeof answer.json?.error, `${init.body} -> ${answer.text}`).toBe('string');
    }
  });
});

describe('POST /oauth/token: authorization codes', () => {
  // Auth0's bodies (confirmed by a real-tenant recording and SDK fixtures): 403, not oidc-provider's 400 "grant request is invalid".
  it('refuses an invalid code with 403 invalid_grant "Invalid authorization code"', async () => {
    const { status, body } = await redeem('not-a-code', pkce().verifier);
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it('refuses a wrong code_verifier with 403 invalid_grant "Failed to verify code verifier"', async () => {
    const { code } = await freshCode();
    const { status, body } = await redeem(code, pkce().verifier);
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
  });

  it('refuses a redirect_uri other than the one the code was issued for with 403 invalid_grant "Invalid authorization code"', async () => {
    const { code, verifier } = await freshCode();
    const { status, body } = await redeem(code, verifier, 'http://localhost:3000/other');
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it('refuses a code redeemed twice with 403 invalid_grant and revokes what the first redemption issued', async () => {
    const { code, verifier } = await freshCode();
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    const second = await redeem(code, verifier);
    expect({ status: second.status, body: second.body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
    // RFC 6749 §4.1.2: a replayed code may mean it leaked; the grant behind it is revoked.
    const refreshed = await refreshRequest(idp, first.body.refresh_token!);
    expect({ status: refreshed.status, body: refreshed.body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
  });

  it('refuses a code redeemed by another client with 403 invalid_grant "Invalid authorization code"', async () => {
    const { code, verifier, redirectUri } = await freshCode();
    const { status, body } = await tokenRequest(idp, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: 'sample-spa' });
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });
});

describe('GET /userinfo with a bad bearer token', () => {
  for (const [name, token] of [
    ['an opaque garbage token', 'garbage'],
    ['a JWT-shaped garbage token', 'a.b.c'],
    ['an unsigned at+jwt', `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`],
  ] as const) {
    it(`answers ${name} with 401 invalid_token and a WWW-Authenticate challenge`, async () => {
      const response = await fetch(`${idp.issuer}userinfo`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
    });
  }

  it('answers a request without a token with 401 and a WWW-Authenticate challenge', async () => {
    const response = await fetch(`${idp.issuer}userinfo`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});

describe("Auth0's error bodies in the event log", () => {
  it('logs the error code the application got: access_denied for a wrong secret, invalid_grant for a bad refresh token', async () => {
    const since = idp.events().length;
    const wrongSecret = await tokenRequest(idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: 'wrong', audience: API });
    expect(wrongSecret).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    const unknownRefresh = await refreshRequest(idp, 'not-a-refresh-token');
    expect(unknownRefresh).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
    const errors = idp.events().slice(since).filter((e) => e.type === 'grant.error');
    expect(errors.map((e) => [e.error, e.detail])).toEqual([
      ['access_denied', { grant_type: 'client_credentials', reason: expect.any(String) }],
      ['invalid_grant', { grant_type: 'refresh_token', reason: expect.any(String) }],
    ]);
  });
});
