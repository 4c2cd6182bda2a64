import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startMockIdp, type MockIdp, type TenantInput } from '../../mock-idp/index.js';
import { API, APP, codeFlow, refreshRequest, revokeRequest, SPA, USERS, verify, WORKER } from '../helpers/oauth.js';
import { app, tenantWith } from './tenants.js';

/** Logs alice in to sample-app (offline_access requested) and returns her first refresh token. */
async function firstRefreshToken(idp: MockIdp): Promise<string> {
  const { tokens } = await codeFlow(idp, USERS.alice);
  expect(tokens.status).toBe(200);
  expect(typeof tokens.body.refresh_token).toBe('string');
  return tokens.body.refresh_token!;
}

/** Refreshes and expects success; returns the refresh token the answer carries. */
async function rotate(idp: MockIdp, refreshToken: string): Promise<string> {
  const { status, body } = await refreshRequest(idp, refreshToken);
  expect(status).toBe(200);
  expect(typeof body.refresh_token).toBe('string');
  return body.refresh_token!;
}

async function expectInvalidGrant(idp: MockIdp, refreshToken: string) {
  const { status, body } = await refreshRequest(idp, refreshToken);
  // Auth0's answer, confirmed: 403 and this exact text (auth0-spa-js's iframe fallback looks for "invalid refresh token").
  expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
}

/** Runs `test` against its own mock IdP for this tenant, and closes it. */
async function withIdp(tenant: TenantInput, test: (idp: MockIdp) => Promise<void>): Promise<void> {
  const idp = await startMockIdp({ port: 0, tenant });
  try {
    await test(idp);
  } finally {
    await idp.close();
  }
}

/** A tenant whose sample-app has this refresh-token policy. */
function sampleAppPolicy(policy: NonNullable<NonNullable<TenantInput['applications']>[number]['refreshToken']>): TenantInput {
  return tenantWith((apps) => {
    app(apps, APP.clientId).refreshToken = policy;
  });
}

describe('refresh tokens (fixture tenant: rotation on, no reuse interval)', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0 });
  });
  afterAll(() => idp.close());

  it('rotates: every refresh answers 200 with a new refresh token', async () => {
    const first = await firstRefreshToken(idp);
    const second = await rotate(idp, first);
    const third = await rotate(idp, second);
    expect(new Set([first, second, third]).size).toBe(3);
  });

  it('rejects reuse of a rotated refresh token with 403 invalid_grant (as Auth0) and revokes the whole family', async () => {
    const first = await firstRefreshToken(idp);
    const newest = await rotate(idp, first);
    await expectInvalidGrant(idp, first);
    // Reuse detection: the thief and the user share a family, so the newest token dies too.
    await expectInvalidGrant(idp, newest);
  });

  it('keeps the access token claims shape on refresh: aud [API, userinfo], azp, scope and RBAC permissions', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    const original = decodeJwt(tokens.body.access_token!);
    const refreshed = await refreshRequest(idp, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    const { payload } = await verify(idp, refreshed.body.access_token!, API, 'JWT');
    const shape = ({ iat: _iat, exp: _exp, jti: _jti, ...rest }: Record<string, unknown>) => rest;
    expect(shape(payload)).toEqual(shape(original));
    expect(payload).toMatchObject({ azp: APP.clientId, aud: [API, `${idp.issuer}userinfo`], permissions: ['read:orders', 'write:orders'] });
    expect(decodeJwt(refreshed.body.id_token!)).toMatchObject({ aud: APP.clientId, sub: original.sub });
  });

  it('rotates the refresh token of a public client (SPA) without a secret', async () => {
    const { tokens } = await codeFlow(idp, USERS.bob, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const first = tokens.body.refresh_token!;
    const { status, body } = await refreshRequest(idp, first, { clientId: SPA.clientId });
    expect(status).toBe(200);
    expect(body.refresh_token).not.toBe(first);
    expect(decodeJwt(body.access_token!)).toMatchObject({ azp: SPA.clientId, permissions: ['read:orders'] });
  });

  it('answers 200 to POST /oauth/revoke and then refuses the revoked refresh token with 403 invalid_grant (as Auth0)', async () => {
    const refreshToken = await firstRefreshToken(idp);
    const revoked = await revokeRequest(idp, refreshToken);
    expect(revoked.status).toBe(200);
    await expectInvalidGrant(idp, refreshToken);
  });

  it('refuses POST /oauth/revoke without client authentication (401 invalid_client) and keeps the token', async () => {
    const refreshToken = await firstRefreshToken(idp);
    const revoked = await revokeRequest(idp, refreshToken, { clientId: APP.clientId, secret: 'wrong-secret' });
    expect(revoked.status).toBe(401);
    expect(revoked.body?.error).toBe('invalid_client');
    await rotate(idp, refreshToken);
  });

  it("refuses to let another application revoke a refresh token (400 invalid_request) and the token keeps working", async () => {
    const refreshToken = await firstRefreshToken(idp);
    const revoked = await revokeRequest(idp, refreshToken, { clientId: WORKER.clientId, secret: WORKER.secret });
    expect(revoked.status).toBe(400);
    expect(revoked.body?.error).toBe('invalid_request');
    await rotate(idp, refreshToken);
  });

  it("refuses a refresh token presented by another client with 403 invalid_grant (as Auth0) (and it stays usable by its own client)", async () => {
    const refreshToken = await firstRefreshToken(idp);
    const { status, body } = await refreshRequest(idp, refreshToken, { clientId: SPA.clientId });
    expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
    await rotate(idp, refreshToken);
  });

  it('refuses an unknown refresh token with 403 invalid_grant (as Auth0)', async () => {
    await expectInvalidGrant(idp, 'not-a-refresh-token');
  });
});

