import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, SPA, USERS, verify } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

describe('authorization code flow', () => {
  it('issues an Auth0-shaped access token: at+jwt, aud [API, userinfo], azp, scope and RBAC permissions', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    expect(tokens.status).toBe(200);
    const at = tokens.body.access_token!;
    expect(decodeProtectedHeader(at)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: idp.keys()[0]!.kid });
    const { payload } = await verify(idp, at, API, 'JWT');
    expect(payload).toMatchObject({
      iss: idp.issuer,
      sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1',
      aud: [API, `${idp.issuer}userinfo`],
      azp: APP.clientId,
      permissions: ['read:orders', 'write:orders'],
      'https://example.com/department': 'operations',
    });
    expect(String(payload.scope).split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile', 'read:orders', 'write:orders']);
    expect(payload.exp! - payload.iat!).toBe(86400);
  });

  it('issues an ID token with nonce, profile, email and sid for the application', async () => {
    const { tokens, nonce } = await codeFlow(idp, USERS.alice);
    const { payload } = await verify(idp, tokens.body.id_token!, APP.clientId);
    expect(payload).toMatchObject({
      iss: idp.issuer, aud: APP.clientId, nonce, name: 'Alice Admin', email: 'alice@example.com', email_verified: true,
      picture: 'https://s.gravatar.com/avatar/alice.png',
    });
    expect(typeof payload.sid).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(36000);
  });

  it('grants only the requested permissions the user has (RBAC): bob asks for write:orders and gets read:orders', async () => {
    const { tokens } = await codeFlow(idp, USERS.bob);
    const payload = decodeJwt(tokens.body.access_token!);
    expect(payload.permissions).toEqual(['read:orders']);
    expect(String(payload.scope).split(' ')).not.toContain('write:orders');
    expect(String(payload.scope).split(' ')).toContain('read:orders');
  });

  it('serves /userinfo for an access token whose aud includes <issuer>userinfo', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    const response = await fetch(`${idp.issuer}userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: 'alice@example.com', name: 'Alice Admin' });
  });

  it('takes the access token at /userinfo as ?access_token= too, as Auth0 does (passport-auth0 sends it so), for JWT and opaque tokens', async () => {
    const [jwt, opaque] = await Promise.all([codeFlow(idp, USERS.alice), codeFlow(idp, USERS.bob, { audience: '', scope: 'openid profile email' })]);
    expect(jwt.tokens.body.access_token!.split('.')).toHaveLength(3);
    expect(opaque.tokens.body.access_token!.split('.')).toHaveLength(1);
    for (const [{ tokens }, sub] of [[jwt, 'auth0|65a1f0c2e4b0a1b2c3d4e5f1'], [opaque, 'auth0|65a1f0c2e4b0a1b2c3d4e5f2']] as const) {
      const response = await fetch(`${idp.issuer}userinfo?${new URLSearchParams({ access_token: tokens.body.access_token! })}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub });
    }
    // One mechanism only (RFC 6750 section 2): header and query together are refused.
    const both = await fetch(`${idp.issuer}userinfo?${new URLSearchParams({ access_token: jwt.tokens.body.access_token! })}`, { headers: { authorization: `Bearer ${jwt.tokens.body.access_token}` } });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
    // A bad token there is refused as in the header.
    expect((await fetch(`${idp.issuer}userinfo?access_token=${jwt.tokens.body.access_token!.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it('runs the public SPA client with PKCE and no secret', async () => {
    const { tokens } = await codeFlow(idp, USERS.carol, { clientId: SPA.clientId, redirectUri: SPA.callback });
    expect(tokens.status).toBe(200);
    const payload = decodeJwt(tokens.body.access_token!);
    expect(payload).toMatchObject({ azp: SPA.clientId, permissions: [] });
  });
});
