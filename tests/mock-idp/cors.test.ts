import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { codeFlow, SPA, USERS } from '../helpers/oauth.js';

/** sample-spa's Allowed Web Origin in the fixture tenant. */
const SPA_ORIGIN = 'http://localhost:5173';
/** Allowed for sample-app only (set below), so a preflight passes but sample-spa's requests do not. */
const OTHER_APP_ORIGIN = 'http://localhost:8080';
const STRANGER = 'http://evil.example';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  await idp.updateTenant((draft) => {
    draft.applications!.find((a) => a.clientId === 'sample-app')!.webOrigins = [OTHER_APP_ORIGIN];
  });
});
afterAll(() => idp.close());

function corsHeaders(response: Response): Record<string, string> {
  const found: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) found[name] = value;
  });
  return found;
}

function preflight(path: string, origin: string) {
  return fetch(`${idp.issuer}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,auth0-client' },
  });
}

/** A refresh token of sample-spa (public client), from a real login. */
async function spaRefreshToken(): Promise<string> {
  const { tokens } = await codeFlow(idp, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback });
  return tokens.body.refresh_token!;
}

function postForm(path: string, origin: string, form: Record<string, string>) {
  return fetch(`${idp.issuer}${path}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

describe('CORS on the token, userinfo and revocation endpoints: Allowed Web Origins only', () => {
  it.each(['oauth/token', 'userinfo', 'oauth/revoke'])('answers a preflight to /%s from an Allowed Web Origin, allowing the Auth0-Client header', async (path) => {
    const response = await preflight(path, SPA_ORIGIN);
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toMatchObject({ 'access-control-allow-origin': SPA_ORIGIN });
    expect(corsHeaders(response)['access-control-allow-headers']).toContain('auth0-client');
  });

  it.each(['oauth/token', 'userinfo', 'oauth/revoke'])('refuses a preflight to /%s from an origin no application allows: 403, no CORS headers', async (path) => {
    const response = await preflight(path, STRANGER);
    expect(response.status).toBe(403);
    expect(corsHeaders(response)).toEqual({});
    expect(idp.events().at(-1)).toMatchObject({ type: 'cors.refused', error: 'invalid_request' });
  });

  it("lets sample-spa's origin refresh a token from the browser (Access-Control-Allow-Origin on the 200)", async () => {
    const response = await postForm('oauth/token', SPA_ORIGIN, { grant_type: 'refresh_token', client_id: SPA.clientId, refresh_token: await spaRefreshToken() });
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toMatchObject({ 'access-control-allow-origin': SPA_ORIGIN });
  });

  it("refuses a token request from another application's web origin with 400 invalid_request and no Access-Control-Allow-Origin", async () => {
    expect((await preflight('oauth/token', OTHER_APP_ORIGIN)).status).toBe(204);
    const response = await postForm('oauth/token', OTHER_APP_ORIGIN, { grant_type: 'refresh_token', client_id: SPA.clientId, refresh_token: await spaRefreshToken() });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(corsHeaders(response)['access-control-allow-origin']).toBeUndefined();
  });

  it('does not count callback URLs as web origins: without webOrigins the SPA origin is refused', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      await own.updateTenant((draft) => {
        draft.applications!.find((a) => a.clientId === SPA.clientId)!.webOrigins = [];
      });
      const response = await fetch(`${own.issuer}oauth/token`, {
        method: 'OPTIONS',
        headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST' },
      });
      expect(response.status).toBe(403);
      expect(corsHeaders(response)).toEqual({});
    } finally {
      await own.close();
    }
  });

  it("revokes a refresh token from sample-spa's origin with CORS headers", async () => {
    const response = await postForm('oauth/revoke', SPA_ORIGIN, { token: await spaRefreshToken(), client_id: SPA.clientId, token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toMatchObject({ 'access-control-allow-origin': SPA_ORIGIN });
  });

  it("answers the JWT /userinfo for the token's own application origin, and refuses another application's origin with 400 invalid_request", async () => {
    const { tokens } = await codeFlow(idp, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const userinfo = (origin: string) => fetch(`${idp.issuer}userinfo`, { headers: { origin, authorization: `Bearer ${tokens.body.access_token}` } });

    const allowed = await userinfo(SPA_ORIGIN);
    expect(allowed.status).toBe(200);
    expect(corsHeaders(allowed)).toMatchObject({ 'access-control-allow-origin': SPA_ORIGIN, 'access-control-expose-headers': 'WWW-Authenticate' });
    expect(await allowed.json()).toMatchObject({ email: 'alice@example.com' });

    const other = await userinfo(OTHER_APP_ORIGIN);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: 'invalid_request' });
    expect(corsHeaders(other)['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps discovery and the JWKS readable from any origin (they are public, as on Auth0)', async () => {
    for (const path of ['.well-known/openid-configuration', '.well-known/jwks.json']) {
      const response = await fetch(`${idp.issuer}${path}`, { headers: { origin: STRANGER } });
      expect(response.status).toBe(200);
      expect(corsHeaders(response)).toMatchObject({ 'access-control-allow-origin': STRANGER });
    }
  });
});
