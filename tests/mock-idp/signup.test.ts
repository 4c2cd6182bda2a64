/**
 * Sign-up on the database connection, "Forgot password?", the outbox and the links of its emails,
 * over HTTP in-process: the login page's screens, Auth0's /dbconnections endpoints, /_mock/emails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp, type OutboxEmail, type TenantInput } from '../../mock-idp/index.js';
import { APP, codeFlow, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp?.close());
afterEach(() => {
  idp.reset();
});

/** Sets the database connection's settings for one test (reset() puts the fixture's back). */
const connection = (settings: NonNullable<TenantInput['databaseConnection']>) =>
  idp.updateTenant((t) => {
    t.databaseConnection = settings;
  });

/** The href of the link with this text on a page. */
function link(page: Page, text: string): string {
  const href = new RegExp(`<a href="([^"]+)">${text}</a>`).exec(page.body)?.[1];
  if (!href) throw new Error(`no link "${text}" on ${page.url}`);
  return new URL(href.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))), page.url).href;
}

async function signupPage(browser: HeadlessBrowser) {
  const started = await startAuthorize(idp, browser);
  return { ...started, signup: await browser.navigate(link(started.page, 'Sign up')) };
}

/** Redeems a callback's code and reads the ID token's claims. */
async function claimsAfter(callback: Page, verifier: string) {
  const code = new URL(callback.url).searchParams.get('code') ?? '';
  const { body } = await tokenRequest(idp, { grant_type: 'authorization_code', code, redirect_uri: APP.callback, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
  return JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

const ticketOf = (email: OutboxEmail | undefined) => new URL(email!.links[0]!);

describe('the sign-up page', () => {
  it('signs up a new user from the login page\'s "Sign up", signs them in and continues the authorization, unverified, with a verification email', async () => {
    const browser = new HeadlessBrowser();
    const { signup, verifier } = await signupPage(browser);
    expect(signup.response.status).toBe(200);
    expect(signup.body).toContain('Sign up to Sample App');
    const callback = await browser.submit(signup, '/signup', { email: 'erin@example.com', password: 'erin-pass' }, APP.callback);
    expect(callback.url).toMatch(/^http:\/\/localhost:3000\/callback\?code=/);
    const claims = await claimsAfter(callback, verifier);
    expect(claims).toMatchObject({ email: 'erin@example.com', email_verified: false, sub: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/) });
    expect(idp.tenant.users.find((u) => u.email === 'erin@example.com')).toMatchObject({ sub: claims.sub, emailVerified: false });
    expect(idp.emails({ to: 'erin@example.com' })).toEqual([expect.objectContaining({ kind: 'verify_email', subject: 'Verify your email' })]);
    expect(idp.events().map((e) => e.type)).toContain('signup.success');
  });

  it('refuses a duplicate email (any case) on the page, 400 with a message, and creates nothing', async () => {
    const browser = new HeadlessBrowser();
    const { signup } = await signupPage(browser);
    const refused = await browser.submit(signup, '/signup', { email: 'Alice@Example.com', password: 'another' });
    expect(refused.response.status).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(idp.tenant.users).toHaveLength(3);
    expect(idp.events().at(-1)).toMatchObject({ type: 'signup.failed', error: 'ERR_DUPLICATE_EMAIL' });
  });

  it('refuses a password the policy does not accept, listing the rules met and not met, and creates nothing', async () => {
    await connection({ passwordPolicy: 'good' });
    const browser = new HeadlessBrowser();
    const { signup } = await signupPage(browser);
    expect(signup.body).toContain('* At least 8 characters in length');
    const refused = await browser.submit(signup, '/signup', { email: 'weak@example.com', password: 'abcdefgh' });
    expect(refused.response.status).toBe(400);
    expect(refused.body).toContain('✓ At least 8 characters in length');
    expect(refused.body).toContain('✗ upper case letters (A-Z)');
    expect(idp.tenant.users.some((u) => u.email === 'weak@example.com')).toBe(false);
    expect(idp.events().at(-1)).toMatchObject({ type: 'signup.failed', error: 'ERR_PASSWORD_STRENGTH' });
  });

  it('with sign-ups disabled, has no "Sign up" link, and refuses the page and its form with 403', async () => {
    const browser = new HeadlessBrowser();
    const { page, signup } = await signupPage(browser);
    await connection({ disableSignup: true });
    const reloaded = await browser.navigate(page.url);
    expect(reloaded.body).not.toContain('>Sign up</a>');
    expect(reloaded.body).toContain('>Forgot password?</a>');
    expect((await browser.navigate(link(page, 'Sign up'))).response.status).toBe(403);
    const posted = await browser.submit(signup, '/signup', { email: 'nope@example.com', password: 'pw' });
    expect(posted.response.status).toBe(403);
    expect(idp.tenant.users.some((u) => u.email === 'nope@example.com')).toBe(false);
  });

  it('opens the sign-up screen first with screen_hint=signup, and the login page without it or with sign-ups disabled', async () => {
    const hinted = await startAuthorize(idp, new HeadlessBrowser(), { extra: { screen_hint: 'signup' } });
    expect(hinted.page.body).toContain('Sign up to Sample App');
    expect(hinted.page.body).toMatch(/action="\/interaction\/[\w-]+\/signup"/);
    const plain = await startAuthorize(idp, new HeadlessBrowser());
    expect(plain.page.body).toContain('Log in to Sample App');
    await connection({ disableSignup: true });
    expect((await startAuthorize(idp, new HeadlessBrowser(), { extra: { screen_hint: 'signup' } })).page.body).toContain('Log in to Sample App');
  });

  it('offers sign-up from the account chooser (prompt=select_account) as from the login page', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const { page } = await startAuthorize(idp, browser, { extra: { prompt: 'select_account' } });
    expect(page.body).toContain('Choose an account');
    const signup = await browser.navigate(link(page, 'Sign up'));
    expect(signup.response.status).toBe(200);
    expect(signup.body).toContain('Sign up to Sample App');
    await browser.submit(signup, '/signup', { email: 'frank@example.com', password: 'frank-pass' }, APP.callback);
    expect(idp.tenant.users.some((u) => u.email === 'frank@example.com')).toBe(true);
  });

  it('refuses a sign-up form without the login attempt\'s CSRF token (403)', async () => {
    const browser = new HeadlessBrowser();
    const { signup } = await signupPage(browser);
    const forged = await browser.submit(signup, '/signup', { email: 'csrf@example.com', password: 'pw', _csrf: 'forged' });
    expect(forged.response.status).toBe(403);
    expect(idp.tenant.users.some((u) => u.email === 'csrf@example.com')).toBe(false);
  });
});

describe('"Forgot password?" and the reset link', () => {
  async function requestReset(email: string) {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const form = await browser.navigate(link(page, 'Forgot password\\?'));
    const sent = await browser.submit(form, '/forgot-password', { email });
    return { browser, sent };
  }

  it('mails a reset link to the outbox; the link sets a new password the policy accepts, once; the user logs in with it', async () => {
    await connection({ passwordPolicy: 'low' });
    const { sent } = await requestReset('bob@example.com');
    expect(sent.body).toContain("We've just sent you an email to reset your password.");
    const [email] = idp.emails({ to: 'bob@example.com' });
    expect(email).toMatchObject({ kind: 'reset_password', links: [expect.stringMatching(new RegExp(`^${idp.issuer}u/reset-password\\?ticket=`))] });

    const browser = new HeadlessBrowser();
    const form = await browser.navigate(email!.links[0]!);
    expect(form.response.status).toBe(200);
    expect(form.body).toContain('bob@example.com');
    const weak = await browser.submit(form, '/u/reset-password', { password: 'short' });
    expect(weak.response.status).toBe(400);
    const done = await browser.submit(weak, '/u/reset-password', { password: 'bob-new-pass' });
    expect(done.response.status).toBe(200);
    expect(done.body).toContain('Password changed');
    expect((await browser.navigate(email!.links[0]!)).response.status).toBe(400);

    const user = new HeadlessBrowser();
    const login = await startAuthorize(idp, user);
    const oldPassword = await submitLogin(user, login.page, USERS.bob, APP.callback);
    expect(oldPassword.response.status).toBe(401);
    expect((await submitLogin(user, oldPassword, { username: 'bob@example.com', password: 'bob-new-pass' }, APP.callback)).url).toMatch(/\?code=/);
  });

  it('says the same for an unknown email and mails nothing', async () => {
    const { sent } = await requestReset('nobody@example.com');
    expect(sent.response.status).toBe(200);
    expect(sent.body).toContain("We've just sent you an email to reset your password.");
    expect(idp.emails()).toEqual([]);
  });

  it('refuses an expired link (400 invalid_ticket), and a reset form posted without the link\'s CSRF token (403)', async () => {
    const linkNow = async () => {
      await requestReset('carol@example.com');
      return idp.emails({ to: 'carol@example.com' }).at(-1)!.links[0]!;
    };
    const browser = new HeadlessBrowser();
    const form = await browser.navigate(await linkNow());
    expect((await browser.submit(form, '/u/reset-password', { password: 'x', _csrf: 'forged' })).response.status).toBe(403);

    const expiring = await linkNow();
    idp.clock.advance('5d');
    const expired = await new HeadlessBrowser().navigate(expiring);
    expect(expired.response.status).toBe(400);
    expect(expired.body).toContain('invalid_ticket');
  });
});

describe('the verification link', () => {
  it('flips email_verified of the signed-up user, once', async () => {
    const browser = new HeadlessBrowser();
    const { signup } = await signupPage(browser);
    await browser.submit(signup, '/signup', { email: 'frank@example.com', password: 'pw' }, APP.callback);
    const verification = idp.emails({ to: 'frank@example.com' })[0]!;
    expect(ticketOf(verification).pathname).toBe('/u/email-verification');
    const opened = await new HeadlessBrowser().navigate(verification.links[0]!);
    expect(opened.response.status).toBe(200);
    expect(opened.body).toContain('Email verified');
    expect(idp.tenant.users.find((u) => u.email === 'frank@example.com')?.emailVerified).toBe(true);
    expect((await new HeadlessBrowser().navigate(verification.links[0]!)).response.status).toBe(400);
  });

  it('is not sent when the connection does not require verification: the user starts verified', async () => {
    await connection({ requireEmailVerification: false });
    const browser = new HeadlessBrowser();
    const { signup, verifier } = await signupPage(browser);
    const callback = await browser.submit(signup, '/signup', { email: 'gina@example.com', password: 'pw' }, APP.callback);
    expect(await claimsAfter(callback, verifier)).toMatchObject({ email_verified: true });
    expect(idp.emails()).toEqual([]);
  });
});

/** POST a JSON body to the Authentication API. */
async function post(path: string, body: unknown) {
  const response = await fetch(`${idp.issuer}dbconnections/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, json: (() => { try { return JSON.parse(text) as Record<string, unknown>; } catch { return undefined; } })() };
}

const SIGNUP = { client_id: APP.clientId, connection: 'Username-Password-Authentication' };

describe('POST /dbconnections/signup', () => {
  it("creates the user and answers Auth0's body: _id without auth0|, email, email_verified and the profile given", async () => {
    const answer = await post('signup', { ...SIGNUP, email: 'hank@example.com', password: 'hank-pass', given_name: 'Hank', family_name: 'Hill', name: 'Hank Hill', nickname: 'hank', picture: 'https://example.com/h.png', user_metadata: { plan: 'free' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), email: 'hank@example.com', email_verified: false, given_name: 'Hank', family_name: 'Hill', name: 'Hank Hill', nickname: 'hank', picture: 'https://example.com/h.png', user_metadata: { plan: 'free' } });
    expect(idp.tenant.users.find((u) => u.email === 'hank@example.com')).toMatchObject({ sub: `auth0|${answer.json?._id}`, userMetadata: { plan: 'free' } });
  });

  it('answers a duplicate email with 400 invalid_signup, or user_exists with the tenant flag on', async () => {
    expect(await post('signup', { ...SIGNUP, email: 'alice@example.com', password: 'x' })).toMatchObject({ status: 400, json: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 } });
    await connection({ userExistsError: true });
    expect(await post('signup', { ...SIGNUP, email: 'alice@example.com', password: 'x' })).toMatchObject({ status: 400, json: { code: 'user_exists', description: 'The user already exists.' } });
  });

  it('answers a weak password with 400 invalid_password, PasswordStrengthError, the rules and the policy text', async () => {
    await connection({ passwordPolicy: 'fair', passwordMinLength: 10 });
    const answer = await post('signup', { ...SIGNUP, email: 'ivy@example.com', password: 'short1A' });
    expect(answer).toMatchObject({ status: 400, json: { name: 'PasswordStrengthError', message: 'Password is too weak', code: 'invalid_password', statusCode: 400, policy: '* At least 10 characters in length\n* Should contain:\n * lower case letters (a-z)\n * upper case letters (A-Z)\n * numbers (i.e. 0-9)' } });
    expect(answer.json?.description).toMatchObject({ verified: false, rules: [{ code: 'lengthAtLeast', format: [10], verified: false }, { code: 'shouldContain', verified: true }] });
    expect(idp.tenant.users.some((u) => u.email === 'ivy@example.com')).toBe(false);
  });

  it('answers 400 "public signup is disabled" when the connection disables sign-ups', async () => {
    await connection({ disableSignup: true });
    expect(await post('signup', { ...SIGNUP, email: 'jo@example.com', password: 'x' })).toMatchObject({ status: 400, json: { error: 'public signup is disabled' } });
  });

  it('answers bad.<field> for a missing or unknown client_id or connection, a missing email or password, bad user_metadata; invalid_signup for a malformed email', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ connection: SIGNUP.connection, email: 'a@example.com', password: 'x' }, 'bad.client_id'],
      [{ ...SIGNUP, client_id: 'nope', email: 'a@example.com', password: 'x' }, 'bad.client_id'],
      [{ client_id: APP.clientId, email: 'a@example.com', password: 'x' }, 'bad.connection'],
      [{ ...SIGNUP, connection: 'google-oauth2', email: 'a@example.com', password: 'x' }, 'bad.connection'],
      [{ ...SIGNUP, password: 'x' }, 'bad.email'],
      [{ ...SIGNUP, email: 'a@example.com' }, 'bad.password'],
      [{ ...SIGNUP, email: 'a@example.com', password: 'x', given_name: 7 }, 'bad.given_name'],
      [{ ...SIGNUP, email: 'a@example.com', password: 'x', user_metadata: { n: 1 } }, 'bad.user_metadata'],
    ];
    for (const [body, error] of cases) expect(await post('signup', body), error).toMatchObject({ status: 400, json: { error } });
    expect(await post('signup', { ...SIGNUP, email: 'not-an-email', password: 'x' })).toMatchObject({ status: 400, json: { code: 'invalid_signup' } });
    const notJson = await fetch(`${idp.issuer}dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(idp.tenant.users).toHaveLength(3);
  });
});

