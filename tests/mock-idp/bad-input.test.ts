/** Requests that once made the mock answer 500 (found by fuzzing): each is now a 4xx that says what is wrong, and the mock keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, USERS } from '../helpers/oauth.js';
import { rawRequest } from '../helpers/raw-request.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

async function send(method: string, path: string, init: { type?: string; body?: string; cookie?: string } = {}) {
  const response = await fetch(`${idp.issuer}${path.replace(/^\//, '')}`, {
    method,
    redirect: 'manual',
    headers: { ...(init.type ? { 'content-type': init.type } : {}), ...(init.cookie ? { cookie: init.cookie } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, text };
}

describe('the device pages without the browser session GET /activate began', () => {
  it('answers POST /activate without a session with 400 invalid_request, not 500', async () => {
    const { status, text } = await send('POST', '/activate', { type: 'application/x-www-form-urlencoded', body: 'user_code=ABCD-EFGH' });
    expect(status).toBe(400);
    expect(text).toContain('invalid_request');
  });

  it('answers GET /activate/<unknown> without a session with 400 invalid_request, not 500', async () => {
    expect((await send('GET', '/activate/not-a-real-uid')).status).toBe(400);
  });

  it('still serves GET /activate, the page that begins the session', async () => {
    expect((await send('GET', '/activate')).status).toBe(200);
  });
});

describe('JSON nested thousands deep at the admin API', () => {
  it.each([
    ['POST', '/_mock/users', deep(5000)],
    ['POST', '/_mock/tokens', `{"user":"${USERS.alice.username}","audience":"${API}","claims":{"a":${deep(5000)}}}`],
    ['PATCH', `/_mock/users/${USERS.alice.username}`, `{"claims":{"a":${deep(5000)}}}`],
  ])('refuses %s %s with 400 invalid_request instead of overflowing the stack', async (method, path, body) => {
    const { status, text } = await send(method, path, { type: 'application/json', body });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_request' });
  });

  it('still takes JSON as deep as a tenant entry needs', async () => {
    const claims = { 'https://example.com/org': { team: { roles: ['a'] } } };
    const { status } = await send('PATCH', `/_mock/users/${USERS.bob.username}`, { type: 'application/json', body: JSON.stringify({ claims }) });
    expect(status).toBe(200);
  });
});

describe('a Host header no URL can be built from', () => {
  const raw = async (path: string, host: string) => (await rawRequest(idp.port, path, { headers: { host } })).status;

  it.each([['['], ['xn--'], ["' OR 1=1 --\thttp://evil.example"], ['a b']])('answers discovery and /oidc/logout for Host %j with 400, not 500', async (host) => {
    expect(await raw('/.well-known/openid-configuration', host)).toBe(400);
    expect(await raw('/oidc/logout', host)).toBe(400);
  });

  it('serves a well-formed Host: a name, an IPv4 or an IPv6 literal with a port', async () => {
    for (const host of ['localhost', `127.0.0.1:${idp.port}`, `[::1]:${idp.port}`]) expect(await raw('/.well-known/openid-configuration', host)).toBe(200);
  });
});

describe('GET /authorize/<uid> (a login resuming) with parameters and no login in progress', () => {
  it('answers 400 invalid_request, not 500', async () => {
    const { status, text } = await send('GET', '/authorize/some-uid?client_id=sample-spa&response_type=code&scope=openid&response_mode=web_message');
    expect(status).toBe(400);
    expect(text).toContain('invalid_request');
  });
});

describe('bodies at POST /oauth/token: the same answer whatever their type', () => {
  const FORM = 'application/x-www-form-urlencoded';
  const JSON_TYPE = 'application/json';
  const missingGrantType = { error: 'invalid_request', error_description: 'Missing required parameter: grant_type' };
  const token = (init: { type?: string; body?: string }) => send('POST', '/oauth/token', init);

  it.each([
    ['an empty form', { type: FORM, body: '' }],
    ['an empty JSON body', { type: JSON_TYPE, body: '' }],
    ['a JSON body {}', { type: JSON_TYPE, body: '{}' }],
    ['no body and no content type', {}],
  ])('answers %s with 400 invalid_request naming the missing grant_type', async (_, init) => {
    const { status, text } = await token(init);
    expect({ status, body: JSON.parse(text) }).toEqual({ status: 400, body: missingGrantType });
  });

  it.each([
    ['a form', FORM, `audience=${'x'.repeat(60 * 1024)}`],
    ['a JSON body', JSON_TYPE, JSON.stringify({ audience: 'x'.repeat(60 * 1024) })],
  ])('answers %s over 56 KiB with 413 invalid_request', async (_, type, body) => {
    const { status, text } = await token({ type, body });
    expect({ status, error: JSON.parse(text).error }).toEqual({ status: 413, error: 'invalid_request' });
  });

  it('answers a text/plain body with 400 invalid_request', async () => {
    const { status, text } = await token({ type: 'text/plain', body: 'grant_type=client_credentials' });
    expect({ status, error: JSON.parse(text).error }).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('still issues tokens for a form or a JSON body just under the limit', async () => {
    const fields = { grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'orders-worker-secret', audience: API, padding: 'x'.repeat(50 * 1024) };
    expect((await token({ type: FORM, body: new URLSearchParams(fields).toString() })).status).toBe(200);
    expect((await token({ type: JSON_TYPE, body: JSON.stringify(fields) })).status).toBe(200);
  });
});
