/** Passwordless (email and SMS codes): POST /passwordless/start, codes in the outbox, the passwordless/otp grant, expiry and Auth0's attempt limit. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS, startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { API, APP, startAuthorize, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { managementToken, MGMT } from '../management/helpers.js';
import { app, tenantWith } from './tenants.js';

const GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
const BOB_PHONE = '+15555550100';

let idp: MockIdp;
beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    app(apps, APP.clientId).grantTypes = ['authorization_code', 'refresh_token', GRANT];
    apps.push({ clientId: MGMT.clientId, name: 'Management worker', appType: 'm2m', clientSecret: MGMT.secret, clientGrants: [{ audience: '/api/v2/', permissions: ['read:users'] }] });
  });
  tenant.users = tenant.users!.map((u) => (u.email === USERS.bob.username ? { ...u, phoneNumber: BOB_PHONE } : u));
  idp = await startMockIdp({ port: 0, tenant });
});
beforeEach(() => idp.reset());
afterAll(() => idp.close());

const client = { client_id: APP.clientId, client_secret: APP.secret };

async function start(body: Record<string, unknown>) {
  const response = await fetch(`${idp.issuer}passwordless/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...client, ...body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The code of the latest passwordless message to `to` in the outbox (as a CI test reads it). */
const codeFor = (to: string) => idp.emails({ to }).filter((e) => e.kind === 'passwordless_code').at(-1)?.code;

const exchange = (realm: 'email' | 'sms', username: string, otp: string) => tokenRequest(idp, { grant_type: GRANT, ...client, realm, username, otp, audience: API, scope: 'openid profile email' });

describe('passwordless', () => {
  it("emails alice a 6-digit code (outbox) that the passwordless/otp grant exchanges for her tokens, once", async () => {
    expect(await start({ connection: 'email', email: USERS.alice.username, send: 'code' })).toMatchObject({ status: 200, body: { email: USERS.alice.username, email_verified: false } });
    const code = codeFor(USERS.alice.username);
    expect(code).toMatch(/^\d{6}$/);
    const { status, body } = await exchange('email', USERS.alice.username, code!);
    expect(status).toBe(200);
    expect((await verify(idp, body.id_token!, APP.clientId)).payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: USERS.alice.username });
    expect(await exchange('email', USERS.alice.username, code!)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('texts bob a code, kept in the outbox addressed to his phone number, and signs him in with realm sms', async () => {
    expect(await start({ connection: 'sms', phone_number: BOB_PHONE })).toMatchObject({ status: 200, body: { phone_number: BOB_PHONE, phone_verified: false } });
    const { status, body } = await exchange('sms', BOB_PHONE, codeFor(BOB_PHONE)!);
    expect(status).toBe(200);
    expect((await verify(idp, body.id_token!, APP.clientId)).payload.sub).toBe('auth0|65a1f0c2e4b0a1b2c3d4e5f2');
  });

  it('refuses a code past its 180 s on the mock clock (403 invalid_grant)', async () => {
    await start({ connection: 'email', email: USERS.alice.username, send: 'code' });
    const code = codeFor(USERS.alice.username)!;
    idp.clock.advance(DEFAULTS.passwordless.codeLifetime);
    expect(await exchange('email', USERS.alice.username, code)).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: expect.stringContaining('expired') } });
  });

  it('counts wrong codes: after 3 the code is spent and even the right one is refused', async () => {
    await start({ connection: 'email', email: USERS.alice.username, send: 'code' });
    const code = codeFor(USERS.alice.username)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < DEFAULTS.passwordless.maxAttempts; i++) expect(await exchange('email', USERS.alice.username, wrong)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    expect(await exchange('email', USERS.alice.username, code)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
  });

  it('accepts only the latest code sent to an address', async () => {
    await start({ connection: 'email', email: USERS.alice.username, send: 'code' });
    const first = codeFor(USERS.alice.username)!;
    await start({ connection: 'email', email: USERS.alice.username, send: 'code' });
    const latest = codeFor(USERS.alice.username)!;
    expect(latest).not.toBe(first);
    expect((await exchange('email', USERS.alice.username, first)).status).toBe(403);
    expect((await exchange('email', USERS.alice.username, latest)).status).toBe(200);
  });

  it("answers bad input with Auth0's 400s, not 500s", async () => {
    for (const send of ['link_ios', 'link_android', 'x']) expect(await start({ connection: 'email', email: USERS.alice.username, send })).toMatchObject({ status: 400, body: { error: 'bad.send' } });
    expect(await start({ connection: 'sms', phone_number: BOB_PHONE, send: 'link' })).toMatchObject({ status: 400, body: { error: 'bad.send' } });
    expect(await start({ connection: 'email', email: USERS.alice.username, authParams: { scope: 1 } })).toMatchObject({ status: 400, body: { error: 'bad.authParams' } });
    expect((await start({ connection: 'nope', email: USERS.alice.username })).body).toMatchObject({ error: 'bad.connection' });
    expect((await start({ connection: 'email' })).status).toBe(400);
    // An address the tenant's email rule refuses (no dot in the domain) is refused here, not at the user's creation after the code.
    expect(await start({ connection: 'email', email: 'someone@localhost' })).toMatchObject({ status: 400, body: { error: 'bad.email' } });
    expect((await start({ connection: 'sms', phone_number: '12' })).status).toBe(400);
    expect((await start({ client_id: 'unknown-app', connection: 'email', email: USERS.alice.username })).status).toBe(400);
    expect((await exchange('email', USERS.alice.username, '123456')).status).toBe(403);
  });

  it('logs alice in through the login page\'s "Email me a code": a wrong code shows the form again (401), the code from the outbox reaches the callback', async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier } = await startAuthorize(idp, browser);
    const link = /href="([^"]*\/passwordless)"/.exec(page.body)?.[1];
    expect(link).toBeDefined();
    const emailForm = await browser.navigate(new URL(link!, page.url).href);
    const codeForm = await browser.submit(emailForm, '/passwordless', { email: USERS.alice.username });
    expect(codeForm.body).toContain('name="code"');
    const code = codeFor(USERS.alice.username)!;
    const wrong = await browser.submit(codeForm, '/passwordless', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.response.status).toBe(401);
    const callback = await browser.submit(wrong, '/passwordless', { code }, APP.callback);
    const authCode = new URL(callback.url).searchParams.get('code');
    expect(authCode).toBeTruthy();
    const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code: authCode!, redirect_uri: APP.callback, code_verifier: verifier, ...client });
    expect((await verify(idp, tokens.body.id_token!, APP.clientId)).payload.sub).toBe('auth0|65a1f0c2e4b0a1b2c3d4e5f1');
  });
});

