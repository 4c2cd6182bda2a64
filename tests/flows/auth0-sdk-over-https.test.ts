/**
 * The auth0 npm SDK (v7.1; its AuthenticationClient and UserInfoClient are the `auth0/legacy`
 * entry point, node-auth0 4.x) unmodified against the mock on HTTPS, domain `localhost:<port>`.
 * tests/apps/auth0-sdk-client/client.js runs in a child process that trusts the mock's CA
 * through NODE_EXTRA_CA_CERTS only: the SDK fetches with Node's fetch, but validates ID tokens
 * with jose 4's own node:https JWKS fetch, which its `fetch` option does not reach (shown below).
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { AuthenticationClient } from 'auth0/legacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTrustingCa, startMockIdp, type MockIdp, type MockIdpCa } from '../../mock-idp/index.js';
import { runAppScript } from '../helpers/app-process.js';
import { API, APP, USERS, WORKER } from '../helpers/oauth.js';
import { tempHome } from '../https/helpers.js';

interface Step {
  ok: boolean;
  status?: number;
  data?: { access_token?: string; id_token?: string; refresh_token?: string; token_type?: string; expires_in?: number; scope?: string } & Record<string, unknown>;
  error?: { name: string; message: string; statusCode?: number; error?: string; error_description?: string; code?: string; cause?: string };
}
type Report = Record<
  'clientCredentials' | 'wrongSecret' | 'wrongPassword' | 'password' | 'passwordRealm' | 'refresh' | 'reuse' | 'revoke' | 'afterRevoke' | 'userInfo' | 'nonceMismatch' | 'hs256',
  Step
>;

let idp: MockIdp & { readonly ca: MockIdpCa };
let report: Report;
/** The same script on a machine without the mock's CA. */
let untrusted: { code: number | null; stdout: string; stderr: string };

const scriptEnv = () => ({
  AUTH0_DOMAIN: `localhost:${idp.port}`,
  AUTH0_CLIENT_ID: APP.clientId,
  AUTH0_CLIENT_SECRET: APP.secret,
  AUTH0_AUDIENCE: API,
  AUTH0_M2M_CLIENT_ID: WORKER.clientId,
  AUTH0_M2M_CLIENT_SECRET: WORKER.secret,
  AUTH0_USERNAME: USERS.alice.username,
  AUTH0_PASSWORD: USERS.alice.password,
});

beforeAll(async () => {
  idp = await startMockIdp({ port: 0, https: true, home: tempHome() });
  const [trusted, without] = await Promise.all([
    runAppScript('auth0-sdk-client', 'client.js', { ...scriptEnv(), NODE_EXTRA_CA_CERTS: idp.ca.certPath }),
    runAppScript('auth0-sdk-client', 'client.js', scriptEnv()),
  ]);
  if (trusted.code !== 0) throw new Error(`client.js failed (${trusted.code}):\n${trusted.stderr}`);
  report = JSON.parse(trusted.stdout) as Report;
  untrusted = without;
}, 30_000);
afterAll(async () => {
  await idp?.close();
});

const claims = (step: Step, token: 'access_token' | 'id_token') => decodeJwt(step.data![token]!);

