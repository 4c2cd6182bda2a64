/** MFA and passwordless state across a `--data-dir` restart: run-time enrolments, a login at the code step, recovery codes, pending MFA tokens and passwordless codes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { APP, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';
import { app, tenantWith } from '../mock-idp/tenants.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-idp-mfa-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const client = { client_id: APP.clientId, client_secret: APP.secret };
const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';
const PASSWORDLESS = 'http://auth0.com/oauth/grant-type/passwordless/otp';

const tenant = tenantWith((apps) => {
  app(apps, APP.clientId).grantTypes = ['authorization_code', 'refresh_token', 'password', MFA_OTP, 'http://auth0.com/oauth/grant-type/mfa-recovery-code', PASSWORDLESS];
});
tenant.mfa = { policy: 'always' };

describe('MFA state in --data-dir', () => {
  it('keeps the authenticator bob enrolled at login, his login waiting at the code step, his recovery code, a pending mfa_token and a passwordless code across a restart', async () => {
    const dataDir = join(dir, 'enrolled');
    const first = await startMockIdp({ port: 0, tenant, dataDir });
    // Bob has no authenticator: his first login enrols one (the secret on the screen, as an app would scan it).
    const browser = new HeadlessBrowser();
    const started = await startAuthorize(first, browser);
    const enrolment = await submitLogin(browser, started.page, USERS.bob, APP.callback);
    const secret = /otpauth:\/\/[^"<\s]*secret=([A-Z2-7]+)/.exec(enrolment.body)?.[1];
    expect(secret).toBeDefined();
    const phone = new TOTP({ secret: Secret.fromBase32(secret!) });
    const done = await browser.submit(enrolment, '/mfa', { code: phone.generate() }, APP.callback);
    expect(new URL(done.url).searchParams.get('code')).toBeTruthy();
    const recovery = (await (await fetch(`${first.issuer}_mock/users/${USERS.bob.username}/otp`)).json()) as { recovery_code: string };
    const pending = await tokenRequest(first, { grant_type: 'password', ...client, ...USERS.bob, scope: 'openid' });
    const mfaToken = (pending.body as { mfa_token?: string }).mfa_token!;
    expect(pending.status).toBe(403);
    await fetch(`${first.issuer}passwordless/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...client, connection: 'email', email: USERS.alice.username, send: 'code' }) });
    const emailed = first.emails({ to: USERS.alice.username }).at(-1)!.code!;
    // A login of bob waiting at the one-time-code step when the mock stops.
    const waiting = new HeadlessBrowser();
    const codeStep = await submitLogin(waiting, (await startAuthorize(first, waiting)).page, USERS.bob, APP.callback);
    expect(codeStep.body).toContain('/mfa"');
    await first.close();

    const second = await startMockIdp({ port: first.port, tenant, dataDir });
    try {
      // The login that waited at the code step goes on with the code.
      expect(new URL((await waiting.submit(codeStep, '/mfa', { code: phone.generate() }, APP.callback)).url).searchParams.get('code')).toBeTruthy();
      // The same authenticator: the login asks for its code (no enrolment screen) and takes it.
      const again = new HeadlessBrowser();
      const login = await startAuthorize(second, again);
      const step = await submitLogin(again, login.page, USERS.bob, APP.callback);
      expect(step.body).toContain('name="code"');
      expect(step.body).not.toContain('otpauth://');
      expect(new URL((await again.submit(step, '/mfa', { code: phone.generate() }, APP.callback)).url).searchParams.get('code')).toBeTruthy();
      // The MFA token issued before the restart completes with the same app's code.
      expect((await tokenRequest(second, { grant_type: MFA_OTP, ...client, mfa_token: mfaToken, otp: phone.generate() })).status).toBe(200);
      expect(((await (await fetch(`${second.issuer}_mock/users/${USERS.bob.username}/otp`)).json()) as { recovery_code: string }).recovery_code).toBe(recovery.recovery_code);
      expect((await tokenRequest(second, { grant_type: PASSWORDLESS, ...client, realm: 'email', username: USERS.alice.username, otp: emailed, scope: 'openid' })).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