/** The magic link of the latest link email to `to` (Auth0's `send: "link"`, the default for email). */
const linkFor = (to: string) => idp.emails({ to }).filter((e) => e.kind === 'passwordless_link').at(-1)?.links[0];

describe('passwordless magic links', () => {
  const authParams = { redirect_uri: APP.callback, response_type: 'code', scope: 'openid profile email', state: 'st-42' };

  /** Opens a link in a fresh browser up to the application's callback; its query. */
  const open = async (link: string) => new URL((await new HeadlessBrowser().navigate(link, { stopAt: APP.callback })).url).searchParams;

  it("emails alice an Auth0-shaped link by default (send omitted) that signs her in at the app's callback, once", async () => {
    expect(await start({ connection: 'email', email: USERS.alice.username, authParams })).toMatchObject({ status: 200, body: { email: USERS.alice.username } });
    const link = new URL(linkFor(USERS.alice.username)!);
    expect(link.pathname).toBe('/passwordless/verify_redirect');
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ ...authParams, client_id: APP.clientId, connection: 'email', email: USERS.alice.username, verification_code: expect.stringMatching(/^\d{6}$/) });
    const callback = await open(link.href);
    expect(callback.get('state')).toBe('st-42');
    const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code: callback.get('code')!, redirect_uri: APP.callback, ...client });
    expect(tokens.status).toBe(200);
    expect((await verify(idp, tokens.body.id_token!, APP.clientId)).payload).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: USERS.alice.username });
    const again = await open(link.href);
    expect([again.get('error'), again.get('code'), again.get('state')]).toEqual(['unauthorized', null, 'st-42']);
  });

  it("sends an expired link to the callback with Auth0's error=unauthorized (the code's 180 s on the mock clock)", async () => {
    await start({ connection: 'email', email: USERS.alice.username, send: 'link', authParams });
    idp.clock.advance(DEFAULTS.passwordless.codeLifetime);
    const callback = await open(linkFor(USERS.alice.username)!);
    expect(callback.get('error')).toBe('unauthorized');
    expect(callback.get('error_description')).toContain('expired');
  });

  it('lets a link whose authorization failed (a foreign redirect_uri) sign no later login in once its hand-off has passed', async () => {
    await start({ connection: 'email', email: USERS.alice.username, authParams: { ...authParams, redirect_uri: 'http://evil.example/callback' } });
    const browser = new HeadlessBrowser();
    expect((await browser.navigate(linkFor(USERS.alice.username)!, { stopAt: 'http://evil.example' })).response.status).toBe(400);
    idp.clock.advance(DEFAULTS.passwordless.linkHandoff);
    expect((await startAuthorize(idp, browser)).page.body).toContain('name="password"');
  });

  it('refuses a link with another code or no email with 4xx, never a 500', async () => {
    await start({ connection: 'email', email: USERS.alice.username, authParams });
    const link = new URL(linkFor(USERS.alice.username)!);
    const code = link.searchParams.get('verification_code')!;
    link.searchParams.set('verification_code', code === '000000' ? '111111' : '000000');
    expect((await open(link.href)).get('error')).toBe('unauthorized');
    for (const drop of ['email', 'client_id', 'connection']) {
      const broken = new URL(link);
      broken.searchParams.delete(drop);
      expect((await fetch(broken, { redirect: 'manual' })).status).toBe(400);
    }
  });
});