// Each test runs its own IdP (and clock), so they run concurrently.
describe.concurrent('refresh tokens with a per-application policy', () => {

  it('lets the immediately previous refresh token be exchanged again within the reuse interval, more than once (200, a new token each time)', async () => {
    await withIdp(sampleAppPolicy({ rotation: true, reuseInterval: 5 }), async (idp) => {
      const first = await firstRefreshToken(idp);
      const second = await rotate(idp, first);
      // A client that lost the answer (network error, two tabs) retries with the token it still has; Auth0: "a new rotating refresh token is issued".
      const retried = await rotate(idp, first);
      const again = await rotate(idp, first);
      expect(new Set([second, retried, again]).size).toBe(3);
      // The family is intact: the other branches still work.
      await rotate(idp, second);
    });
  });

  it('trips reuse detection on a reuse of the previous token after the reuse interval and revokes the family', async () => {
    await withIdp(sampleAppPolicy({ rotation: true, reuseInterval: 5 }), async (idp) => {
      const first = await firstRefreshToken(idp);
      const second = await rotate(idp, first);
      idp.clock.advance(6);
      await expectInvalidGrant(idp, first);
      await expectInvalidGrant(idp, second);
    });
  });

  it('trips reuse detection on an older token than the previous one, even within the reuse interval', async () => {
    await withIdp(sampleAppPolicy({ rotation: true, reuseInterval: 5 }), async (idp) => {
      const first = await firstRefreshToken(idp);
      const second = await rotate(idp, first);
      const third = await rotate(idp, second);
      await expectInvalidGrant(idp, first);
      await expectInvalidGrant(idp, third);
    });
  });

  it('keeps the same refresh token working when rotation is off', async () => {
    await withIdp(sampleAppPolicy({ rotation: false }), async (idp) => {
      const refreshToken = await firstRefreshToken(idp);
      for (let i = 0; i < 3; i++) {
        const { status, body } = await refreshRequest(idp, refreshToken);
        expect(status).toBe(200);
        expect(body.refresh_token).toBe(refreshToken);
      }
    });
  });

  it('expires an unused refresh token after its idle lifetime (403 invalid_grant, as Auth0)', async () => {
    await withIdp(sampleAppPolicy({ rotation: true, idleLifetime: 3600 }), async (idp) => {
      const refreshToken = await firstRefreshToken(idp);
      // Time travel rather than a sleep: the mock's clock an hour and a second ahead.
      idp.clock.advance(3601);
      await expectInvalidGrant(idp, refreshToken);
    });
  });

  it('does not extend the absolute lifetime by rotation: the family dies when its first token would have', async () => {
    await withIdp(sampleAppPolicy({ rotation: true, absoluteLifetime: 60 }), async (idp) => {
      const first = await firstRefreshToken(idp);
      // On the mock's clock: lifetimes count in whole seconds, so each step keeps a second clear of the boundary.
      idp.clock.advance(30);
      const second = await rotate(idp, first);
      // Near the end of the family: the token issued 28 s ago still rotates.
      idp.clock.advance(28);
      const third = await rotate(idp, second);
      // Past the family's 60 s, although `third` is 3 s old and its idle lifetime (15 days), or a
      // lifetime counted from its own issue, would keep it alive.
      idp.clock.advance(3);
      await expectInvalidGrant(idp, third);
    });
  });
});
