/** Auth0 reads JSON bodies at /oauth/token and /oauth/revoke (its docs' curl examples; auth0-spa-js with useFormData: false). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, codeFlow, refreshRequest, SPA, USERS, verify, WORKER } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${idp.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('JSON bodies at the token and revocation endpoints', () => {
  it('answers a client-credentials request sent as JSON, as in Auth0 docs, with a verifiable M2M token', async () => {
    const response = await postJson('oauth/token', { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const { payload } = await verify(idp, access_token, API, 'JWT');
    expect(payload).toMatchObject({ sub: `${WORKER.clientId}@clients`, gty: 'client-credentials' });
  });

  it('refreshes a SPA token sent as JSON from its web origin (auth0-spa-js with useFormData: false), rotating it', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const response = await postJson('oauth/token', { grant_type: 'refresh_token', client_id: SPA.clientId, refresh_token: tokens.body.refresh_token, redirect_uri: SPA.callback }, { origin: 'http://localhost:5173' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const body = (await response.json()) as { refresh_token: string };
    expect(body.refresh_token).not.toBe(tokens.body.refresh_token);
  });

  it('revokes a refresh token sent as JSON, after which it answers 400 invalid_grant', async () => {
    const { tokens } = await codeFlow(idp, USERS.bob, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const revoked = await postJson('oauth/revoke', { client_id: SPA.clientId, token: tokens.body.refresh_token, token_type_hint: 'refresh_token' });
    expect(revoked.status).toBe(200);
    expect((await refreshRequest(idp, tokens.body.refresh_token!, { clientId: SPA.clientId })).body.error).toBe('invalid_grant');
  });

  it('writes numbers and booleans as text, and still reports OAuth errors from a JSON request as JSON', async () => {
    const response = await postJson('oauth/token', { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: 42, audience: API });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('keeps the connection usable: several JSON requests in a row on one keep-alive connection', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await postJson('oauth/token', { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  });
});
