import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, clientCredentialsRequest, tokenRequest, WORKER } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

describe('client credentials (machine to machine)', () => {
  it('issues orders-worker an Auth0-shaped M2M access token that verifies against the served JWKS', async () => {
    const { status, body } = await clientCredentialsRequest(idp);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeUndefined();

    const token = body.access_token!;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: idp.keys()[0]!.kid });
    const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
    const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: API, algorithms: ['RS256'], typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: idp.issuer,
      sub: `${WORKER.clientId}@clients`,
      aud: API,
      azp: WORKER.clientId,
      gty: 'client-credentials',
      scope: 'read:orders',
      permissions: ['read:orders'],
    });
    expect(payload.client_id).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBe(idp.tenant.apis[0]!.tokenLifetime);
  });

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const { status, body } = await clientCredentialsRequest(idp, {}, { id: WORKER.clientId, secret: WORKER.secret });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!)).toMatchObject({ sub: `${WORKER.clientId}@clients`, aud: API });
  });

  it('grants a requested scope within the client grant', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { scope: 'read:orders' });
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!)).toMatchObject({ scope: 'read:orders', permissions: ['read:orders'] });
  });

  it('refuses a wrong client secret with 401 access_denied Unauthorized (as Auth0)', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { client_secret: 'not-the-secret' });
    expect({ status, body }).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
  });

  it('refuses a wrong client secret sent with client_secret_basic with 401 access_denied Unauthorized (as Auth0)', async () => {
    const { status, body } = await clientCredentialsRequest(idp, {}, { id: WORKER.clientId, secret: 'not-the-secret' });
    expect({ status, body }).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
  });

  it('refuses an unknown client with 401 access_denied Unauthorized (as Auth0)', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { client_id: 'no-such-client' });
    expect({ status, body }).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
  });

  it('refuses a request without audience with 403 access_denied', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { audience: '' });
    expect(status).toBe(403);
    expect(body.error).toBe('access_denied');
  });

  it('refuses an unknown audience with 403 access_denied', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { audience: 'https://unknown.example.com' });
    expect(status).toBe(403);
    expect(body.error).toBe('access_denied');
  });

  it('refuses a scope outside the client grant with 403 access_denied (as Auth0; it does not narrow the scope silently)', async () => {
    for (const scope of ['write:orders', 'read:orders write:orders', 'openid']) {
      const { status, body } = await clientCredentialsRequest(idp, { scope });
      expect(status).toBe(403);
      expect(body.error).toBe('access_denied');
    }
  });

  it('refuses an audience given twice with 400 invalid_request', async () => {
    const response = await fetch(`${idp.issuer}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${WORKER.clientId}&client_secret=${WORKER.secret}&audience=${API}&audience=${API}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  // Auth0 answers 403 {"error":"unauthorized_client","error_description":"Grant type 'client_credentials' not allowed for the client."};
  // oidc-provider on its own answers 400 invalid_request.
  it('refuses a client that is not allowed the client_credentials grant (sample-app) with 403 unauthorized_client', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { client_id: APP.clientId, client_secret: APP.secret });
    expect(status).toBe(403);
    expect(body.error).toBe('unauthorized_client');
    // The event log says what the client was told.
    expect(idp.events().filter((e) => e.type === 'grant.error').at(-1)).toMatchObject({ clientId: APP.clientId, error: 'unauthorized_client' });
  });

  it('refuses the authorization_code grant to the M2M client with 403 unauthorized_client', async () => {
    const { status, body } = await tokenRequest(idp, {
      grant_type: 'authorization_code', code: 'whatever', redirect_uri: 'http://localhost:3000/callback', client_id: WORKER.clientId, client_secret: WORKER.secret,
    });
    expect(status).toBe(403);
    expect(body.error).toBe('unauthorized_client');
  });

  it('checks client authentication before the grant type: a wrong secret is still 401 access_denied (as Auth0)', async () => {
    const { status, body } = await clientCredentialsRequest(idp, { client_id: APP.clientId, client_secret: 'wrong' });
    expect({ status, body }).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
  });
});
