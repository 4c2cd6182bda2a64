/** Auth0's resource owner password grant (`password`, `password-realm`): programmatic login for trusted apps and CI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTenant, startMockIdp, TenantConfigError, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, refreshRequest, tokenRequest, USERS, verify, WORKER } from '../helpers/oauth.js';

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const BOB_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f2';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

function passwordGrant(form: Record<string, string>) {
  return tokenRequest(idp, { grant_type: 'password', client_id: APP.clientId, client_secret: APP.secret, ...form });
}

describe('grant_type=password', () => {
  it("gives bob an RBAC-scoped API token (read:orders only), an ID token and a refresh token, as a login would", async () => {
    const { status, body } = await passwordGrant({ ...USERS.bob, audience: API, scope: 'openid profile email offline_access read:orders write:orders' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email offline_access read:orders' });
    const access = await verify(idp, body.access_token!, API, 'JWT');
    expect(access.payload).toMatchObject({ sub: BOB_SUB, azp: APP.clientId, gty: 'password', permissions: ['read:orders'], aud: [API, `${idp.issuer}userinfo`] });
    const id = await verify(idp, body.id_token!, APP.clientId);
    expect(id.payload).toMatchObject({ sub: BOB_SUB, email: 'bob@example.com', name: 'Bob Viewer' });
    expect(body.refresh_token).toBeTruthy();
  });

  it('rotates its refresh token, and reuse of the spent one is refused with 400 invalid_grant', async () => {
    const { body } = await passwordGrant({ ...USERS.alice, audience: API, scope: 'openid offline_access read:orders' });
    const first = await refreshRequest(idp, body.refresh_token!);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(body.refresh_token);
    expect((await verify(idp, first.body.access_token!, API, 'JWT')).payload).toMatchObject({ permissions: ['read:orders', 'write:orders'] });
    expect((await refreshRequest(idp, body.refresh_token!)).body.error).toBe('invalid_grant');
    // The token endpoint has no session: its events name the user of the refresh token, and why it failed.
    const reuse = idp.events().findLast((e) => e.type === 'grant.error');
    expect(reuse).toMatchObject({ sub: expect.stringMatching(/^auth0\|/), error: 'invalid_grant', detail: { grant_type: 'refresh_token', reason: expect.any(String) } });
    expect(idp.events().findLast((e) => e.type === 'grant.success')?.sub).toBe(reuse?.sub);
  });

  it('gives no ID token without openid and no refresh token without offline_access', async () => {
    const { status, body } = await passwordGrant({ ...USERS.alice, audience: API, scope: 'read:orders' });
    expect(status).toBe(200);
    expect(body.id_token).toBeUndefined();
    expect(body.refresh_token).toBeUndefined();
  });

  it("answers a wrong password or an unknown user with Auth0's 403 invalid_grant", async () => {
    const since = idp.events().at(-1)?.seq ?? 0;
    for (const credentials of [{ username: USERS.bob.username, password: 'wrong' }, { username: 'nobody@example.com', password: 'x' }]) {
      expect(await passwordGrant(credentials)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    }
    // Each is a login.failed event with the email tried and why (and the user, when there is one).
    expect(idp.events(since).filter((e) => e.type === 'login.failed')).toEqual([
      expect.objectContaining({ clientId: APP.clientId, sub: BOB_SUB, error: 'wrong_password', detail: { email: USERS.bob.username, reason: 'wrong password', via: 'password grant', auth0Log: 'fp' } }),
      expect.objectContaining({ clientId: APP.clientId, error: 'unknown_user', detail: expect.objectContaining({ email: 'nobody@example.com' }) }),
    ]);
    expect(idp.events(since).filter((e) => e.type === 'grant.error').map((e) => e.detail?.grant_type)).toEqual(['password', 'password']);
  });

  it('answers a blocked user with 401 unauthorized', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      own.updateUser(USERS.carol.username, { blocked: true });
      const answer = await tokenRequest(own, { grant_type: 'password', client_id: APP.clientId, client_secret: APP.secret, ...USERS.carol });
      expect(answer).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      expect(own.events().filter((e) => e.type === 'login.failed').map((e) => [e.error, e.detail?.email])).toEqual([['user_blocked', USERS.carol.username]]);
    } finally {
      await own.close();
    }
  });

  it('refuses an application without the grant with 403 unauthorized_client', async () => {
    const answer = await tokenRequest(idp, { grant_type: 'password', client_id: WORKER.clientId, client_secret: WORKER.secret, ...USERS.alice });
    expect(answer).toMatchObject({ status: 403, body: { error: 'unauthorized_client' } });
  });

  it('refuses an unknown audience with 403 access_denied, and a missing username or password with 400 invalid_request', async () => {
    expect(await passwordGrant({ ...USERS.alice, audience: 'https://nope.example.com' })).toMatchObject({ status: 403, body: { error: 'access_denied' } });
    expect(await passwordGrant({ password: 'alice-pass' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await passwordGrant({ username: USERS.alice.username })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it("refuses a tenant naming an unknown grant type, with the field's JSON path", () => {
    const tenant = structuredClone(idp.tenant) as unknown as { applications: { grantTypes?: string[] }[] };
    tenant.applications[0]!.grantTypes = ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];
    let error: unknown;
    try {
      parseTenant(tenant, 'test tenant');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TenantConfigError);
    expect((error as TenantConfigError).problems.map((p) => p.path)).toEqual(['$.applications[0].grantTypes[1]']);
  });

  it("refuses a wrong client secret with 401 access_denied Unauthorized (as Auth0) before looking at the credentials", async () => {
    const answer = await tokenRequest(idp, { grant_type: 'password', client_id: APP.clientId, client_secret: 'wrong', ...USERS.alice });
    expect(answer).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
  });
});

describe('grant_type=http://auth0.com/oauth/grant-type/password-realm', () => {
  it("logs in through the tenant's database connection named as realm", async () => {
    const { status, body } = await passwordGrant({ grant_type: PASSWORD_REALM, realm: 'Username-Password-Authentication', ...USERS.alice, audience: API, scope: 'openid' });
    expect(status).toBe(200);
    expect((await verify(idp, body.access_token!, API, 'JWT')).payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1' });
  });

  it('refuses a missing or unknown realm with 400 invalid_request', async () => {
    expect(await passwordGrant({ grant_type: PASSWORD_REALM, ...USERS.alice })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await passwordGrant({ grant_type: PASSWORD_REALM, realm: 'google-oauth2', ...USERS.alice })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