describe('POST /dbconnections/change_password', () => {
  it("answers 200 \"We've just sent you an email to reset your password.\" and mails a reset link, for a known email only", async () => {
    const known = await post('change_password', { ...SIGNUP, email: 'carol@example.com' });
    expect(known).toMatchObject({ status: 200, text: "We've just sent you an email to reset your password." });
    expect(known.type).toMatch(/^text\/html/);
    expect(await post('change_password', { ...SIGNUP, email: 'nobody@example.com' })).toMatchObject({ status: 200, text: known.text });
    expect(idp.emails().map((e) => [e.to, e.kind])).toEqual([['carol@example.com', 'reset_password']]);
    expect(await post('change_password', { ...SIGNUP })).toMatchObject({ status: 400, json: { error: 'bad.email' } });
  });
});

describe('the outbox', () => {
  it('is GET /_mock/emails (filtered by ?to=, case-insensitive) and a table on the debugger page', async () => {
    await post('change_password', { ...SIGNUP, email: 'carol@example.com' });
    await post('change_password', { ...SIGNUP, email: 'bob@example.com' });
    const all = (await (await fetch(`${idp.issuer}_mock/emails`)).json()) as { emails: OutboxEmail[] };
    expect(all.emails.map((e) => e.to)).toEqual(['carol@example.com', 'bob@example.com']);
    expect(all.emails[0]).toEqual({ id: expect.any(String), to: 'carol@example.com', subject: 'Reset your password', kind: 'reset_password', text: expect.stringContaining(all.emails[0]!.links[0]!), links: [expect.any(String)], created_at: expect.any(String), expires: expect.any(String) });
    const bob = (await (await fetch(`${idp.issuer}_mock/emails?to=BOB@example.com`)).json()) as { emails: OutboxEmail[] };
    expect(bob.emails.map((e) => e.to)).toEqual(['bob@example.com']);
    const debuggerPage = await (await fetch(`${idp.issuer}_mock/`)).text();
    expect(debuggerPage).toContain('<table id="outbox">');
    expect(debuggerPage).toContain(bob.emails[0]!.links[0]!.replace(/&/g, '&#38;'));
  });
});
