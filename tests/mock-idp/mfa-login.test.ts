/** MFA in Universal Login: the one-time-code step after the password, enrolment, codes a test reads, `amr: ["mfa"]`. */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { MFA_ACR } from '../../mock-idp/core/mfa.js';
import { APP, codeFlow, startAuthorize, submitLogin, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { fixtureTenant } from './tenants.js';

const ALICE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const BOB_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f2';

let idp: MockIdp;
beforeAll(async () => {
  const tenant = fixtureTenant();
  tenant.mfa = { policy: 'always' };
  tenant.users = tenant.users!.map((u) => (u.email === USERS.alice.username ? { ...u, mfa: { otp: { secret: ALICE_SECRET } } } : u));
  idp = await startMockIdp({ port: 0, tenant });
});
beforeEach(() => idp.reset());
afterAll(() => idp.close());

async function otpResponse(id: string) {
  const response = await fetch(`${idp.issuer}_mock/users/${encodeURIComponent(id)}/otp`);
  return { status: response.status, body: (await response.json()) as { code?: string; secret?: string; uri?: string; enrolled?: boolean; error?: string } };
}

/** Password step: the page it lands on (the code step while MFA is on). */
async function passwordStep(user: { username: string; password: string }) {
  const browser = new HeadlessBrowser();
  const started = await startAuthorize(idp, browser);
  const page = await submitLogin(browser, started.page, user, started.redirectUri);
  return { ...started, browser, page };
}

async function redeem(callbackUrl: string, verifier: string) {
  const code = new URL(callbackUrl).searchParams.get('code');
  expect(code).toBeTruthy();
  return tokenRequest(idp, { grant_type: 'authorization_code', code: code!, redirect_uri: APP.callback, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
}

describe('MFA at login (tenant policy always)', () => {
  it('asks alice for a one-time code after her password, shows the step again on a wrong code, and completes with amr ["mfa"] on the right one', async () => {
    const { browser, page, verifier, nonce } = await passwordStep(USERS.alice);
    expect(page.url).toContain('/interaction/');
    expect(page.body).toContain('name="code"');
    expect(idp.events().some((e) => e.type === 'login.success')).toBe(false);

    const wrong = await browser.submit(page, '/mfa', { code: '000000' });
    expect(wrong.response.status).toBe(401);
    expect(wrong.body).toContain('name="code"');

    const callback = await browser.submit(wrong, '/mfa', { code: idp.otp(USERS.alice.username) }, APP.callback);
    expect(callback.url.startsWith(APP.callback)).toBe(true);
    const { status, body } = await redeem(callback.url, verifier);
    expect(status).toBe(200);
    const { payload } = await verify(idp, body.id_token!, APP.clientId);
    expect(payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', amr: ['mfa'], nonce });
  });

  it('serves the code an authenticator app with the same secret shows (GET /_mock/users/<id>/otp, idp.otp)', async () => {
    const app = new TOTP({ secret: Secret.fromBase32(ALICE_SECRET) });
    const { status, body } = await otpResponse(USERS.alice.username);
    expect(status).toBe(200);
    expect(body).toMatchObject({ secret: ALICE_SECRET, enrolled: true });
    expect(app.validate({ token: body.code!, window: 1 })).not.toBeNull();
    expect(app.validate({ token: idp.otp('auth0|65a1f0c2e4b0a1b2c3d4e5f1'), window: 1 })).not.toBeNull();
    // The debugger page lists it too, for a person at the keyboard.
    const before = idp.otp(USERS.alice.username);
    const debuggerPage = await (await fetch(`${idp.issuer}_mock/`)).text();
    const after = idp.otp(USERS.alice.username);
    expect(debuggerPage).toContain('id="otp"');
    expect(debuggerPage.includes(`<td>${before}</td>`) || debuggerPage.includes(`<td>${after}</td>`)).toBe(true);
  });

  it('moves the code with the mock clock: a code read before a time travel of 10 minutes is refused after it', async () => {
    const stale = idp.otp(USERS.alice.username);
    idp.clock.advance(600);
    const { browser, page } = await passwordStep(USERS.alice);
    expect((await browser.submit(page, '/mfa', { code: stale })).response.status).toBe(401);
  });

  it('enrols bob (no authenticator) on his first login: the screen shows the secret and otpauth:// URI, a code of that secret completes and enrols him', async () => {
    expect((await otpResponse(BOB_SUB)).status).toBe(404);
    const { browser, page, verifier } = await passwordStep(USERS.bob);
    const { body: reading } = await otpResponse(BOB_SUB);
    expect(reading.enrolled).toBe(false);
    expect(page.body).toContain(reading.secret!);
    expect(page.body).toMatch(/otpauth:\/\/totp\//);
    const code = new TOTP({ secret: Secret.fromBase32(reading.secret!) }).generate();
    const callback = await browser.submit(page, '/mfa', { code }, APP.callback);
    expect((await redeem(callback.url, verifier)).status).toBe(200);
    expect((await otpResponse(BOB_SUB)).body).toMatchObject({ enrolled: true, secret: reading.secret });

    // The next login asks for the code of the enrolled authenticator, with no enrolment screen.
    const next = await passwordStep(USERS.bob);
    expect(next.page.body).not.toContain(reading.secret!);
    expect(next.page.body).toContain('name="code"');
  });

  it("locks the code step after Auth0's 10 wrong codes (429, and then even the right code is refused)", async () => {
    const { browser, page } = await passwordStep(USERS.alice);
    let last = page;
    for (let i = 0; i < 9; i++) last = await browser.submit(last, '/mfa', { code: '000000' });
    expect(last.response.status).toBe(401);
    last = await browser.submit(last, '/mfa', { code: '000000' });
    expect(last.response.status).toBe(429);
    expect((await browser.submit(last, '/mfa', { code: idp.otp(USERS.alice.username) })).response.status).toBe(429);
    expect(idp.events().some((e) => e.type === 'login.failed' && e.error === 'too_many_attempts')).toBe(true);
  });

  it('refuses a code posted to a login attempt that has not passed the password step with 400', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const action = /action="([^"]*\/login)"/.exec(page.body)![1]!.replace(/\/login$/, '/mfa');
    const fields = Object.fromEntries([...page.body.matchAll(/name="(_csrf)" value="([^"]*)"/g)].slice(0, 1).map((m) => [m[1]!, m[2]!]));
    const res = await browser.navigate(new URL(action, page.url).href, { method: 'POST', form: { ...fields, code: '123456' } });
    expect(res.response.status).toBe(400);
  });

  it('asks nobody for a code with the policy never', async () => {
    await idp.updateTenant((draft) => {
      draft.mfa = { policy: 'never' };
    });
    const { page } = await passwordStep(USERS.alice);
    expect(page.url.startsWith(APP.callback)).toBe(true);
  });
});

describe("acr_values asking for MFA (Auth0's multi-factor policy), tenant policy never", () => {
  beforeEach(() => idp.updateTenant((t) => void (t.mfa = { policy: 'never' })));
  const stepUp = { acr_values: MFA_ACR };

  it('logs alice in without MFA or acr first; then, over that session, asks only for her code and puts the policy in acr with amr ["mfa"]', async () => {
    const plain = await codeFlow(idp, USERS.alice);
    const first = (await verify(idp, plain.tokens.body.id_token!, APP.clientId)).payload;
    expect([first.acr, first.amr]).toEqual([undefined, undefined]);

    const { page, verifier } = await startAuthorize(idp, plain.browser, { extra: stepUp });
    expect(page.body).toContain('name="code"');
    expect(page.body).not.toContain('name="password"');
    const callback = await plain.browser.submit(page, '/mfa', { code: idp.otp(USERS.alice.username) }, APP.callback);
    const { body } = await redeem(callback.url, verifier);
    expect((await verify(idp, body.id_token!, APP.clientId)).payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', acr: MFA_ACR, amr: ['mfa'] });
  });

  it('asks bob, who has no authenticator, to enrol after his password when acr_values want MFA', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser, { extra: stepUp });
    const step = await submitLogin(browser, page, USERS.bob, APP.callback);
    expect(step.url).toContain('/interaction/');
    expect(step.body).toContain('otpauth://');
  });
});
