/**
 * Auth0's token dialects (`apis[].tokenDialect`, Auth0's `token_dialect` API setting): the header
 * `typ` and the claims of every access token the mock issues or mints, for a login, client
 * credentials, the password grant and minted tokens, each verified with jose.
 */
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTenant, startMockIdp, TenantConfigError, type MockIdp, type TokenDialect } from '../../mock-idp/index.js';
import { API, APP, clientCredentialsRequest, codeFlow, tokenRequest, USERS, verify, WORKER } from '../helpers/oauth.js';
import { fixtureTenant } from './tenants.js';

const ALICE_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f1';

/** The fixture tenant with its API in one dialect (and the toggle left out, so the dialect alone decides). */
function tenantIn(dialect: TokenDialect | undefined) {
  const tenant = fixtureTenant();
  tenant.apis = (tenant.apis ?? []).map((api) => ({ ...api, rbac: { enabled: true }, ...(dialect ? { tokenDialect: dialect } : {}) }));
  return tenant;
}

interface Expected {
  typ: 'JWT' | 'at+jwt';
  rfc9068: boolean;
  permissions: boolean;
}

const DIALECTS: Array<[TokenDialect | 'default', Expected]> = [
  ['default', { typ: 'JWT', rfc9068: false, permissions: true }],
  ['access_token', { typ: 'JWT', rfc9068: false, permissions: false }],
  ['access_token_authz', { typ: 'JWT', rfc9068: false, permissions: true }],
  ['rfc9068_profile', { typ: 'at+jwt', rfc9068: true, permissions: false }],
  ['rfc9068_profile_authz', { typ: 'at+jwt', rfc9068: true, permissions: true }],
];

/** The header and the client / jti / gty / permissions claims the dialect dictates. */
async function expectDialect(idp: MockIdp, token: string, expected: Expected, clientId: string, gty: string | undefined, permissions: string[]): Promise<JWTPayload> {
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: expected.typ, kid: idp.keys()[0]!.kid });
  const { payload } = await verify(idp, token, API, expected.typ);
  if (expected.rfc9068) {
    expect(payload.client_id).toBe(clientId);
    expect(payload).not.toHaveProperty('azp');
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload).not.toHaveProperty('gty');
  } else {
    expect(payload.azp).toBe(clientId);
    expect(payload).not.toHaveProperty('client_id');
    expect(payload).not.toHaveProperty('jti');
    if (gty === undefined) expect(payload).not.toHaveProperty('gty');
    else expect(payload.gty).toBe(gty);
  }
  if (expected.permissions) expect(payload.permissions).toEqual(permissions);
  else expect(payload).not.toHaveProperty('permissions');
  return payload;
}

describe.each(DIALECTS)('token dialect %s', (dialect, expected) => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0, tenant: tenantIn(dialect === 'default' ? undefined : dialect) });
  });
  afterAll(() => idp.close());

  it('shapes the access token of a login (code flow), and /userinfo accepts it', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice, { audience: API, scope: 'openid profile email read:orders write:orders' });
    expect(tokens.status).toBe(200);
    const payload = await expectDialect(idp, tokens.body.access_token!, expected, APP.clientId, undefined, ['read:orders', 'write:orders']);
    expect(payload).toMatchObject({ sub: ALICE_SUB, scope: 'openid profile email read:orders write:orders', aud: [API, `${idp.issuer}userinfo`] });
    const userinfo = await fetch(`${idp.issuer}userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: ALICE_SUB, email: 'alice@example.com' });
  });

  it('shapes a client-credentials token', async () => {
    const { status, body } = await clientCredentialsRequest(idp);
    expect(status).toBe(200);
    const payload = await expectDialect(idp, body.access_token!, expected, WORKER.clientId, 'client-credentials', ['read:orders']);
    expect(payload).toMatchObject({ sub: `${WORKER.clientId}@clients`, scope: 'read:orders' });
  });

  it('shapes a password-grant token', async () => {
    const { status, body } = await tokenRequest(idp, { grant_type: 'password', client_id: APP.clientId, client_secret: APP.secret, ...USERS.bob, audience: API, scope: 'read:orders write:orders' });
    expect(status).toBe(200);
    await expectDialect(idp, body.access_token!, expected, APP.clientId, 'password', ['read:orders']);
  });

  it('mints user and machine tokens of the same shape', async () => {
    const user = await idp.mintToken({ user: 'bob@example.com', audience: API });
    const payload = await expectDialect(idp, user.token, expected, APP.clientId, undefined, ['read:orders']);
    expect(payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2', scope: 'read:orders' });
    const machine = await idp.mintToken({ client: WORKER.clientId, audience: API });
    await expectDialect(idp, machine.token, expected, WORKER.clientId, 'client-credentials', ['read:orders']);
  });

  it("explains the dialect's own tokens as valid", async () => {
    const { token } = await idp.mintToken({ user: 'bob@example.com', audience: API });
    expect(await idp.explainToken(token, { audience: API })).toMatchObject({ valid: true });
  });
});

describe('choosing the dialect', () => {
  it('mints in a requested dialect, whatever the tenant says', async () => {
    const idp = await startMockIdp({ port: 0 });
    try {
      const { token } = await idp.mintToken({ user: 'bob@example.com', audience: API, tokenDialect: 'rfc9068_profile_authz' });
      await expectDialect(idp, token, { typ: 'at+jwt', rfc9068: true, permissions: true }, APP.clientId, undefined, ['read:orders']);
      // The tenant's API is in Auth0's profile: the explainer says an at+jwt token is fine too, but a JWT one for an RFC 9068 API is not.
      expect(await idp.explainToken(token, { audience: API })).toMatchObject({ valid: true });
    } finally {
      await idp.close();
    }
  });

  it("keeps an existing tenant's toggle: addPermissionsInAccessToken false is the access_token dialect", () => {
    const tenant = fixtureTenant();
    tenant.apis = (tenant.apis ?? []).map((api) => ({ ...api, rbac: { enabled: true, addPermissionsInAccessToken: false } }));
    expect(parseTenant(tenant).apis[0]).toMatchObject({ rbac: { enabled: true, addPermissionsInAccessToken: false } });
  });

  it('refuses a toggle that contradicts the dialect, naming the field', () => {
    const tenant = fixtureTenant();
    tenant.apis = (tenant.apis ?? []).map((api) => ({ ...api, tokenDialect: 'rfc9068_profile' }));
    let error: unknown;
    try {
      parseTenant(tenant);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TenantConfigError);
    expect((error as Error).message).toMatch(/apis\[0\]\.rbac\.addPermissionsInAccessToken.*contradicts tokenDialect "rfc9068_profile"/s);
  });

  it('refuses a JWT-typed token for an API whose dialect is RFC 9068 in the explainer', async () => {
    const idp = await startMockIdp({ port: 0, tenant: tenantIn('rfc9068_profile_authz') });
    try {
      const { token } = await idp.mintToken({ user: 'bob@example.com', audience: API, tokenDialect: 'access_token_authz' });
      const explained = await idp.explainToken(token, { audience: API });
      expect(explained.valid).toBe(false);
      expect(explained.checks.find((c) => c.check === 'type')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/RFC 9068/) });
    } finally {
      await idp.close();
    }
  });
});
