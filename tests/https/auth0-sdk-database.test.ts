/**
 * The auth0 SDK's `database.signUp` and `database.changePassword` (AuthenticationClient of auth0 7.1,
 * from its `auth0/legacy` entry, unmodified) against the mock over HTTPS, in a child node that trusts the
 * mock's CA through NODE_EXTRA_CA_CERTS only (tests/apps/auth0-sdk-client/database.js); the signed-up user then
 * gets tokens with the password grant.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpCa } from '../../mock-idp/index.js';
import { runAppScript } from '../helpers/app-process.js';
import { API, APP } from '../helpers/oauth.js';
import { tempHome } from './helpers.js';

let idp: MockIdp & { readonly ca: MockIdpCa };
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  idp = await startMockIdp({ port: 0, https: true, home: tempHome() });
  await idp.updateTenant((t) => {
    t.databaseConnection = { passwordPolicy: 'good' };
  });
}, 30_000);
afterAll(() => idp?.close());

async function runChild(email: string) {
  const { code, stdout, stderr } = await runAppScript('auth0-sdk-client', 'database.js', {
    AUTH0_DOMAIN: `localhost:${idp.port}`, AUTH0_CLIENT_ID: APP.clientId, AUTH0_CLIENT_SECRET: APP.secret, AUTH0_AUDIENCE: API,
    AUTH0_EMAIL: email, NODE_EXTRA_CA_CERTS: idp.ca.certPath,
  });
  if (code !== 0) throw new Error(`database.js exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as { signedUp: { data: { _id: string } }; tokens: { id_token: string; access_token: string } } & Record<string, unknown>;
}

describe("the auth0 SDK's AuthenticationClient over HTTPS", () => {
  it('signs up (200, id), is refused a duplicate (invalid_signup) and a weak password (invalid_password), gets tokens with the password grant, and asks for a reset email', async () => {
    const got = await runChild('sdk-user@example.com');
    expect(got.signedUp).toEqual({ status: 200, data: { _id: expect.stringMatching(/^[0-9a-f]{24}$/), id: expect.any(String), email: 'sdk-user@example.com', email_verified: false, given_name: 'Sdk', user_metadata: { source: 'sdk' } } });
    const sub = `auth0|${got.signedUp.data._id}`;
    expect(got.duplicate).toMatchObject({ name: 'AuthApiError', error: 'invalid_signup', error_description: 'Invalid sign up', statusCode: 400 });
    expect(got.weak).toMatchObject({ name: 'AuthApiError', error: 'invalid_password', statusCode: 400, body: { name: 'PasswordStrengthError', code: 'invalid_password', policy: expect.stringContaining('* At least 8 characters in length') } });

    // The SDK validated the ID token itself (issuer https://localhost:<port>/, the HTTPS JWKS).
    expect(decodeJwt(got.tokens.id_token)).toMatchObject({ iss: idp.issuer, sub, aud: 'sample-app', email: 'sdk-user@example.com', email_verified: false });
    expect(decodeJwt(got.tokens.access_token)).toMatchObject({ iss: idp.issuer, sub, aud: ['https://api.example.com', `${idp.issuer}userinfo`], gty: 'password' });

    expect(got.reset).toEqual({ status: 200, data: "We've just sent you an email to reset your password." });
    expect(idp.emails({ to: 'sdk-user@example.com' }).map((e) => e.kind)).toEqual(['verify_email', 'reset_password']);
    expect(idp.emails({ to: 'sdk-user@example.com' })[1]!.links[0]).toMatch(new RegExp(`^${idp.issuer}u/reset-password\\?ticket=`));
  }, 30_000);
});
