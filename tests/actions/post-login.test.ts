import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, TenantConfigError, type MockIdp, type TenantInput } from '../../mock-idp/index.js';
import { API, APP, clientCredentialsRequest, codeFlow, refreshRequest, startAuthorize, submitLogin, tokenRequest, USERS, verify, WORKER } from '../helpers/oauth.js';
import { fixtureTenant } from '../mock-idp/tenants.js';

const ROLES = 'https://example.com/roles';
const action = (name: string) => `./tests/fixtures/actions/${name}`;
const DAVE = { username: 'dave@blocked.example', password: 'dave-pass-1234' };

let idp: MockIdp;
beforeAll(async () => {
  const tenant = fixtureTenant();
  tenant.users = [...(tenant.users ?? []), { sub: 'auth0|dave', email: DAVE.username, password: DAVE.password, name: 'Dave Denied' }];
  idp = await startMockIdp({ port: 0, tenant });
});
afterAll(() => idp.close());

/** Runs the tenant's post-login trigger with these action files from now on. */
async function installActions(actions: Partial<NonNullable<TenantInput['actions']>>) {
  await idp.updateTenant((draft) => {
    draft.actions = { postLogin: [], credentialsExchange: [], ...actions };
  });
}

/** A login through the login page that ends at the callback: its query (code or error). */
async function callbackOf(user: { username: string; password: string }) {
  const browser = new HeadlessBrowser();
  const { page, redirectUri } = await startAuthorize(idp, browser);
  const callback = await submitLogin(browser, page, user, redirectUri);
  return { query: new URL(callback.url).searchParams, browser };
}

const eventsOf = (type: string, since = 0) => idp.events(since).filter((e) => e.type === type);
const BOB_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f2';