describe("the auth0 SDK's AuthenticationClient against https://localhost:<port>", () => {
  it('gets a machine-to-machine token with client credentials, and the Auth0 error for a wrong secret', () => {
    expect(report.clientCredentials).toMatchObject({ ok: true, status: 200, data: { token_type: 'Bearer', expires_in: 86400 } });
    expect(claims(report.clientCredentials, 'access_token')).toMatchObject({ iss: idp.issuer, sub: `${WORKER.clientId}@clients`, aud: API, gty: 'client-credentials', permissions: ['read:orders'] });
    expect(report.wrongSecret).toMatchObject({ ok: false, error: { name: 'AuthApiError', statusCode: 401, error: 'access_denied', error_description: 'Unauthorized' } });
  });

  it('logs in with oauth.passwordGrant (password and password-realm), its ID-token validation passing, and refuses a wrong password as Auth0 does', () => {
    for (const step of [report.password, report.passwordRealm]) {
      expect(step).toMatchObject({ ok: true, status: 200 });
      expect(step.data!.refresh_token).toEqual(expect.any(String));
      expect(decodeProtectedHeader(step.data!.id_token!)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
      expect(claims(step, 'id_token')).toMatchObject({ iss: idp.issuer, aud: APP.clientId, sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: USERS.alice.username });
      expect(claims(step, 'access_token')).toMatchObject({ iss: idp.issuer, aud: [API, `${idp.issuer}userinfo`], azp: APP.clientId, gty: 'password' });
    }
    expect(report.wrongPassword).toMatchObject({ ok: false, error: { name: 'AuthApiError', statusCode: 403, error: 'invalid_grant', error_description: 'Wrong email or password.' } });
  });

  it("runs its own ID-token validation (it is not bypassed): a nonce the token lacks and the wrong signing algorithm fail it after the mock's 200", () => {
    expect(report.nonceMismatch).toMatchObject({ ok: false, error: { name: 'Error', message: expect.stringMatching(/^Nonce \(nonce\) claim must be a string present in the ID token/) } });
    // idTokenSigningAlg HS256: the SDK checks the RS256 signature against the client secret and refuses it.
    expect(report.hs256).toMatchObject({ ok: false, error: { name: 'TypeError', message: expect.stringContaining('Key for the RS256 algorithm must be') } });
  });

  it('rotates the refresh token (oauth.refreshTokenGrant): a new one, a validated ID token, and the old one refused with Auth0\'s body', () => {
    expect(report.refresh).toMatchObject({ ok: true, status: 200 });
    expect(report.refresh.data!.refresh_token).toEqual(expect.any(String));
    expect(report.refresh.data!.refresh_token).not.toBe(report.password.data!.refresh_token);
    expect(claims(report.refresh, 'id_token')).toMatchObject({ iss: idp.issuer, aud: APP.clientId });
    expect(report.reuse).toMatchObject({ ok: false, error: { name: 'AuthApiError', statusCode: 403, error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
  });

  it('revokes a refresh token (oauth.revokeRefreshToken), which then fails with Auth0\'s body', () => {
    expect(report.revoke).toMatchObject({ ok: true, status: 200 });
    expect(report.afterRevoke).toMatchObject({ ok: false, error: { statusCode: 403, error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
  });

  it("reads the profile with the SDK's UserInfoClient", () => {
    expect(report.userInfo).toMatchObject({ ok: true, status: 200, data: { sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: USERS.alice.username, name: 'Alice Admin', email_verified: true } });
  });

  it("fails every call without the mock's CA (the same script, no NODE_EXTRA_CA_CERTS)", () => {
    expect(untrusted.code).toBe(0);
    const steps = Object.values(JSON.parse(untrusted.stdout) as Report);
    expect(steps).toHaveLength(12);
    for (const step of steps) expect(step).toMatchObject({ ok: false, error: { name: 'FetchError', cause: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
  });

  it("with only its documented `fetch` option trusting the CA, gets tokens but cannot validate an ID token: the JWKS fetch is jose's own", async () => {
    const client = new AuthenticationClient({ domain: `localhost:${idp.port}`, clientId: APP.clientId, clientSecret: APP.secret, fetch: fetchTrustingCa(idp.ca.certPem) });
    const worker = new AuthenticationClient({ domain: `localhost:${idp.port}`, clientId: WORKER.clientId, clientSecret: WORKER.secret, fetch: fetchTrustingCa(idp.ca.certPem) });
    // No ID token to validate: the custom fetch is enough.
    expect((await worker.oauth.clientCredentialsGrant({ audience: API })).status).toBe(200);
    // With an ID token, the SDK's validator fetches https://<domain>/.well-known/jwks.json through node:https.
    await expect(client.oauth.passwordGrant({ ...USERS.alice, audience: API, scope: 'openid' })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