describe('passwordless users (connections email and sms)', () => {
  const DORA = 'dora@example.com';
  const PHONE = '+15555550199';

  async function management(path: string) {
    const response = await fetch(`${idp.issuer}api/v2/${path}`, { headers: { authorization: `Bearer ${await managementToken(idp, MGMT)}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
  }

  it('creates email|<id> at an unknown address\'s first login, signs the same user in next time, and lists it in the Management API under connection email', async () => {
    const started = await start({ connection: 'email', email: DORA, send: 'code' });
    const first = await exchange('email', DORA, codeFor(DORA)!);
    expect(first.status).toBe(200);
    const { payload } = await verify(idp, first.body.id_token!, APP.clientId);
    expect(payload).toMatchObject({ sub: `email|${String(started.body._id)}`, email: DORA, email_verified: true });
    await start({ connection: 'email', email: DORA, send: 'code' });
    expect((await verify(idp, (await exchange('email', DORA, codeFor(DORA)!)).body.id_token!, APP.clientId)).payload.sub).toBe(payload.sub);

    const listed = await management('users?connection=email');
    expect(listed.body.map((u) => u.user_id)).toEqual([payload.sub]);
    expect(listed.body[0]).toMatchObject({ email: DORA, identities: [{ provider: 'email', connection: 'email', isSocial: false }] });
    expect((await management(`users/${encodeURIComponent(payload.sub!)}`)).status).toBe(200);
  });

  it('creates sms|<id> for an unknown phone number: no email claim, the phone number in the Management API', async () => {
    await start({ connection: 'sms', phone_number: PHONE });
    const { status, body } = await exchange('sms', PHONE, codeFor(PHONE)!);
    expect(status).toBe(200);
    const { payload } = await verify(idp, body.id_token!, APP.clientId);
    expect(payload.sub).toMatch(/^sms\|[0-9a-f]{24}$/);
    expect(payload.email).toBeUndefined();
    expect((await management(`users/${encodeURIComponent(payload.sub!)}`)).body).toMatchObject({ phone_number: PHONE, identities: [{ provider: 'sms', connection: 'sms' }] });
  });

  it("creates nobody when the connection's sign-ups are disabled: the right code answers 403 invalid_grant", async () => {
    await idp.updateTenant((t) => void (t.passwordless = { email: { disableSignup: true } }));
    await start({ connection: 'email', email: DORA, send: 'code' });
    expect(await exchange('email', DORA, codeFor(DORA)!)).toMatchObject({ status: 403, body: { error: 'invalid_grant' } });
    expect(idp.tenant.passwordless.email.users).toEqual([]);
  });
});