/** Redeems the code of a callback URL. */
function redeem(callbackUrl: string, verifier: string, redirectUri: string) {
  const code = new URL(callbackUrl).searchParams.get('code') ?? '';
  return tokenRequest(idp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
}

describe('post-login Actions', () => {
  it('puts a namespaced roles claim in the ID and access tokens, and drops the reserved claims it sets', async () => {
    await installActions({ postLogin: [action('add-roles.js')] });
    const since = idp.events().at(-1)?.seq ?? 0;
    const { tokens } = await codeFlow(idp, USERS.alice);
    expect(tokens.status).toBe(200);
    const { payload: at } = await verify(idp, tokens.body.access_token!, API);
    const { payload: id } = await verify(idp, tokens.body.id_token!, APP.clientId);
    expect(at[ROLES]).toEqual(['admin']);
    expect(id[ROLES]).toEqual(['admin']);
    expect(at['https://example.com/protocol']).toBe('oidc-basic-profile');
    expect(at.permissions).toEqual(['read:orders', 'write:orders']);
    expect(id.sub).toBe('auth0|65a1f0c2e4b0a1b2c3d4e5f1');
    expect(eventsOf('action.claim_ignored', since).map((e) => e.detail?.claim).sort()).toEqual(['permissions', 'sub']);
  });

  it('runs again on a refresh-token exchange (protocol oauth2-refresh-token), and a deny there answers 403 access_denied', async () => {
    await installActions({ postLogin: [action('add-roles.js')] });
    const { tokens } = await codeFlow(idp, USERS.bob);
    const refreshed = await refreshRequest(idp, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    const { payload: at } = await verify(idp, refreshed.body.access_token!, API);
    expect(at['https://example.com/protocol']).toBe('oauth2-refresh-token');
    expect(at[ROLES]).toEqual(['viewer']);
    expect((await verify(idp, refreshed.body.id_token!, APP.clientId)).payload[ROLES]).toEqual(['viewer']);

    await installActions({ postLogin: [action('deny-domain.mjs')], secrets: { DENIED_DOMAIN: 'example.com' } });
    const denied = await refreshRequest(idp, refreshed.body.refresh_token!);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('access_denied');
  });

  it('denies a login by email domain (ESM action, secret): the callback gets error=access_denied with the reason, other users log in', async () => {
    await installActions({ postLogin: [action('deny-domain.mjs')], secrets: { DENIED_DOMAIN: 'blocked.example' } });
    const denied = await callbackOf(DAVE);
    expect(denied.query.get('error')).toBe('access_denied');
    expect(denied.query.get('error_description')).toBe('Users of blocked.example may not use Sample App');
    expect(denied.query.get('code')).toBeNull();
    expect(eventsOf('action.denied').at(-1)).toMatchObject({ sub: 'auth0|dave', error: 'access_denied' });
    expect((await callbackOf(USERS.alice)).query.get('code')).toBeTruthy();
  });

  it('adds a scope to the access token with addScope and takes one away with removeScope', async () => {
    await installActions({ postLogin: [action('add-scope.js')] });
    const { tokens } = await codeFlow(idp, USERS.alice);
    const scopes = String((await verify(idp, tokens.body.access_token!, API)).payload.scope).split(' ');
    expect(scopes).toEqual(expect.arrayContaining(['read:orders', 'write:orders', 'export:orders']));
    const carol = await codeFlow(idp, USERS.carol, { scope: 'openid write:orders' });
    const carolScopes = String((await verify(idp, carol.tokens.body.access_token!, API)).payload.scope).split(' ');
    expect(carolScopes).toContain('openid');
    expect(carolScopes).not.toContain('write:orders');
  });

  it('persists setAppMetadata / setUserMetadata: the next login sees the write in event.user', async () => {
    await installActions({ postLogin: [action('count-logins.js')] });
    const first = await codeFlow(idp, USERS.bob);
    expect((await verify(idp, first.tokens.body.id_token!, APP.clientId)).payload['https://example.com/previous_logins']).toBe(0);
    const second = await codeFlow(idp, USERS.bob);
    expect((await verify(idp, second.tokens.body.id_token!, APP.clientId)).payload['https://example.com/previous_logins']).toBe(1);
    const bob = idp.tenant.users.find((u) => u.email === USERS.bob.username)!;
    expect(bob.appMetadata).toMatchObject({ login_count: 2 });
    expect(bob.userMetadata).toMatchObject({ last_client: APP.clientId });
  });

  it('fails the login when an action throws: error=access_denied on the callback, the stack in the event log', async () => {
    await installActions({ postLogin: [action('add-roles.js'), action('throws.js')] });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { query } = await callbackOf(USERS.alice);
      expect(query.get('error')).toBe('access_denied');
      expect(query.get('code')).toBeNull();
      const failed = eventsOf('action.failed').at(-1)!;
      expect(failed.error).toBe('action_error');
      expect(String(failed.detail?.stack)).toContain('throws.js');
      expect(errors).toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('fails a login whose action never settles once the trigger timeout passes', async () => {
    await installActions({ postLogin: [action('hangs.js')], timeoutMs: 150 });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { query } = await callbackOf(USERS.alice);
      expect(query.get('error')).toBe('access_denied');
      expect(eventsOf('action.failed').at(-1)).toMatchObject({ error: 'timeout', detail: { timeoutMs: 150 } });
    } finally {
      errors.mockRestore();
    }
  });

});

describe('post-login Actions that enable MFA', () => {
  it('shows the one-time-code step after the actions for the user an action enables MFA for (policy never), with amr ["mfa"]; others pass without it', async () => {
    await installActions({ postLogin: [action('mfa.js'), action('add-roles.js')], secrets: { MFA_USER: USERS.bob.username } });
    const alice = await callbackOf(USERS.alice);
    expect(alice.query.get('code')).toBeTruthy();

    const browser = new HeadlessBrowser();
    const { page, redirectUri, verifier } = await startAuthorize(idp, browser);
    const step = await submitLogin(browser, page, USERS.bob, redirectUri);
    expect(step.response.status).toBe(200);
    expect(step.url).toContain('/interaction/');
    expect(eventsOf('mfa.challenged').at(-1)).toMatchObject({ sub: BOB_SUB, detail: { action: 'any' } });
    const callback = await browser.submit(step, '/mfa', { code: idp.otp(USERS.bob.username) }, redirectUri);
    const tokens = await redeem(callback.url, verifier, redirectUri);
    expect(tokens.status).toBe(200);
    const { payload } = await verify(idp, tokens.body.id_token!, APP.clientId);
    expect(payload.amr).toEqual(['mfa']);
    // The actions' claims survive the MFA step (they ran before it).
    expect(payload[ROLES]).toEqual(['viewer']);
  });
});

describe('the login events of a sign-in the Actions decide', () => {
  const GINA = 'google-oauth2|104857600000000000001';
  const since = () => idp.events().at(-1)?.seq ?? 0;

  it('logs a social login an action denies as login.failed, never as login.success', async () => {
    await installActions({ postLogin: [action('deny-domain.mjs')], secrets: { DENIED_DOMAIN: 'gmail.example' } });
    const from = since();
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const callback = await browser.submit(page, '/social', { connection: 'google-oauth2' }, redirectUri);
    expect(new URL(callback.url).searchParams.get('error')).toBe('access_denied');
    expect(eventsOf('login.success', from)).toEqual([]);
    expect(eventsOf('login.failed', from)).toEqual([expect.objectContaining({ sub: GINA, error: 'access_denied' })]);
  });

  it('logs one login.success for a passwordless login whose action asks for MFA, once the one-time code is right', async () => {
    await installActions({ postLogin: [action('mfa.js')], secrets: { MFA_USER: USERS.bob.username } });
    const from = since();
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const emailForm = await browser.navigate(new URL(`/interaction/${new URL(page.url).pathname.split('/')[2]}/passwordless`, page.url).href);
    const codeForm = await browser.submit(emailForm, '/passwordless', { email: USERS.bob.username });
    const code = idp.emails({ to: USERS.bob.username }).filter((e) => e.kind === 'passwordless_code').at(-1)!.code!;
    const step = await browser.submit(codeForm, '/passwordless', { code });
    expect(step.body).toContain('/mfa"');
    expect(eventsOf('login.success', from)).toEqual([]);
    const callback = await browser.submit(step, '/mfa', { code: idp.otp(USERS.bob.username) }, redirectUri);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
    expect(eventsOf('login.success', from)).toEqual([expect.objectContaining({ sub: BOB_SUB, detail: { connection: 'email', mfa: 'otp' } })]);
  });
});

/** The site a redirect Action sends the user to: it checks the action's session token and answers with a form POSTing its own signed answer to /continue. */
function termsSite(secret: string) {
  const key = new TextEncoder().encode(secret);
  const seen: Array<{ email: unknown; state: string | null }> = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const state = url.searchParams.get('state');
    const { payload } = await jwtVerify(url.searchParams.get('session_token') ?? '', key, { algorithms: ['HS256'] });
    seen.push({ email: payload.email, state });
    const accept = url.pathname !== '/decline';
    const answer = await new SignJWT({ state: url.searchParams.get('forge') ?? state, accepted: accept }).setProtectedHeader({ alg: 'HS256' }).setIssuer(String(payload.iss)).setSubject(String(payload.sub)).setIssuedAt().setExpirationTime('1m').sign(key);
    res.setHeader('content-type', 'text/html');
    res.end(`<form method="post" action="${idp.issuer}continue?via=terms-site"><input type="hidden" name="state" value="${state}"><input type="hidden" name="session_token" value="${answer}"></form>`);
  });
  return { server, seen };
}

describe('post-login Actions that redirect (api.redirect.sendUserTo and /continue)', () => {
  const SECRET = 'terms-secret-0123456789abcdef0123';
  const site = termsSite(SECRET);
  let siteUrl: string;
  beforeAll(async () => {
    await new Promise<void>((done) => site.server.listen(0, '127.0.0.1', done));
    siteUrl = `http://127.0.0.1:${(site.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => site.server.close(() => done())));

  /** Carol has not accepted the terms (yet). */
  const forgetTerms = () =>
    idp.updateTenant((draft) => {
      for (const u of draft.users ?? []) if (u.email === USERS.carol.username) u.appMetadata = {};
    });

  /** A login through the terms site: the site's page (its form POSTs to /continue), then the callback. */
  async function loginThroughTerms(path: string, forge?: string) {
    await forgetTerms();
    await installActions({ postLogin: [action('terms-redirect.js'), action('add-roles.js')], secrets: { TERMS_SECRET: SECRET, TERMS_URL: `${siteUrl}${path}${forge ? `?forge=${forge}` : ''}` } });
    const browser = new HeadlessBrowser();
    const { page, redirectUri, verifier } = await startAuthorize(idp, browser);
    const terms = await submitLogin(browser, page, USERS.carol, redirectUri);
    const callback = await browser.submit(terms, '/continue', {}, redirectUri);
    return { terms, callback, query: new URL(callback.url).searchParams, verifier, redirectUri, browser };
  }

  it('pauses the login at the URL with state and a session token, resumes at onContinuePostLogin on POST /continue, then runs the rest', async () => {
    const { terms, query, verifier, redirectUri } = await loginThroughTerms('/terms');
    expect(terms.url.startsWith(`${siteUrl}/terms?`)).toBe(true);
    expect(site.seen.at(-1)).toMatchObject({ email: USERS.carol.username, state: expect.any(String) });
    const tokens = await redeem(`${redirectUri}?${query}`, verifier, redirectUri);
    expect(tokens.status).toBe(200);
    const { payload } = await verify(idp, tokens.body.id_token!, APP.clientId);
    expect(payload['https://example.com/terms']).toBe('terms-site');
    expect(payload[ROLES]).toEqual([]);
    expect(idp.tenant.users.find((u) => u.email === USERS.carol.username)?.appMetadata).toMatchObject({ terms_accepted: true });
    // Accepted once: the next login does not redirect.
    expect((await callbackOf(USERS.carol)).query.get('code')).toBeTruthy();
  });

  it("keeps the tenant's MFA policy across the redirect: after /continue, the one-time-code step, not the callback", async () => {
    const before = idp.tenant.mfa;
    await idp.updateTenant((draft) => {
      draft.mfa = { ...draft.mfa, policy: 'always' };
    });
    try {
      const { callback } = await loginThroughTerms('/terms');
      expect(callback.url).toContain('/interaction/');
      expect(new URL(callback.url).searchParams.get('code')).toBeNull();
    } finally {
      await idp.updateTenant((draft) => {
        draft.mfa = before;
      });
    }
  });

  it('fails the login when the answer is a refusal (deny in onContinuePostLogin) or its token carries another state (validateToken throws)', async () => {
    const declined = await loginThroughTerms('/decline');
    expect(declined.query.get('error')).toBe('access_denied');
    expect(declined.query.get('error_description')).toBe('the terms were not accepted');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const forged = await loginThroughTerms('/terms', 'another-state').finally(() => errors.mockRestore());
    expect(forged.query.get('error')).toBe('access_denied');
    expect(forged.query.get('code')).toBeNull();
    expect(eventsOf('action.failed').at(-1)).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f3', error: 'action_error' });
  });

  it('answers 400 invalid_request on /continue with an unknown or missing state, and a refresh-token run that redirects 403 interaction_required', async () => {
    expect((await fetch(`${idp.issuer}continue?state=nope`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${idp.issuer}continue`, { redirect: 'manual' })).status).toBe(400);
    await installActions({ postLogin: [action('add-roles.js')] });
    const { tokens } = await codeFlow(idp, USERS.carol);
    await installActions({ postLogin: [action('terms-redirect.js')], secrets: { TERMS_SECRET: SECRET, TERMS_URL: siteUrl } });
    await forgetTerms();
    const refreshed = await refreshRequest(idp, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(403);
    expect(refreshed.body.error).toBe('interaction_required');
  });
});

