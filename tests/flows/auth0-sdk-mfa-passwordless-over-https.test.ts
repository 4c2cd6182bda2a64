/**
 * The auth0 SDK (`auth0/legacy` AuthenticationClient, unmodified) against a tenant with MFA on, and its passwordless calls, over
 * HTTPS in a child process trusting the mock's CA through NODE_EXTRA_CA_CERTS (tests/apps/auth0-sdk-client/mfa-passwordless.js).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpCa } from '../../mock-idp/index.js';
import { runAppScript } from '../helpers/app-process.js';
import { API, APP, USERS } from '../helpers/oauth.js';
import { tempHome } from '../https/helpers.js';
import { app, tenantWith } from '../mock-idp/tenants.js';

interface Report {
  password: { ok: boolean; name?: string; statusCode?: number; error?: string; error_description?: string; mfa_token?: string };
  challenge: { status: number; body: Record<string, unknown> };
  token: { status: number; body: { id_token?: string; access_token?: string } };
}
interface SdkStep {
  ok: boolean;
  status?: number;
  data?: { id_token?: string; access_token?: string } & Record<string, unknown>;
  statusCode?: number;
  error?: string;
}
type PasswordlessReport = Record<'sendEmail' | 'wrongEmailCode' | 'loginWithEmail' | 'sendSMS' | 'loginWithSMS', SdkStep>;

let idp: MockIdp & { readonly ca: MockIdpCa };
let report: Report & PasswordlessReport;
const BOB_PHONE = '+15555550100';

beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    app(apps, APP.clientId).grantTypes = ['authorization_code', 'refresh_token', 'password', 'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/passwordless/otp'];
  });
  tenant.mfa = { policy: 'always' };
  tenant.users = tenant.users!.map((u) => (u.email === USERS.alice.username ? { ...u, mfa: { otp: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } } } : u.email === USERS.bob.username ? { ...u, phoneNumber: BOB_PHONE } : u));
  idp = await startMockIdp({ port: 0, https: true, home: tempHome(), tenant });
  const run = await runAppScript('auth0-sdk-client', 'mfa-passwordless.js', {
    AUTH0_DOMAIN: `localhost:${idp.port}`, AUTH0_CLIENT_ID: APP.clientId, AUTH0_CLIENT_SECRET: APP.secret, AUTH0_AUDIENCE: API,
    AUTH0_USERNAME: USERS.alice.username, AUTH0_PASSWORD: USERS.alice.password, NODE_EXTRA_CA_CERTS: idp.ca.certPath,
    AUTH0_PASSWORDLESS_EMAIL: USERS.carol.username, AUTH0_PHONE: BOB_PHONE,
  });
  if (run.code !== 0) throw new Error(`mfa-passwordless.js failed (${run.code}):\n${run.stderr}`);
  report = JSON.parse(run.stdout) as Report & PasswordlessReport;
}, 30_000);
afterAll(async () => {
  await idp?.close();
});

describe("the auth0 SDK's password grant with MFA on, over https://localhost:<port>", () => {
  it("throws the SDK's AuthApiError with Auth0's 403 mfa_required and the mfa_token in its body", () => {
    expect(report.password).toMatchObject({ ok: false, name: 'AuthApiError', statusCode: 403, error: 'mfa_required', error_description: 'Multifactor authentication required' });
    expect(typeof report.password.mfa_token).toBe('string');
  });

  it('continues with /mfa/challenge and the mfa-otp grant to tokens whose ID token says amr ["mfa"]', () => {
    expect(report.challenge).toEqual({ status: 200, body: { challenge_type: 'otp' } });
    expect(report.token.status).toBe(200);
    expect(decodeJwt(report.token.body.id_token!)).toMatchObject({ amr: ['mfa'], sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', iss: idp.issuer });
  });

  it("signs carol in with passwordless.sendEmail and loginWithEmail (the code from the outbox), after Auth0's 403 invalid_grant for a wrong code", () => {
    expect(report.sendEmail).toMatchObject({ ok: true, status: 200 });
    expect(report.wrongEmailCode).toMatchObject({ ok: false, statusCode: 403, error: 'invalid_grant' });
    expect(report.loginWithEmail).toMatchObject({ ok: true, status: 200 });
    expect(decodeJwt(report.loginWithEmail.data!.id_token!)).toMatchObject({ email: USERS.carol.username });
  });

  it('signs bob in with passwordless.sendSMS and loginWithSMS, the SMS read from the outbox under his phone number', () => {
    expect(report.sendSMS).toMatchObject({ ok: true, status: 200 });
    expect(report.loginWithSMS).toMatchObject({ ok: true, status: 200 });
    expect(decodeJwt(report.loginWithSMS.data!.id_token!)).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2' });
  });
});