describe('credentials-exchange Actions', () => {
  it('adds a claim to machine tokens, drops a reserved one, and a deny answers 400 with the code it names', async () => {
    await installActions({ credentialsExchange: [action('m2m-tier.js')] });
    const ok = await clientCredentialsRequest(idp);
    expect(ok.status).toBe(200);
    const { payload } = await verify(idp, ok.body.access_token!, API);
    expect(payload['https://example.com/tier']).toBe('gold');
    expect(payload.gty).toBe('client-credentials');

    await installActions({ credentialsExchange: [action('m2m-tier.js')], secrets: { BANNED_CLIENT: WORKER.clientId } });
    const denied = await clientCredentialsRequest(idp);
    expect(denied).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Orders Worker is suspended' } });
  });
});

describe('action files', () => {
  it('refuses to start on a syntax error, naming the file and line', async () => {
    const tenant = { ...fixtureTenant(), actions: { postLogin: [action('syntax-error.js')] } };
    const start = startMockIdp({ port: 0, tenant });
    await expect(start).rejects.toBeInstanceOf(TenantConfigError);
    await expect(start).rejects.toMatchObject({ problems: [{ path: '$.actions.postLogin[0]' }] });
    await expect(start).rejects.toThrow(/syntax-error\.js:3/);
  });

  it('reloads a changed action (paths relative to the tenant file) without a restart, and keeps the old one on a syntax error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-actions-'));
    const file = join(dir, 'claim.cjs');
    const version = (v: number) => `exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://example.com/version', ${v});\n};\n`;
    writeFileSync(file, version(1));
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify({ ...fixtureTenant(), actions: { postLogin: ['./claim.cjs'] } }));
    const local = await startMockIdp({ port: 0, tenant: join(dir, 'tenant.json') });
    const versionAfterLogin = async () => (await verify(local, (await codeFlow(local, USERS.alice)).tokens.body.id_token!, APP.clientId)).payload['https://example.com/version'];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await versionAfterLogin()).toBe(1);
      writeFileSync(file, `${version(2)}// changed\n`);
      expect(await versionAfterLogin()).toBe(2);
      writeFileSync(file, 'exports.onExecutePostLogin = async () => {\n\n  const = ;\n};\n');
      expect(await versionAfterLogin()).toBe(2);
      const failed = local.events().filter((e) => e.type === 'action.reload_failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.detail?.location).toBe(`${file}:3`);
      expect(errors).toHaveBeenCalled();
    } finally {
      errors.mockRestore();
      await local.close();
    }
  });
});
