/**
 * The simulated social provider page: the fixed user stays the one-click default, a known identity can be
 * picked, and a typed new identity signs in a new `google-oauth2|…` user on its first login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { findForms, HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, startAuthorize, tokenRequest } from '../helpers/oauth.js';

const GINA = { sub: 'google-oauth2|104857600000000000001', email: 'gina@gmail.example' } as const;

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** The login page, then the simulated Google page its "Another Google account…" link opens. */
async function googlePage() {
  const browser = new HeadlessBrowser();
  const started = await startAuthorize(idp, browser);
  const link = /<a href="([^"]*\/social\/google-oauth2)">/.exec(started.page.body)?.[1];
  expect(link, 'the login page links to the simulated Google page').toBeDefined();
  const page = await browser.navigate(new URL(link!, started.page.url).href);
  expect(page.response.status).toBe(200);
  return { browser, page, verifier: started.verifier };
}

/** Posts the typed-identity form of the provider page. */
function typeIdentity(browser: HeadlessBrowser, page: Page, identity: Record<string, string>) {
  const form = findForms(page.body).find((f) => f.fields.email !== undefined)!;
  return browser.navigate(new URL(form.action, page.url).href, { method: 'POST', form: { ...form.fields, ...identity }, stopAt: APP.callback });
}

async function tokensAt(callback: Page, verifier: string) {
  const code = new URL(callback.url).searchParams.get('code');
  expect(code, `no code at ${callback.url} (HTTP ${callback.response.status})`).toBeTruthy();
  const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code: code!, redirect_uri: APP.callback, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
  expect(tokens.status).toBe(200);
  return { idToken: decodeJwt(tokens.body.id_token!), accessToken: decodeJwt(tokens.body.access_token!) };
}

describe('the simulated social provider page', () => {
  it("keeps the login page's Google button a one-click sign-in of the connection's fixed user", async () => {
    const browser = new HeadlessBrowser();
    const { page, verifier } = await startAuthorize(idp, browser);
    const callback = await browser.submit(page, '/social', { connection: 'google-oauth2' }, APP.callback);
    expect((await tokensAt(callback, verifier)).idToken.sub).toBe(GINA.sub);
  });

  it('lists the known accounts, the fixed user first, and picking one signs that user in', async () => {
    const { browser, page, verifier } = await googlePage();
    const accounts = findForms(page.body).filter((f) => f.fields.account !== undefined);
    expect(accounts[0]?.fields.account).toBe(GINA.sub);
    const callback = await browser.navigate(new URL(accounts[0]!.action, page.url).href, { method: 'POST', form: accounts[0]!.fields, stopAt: APP.callback });
    expect((await tokensAt(callback, verifier)).idToken).toMatchObject({ sub: GINA.sub, email: GINA.email });
  });

  it('signs a typed new identity in as a new google-oauth2 user on its first login, and as the same user the next time', async () => {
    const since = idp.events().at(-1)?.seq ?? 0;
    const first = await googlePage();
    const callback = await typeIdentity(first.browser, first.page, { email: 'new.googler@gmail.example', name: 'New Googler', email_verified: '' });
    const { idToken, accessToken } = await tokensAt(callback, first.verifier);
    expect(idToken.sub).toMatch(/^google-oauth2\|\d+$/);
    expect(idToken.sub).not.toBe(GINA.sub);
    expect(idToken).toMatchObject({ email: 'new.googler@gmail.example', name: 'New Googler', email_verified: false, nickname: 'new.googler' });
    // A new user has no roles: no permissions for the API.
    expect(accessToken).toMatchObject({ sub: idToken.sub, aud: [API, `${idp.issuer}userinfo`], permissions: [] });
    expect(idp.events(since).filter((e) => e.type === 'user.created')).toEqual([expect.objectContaining({ sub: idToken.sub, detail: { connection: 'google-oauth2', firstLogin: true } })]);
    expect(idp.tenant.socialConnections.find((c) => c.name === 'google-oauth2')!.users.map((u) => u.sub)).toEqual([idToken.sub]);

    // The same identity again, in another browser: the same user, nothing created, now listed as a known account.
    const again = await googlePage();
    expect(findForms(again.page.body).map((f) => f.fields.account)).toContain(idToken.sub);
    const second = await tokensAt(await typeIdentity(again.browser, again.page, { email: 'New.Googler@gmail.example', name: 'New Googler', email_verified: '' }), again.verifier);
    expect(second.idToken.sub).toBe(idToken.sub);
    expect(idp.events(since).filter((e) => e.type === 'user.created')).toHaveLength(1);
  });

  it('updates a known identity from what was typed (name, email_verified), as Auth0 syncs the profile at each login', async () => {
    const { browser, page, verifier } = await googlePage();
    const { idToken } = await tokensAt(await typeIdentity(browser, page, { email: 'verified.later@gmail.example', name: 'V', email_verified: '' }), verifier);
    expect(idToken.email_verified).toBe(false);
    const next = await googlePage();
    const synced = await tokensAt(await typeIdentity(next.browser, next.page, { email: 'verified.later@gmail.example', name: 'Verified Later' }), next.verifier);
    expect(synced.idToken).toMatchObject({ sub: idToken.sub, name: 'Verified Later', email_verified: true });
  });

  it('answers a typed identity without a valid email with 400 and the page again, and creates nobody', async () => {
    const before = idp.tenant.socialConnections.find((c) => c.name === 'google-oauth2')!.users.length;
    const { browser, page } = await googlePage();
    const refused = await typeIdentity(browser, page, { email: 'not-an-email', name: 'X' });
    expect(refused.response.status).toBe(400);
    expect(refused.url.startsWith(APP.callback)).toBe(false);
    expect(findForms(refused.body).some((f) => f.fields.email === 'not-an-email')).toBe(true);
    expect(idp.tenant.socialConnections.find((c) => c.name === 'google-oauth2')!.users).toHaveLength(before);
  });

  it('refuses the page of a connection the tenant does not have (400)', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const other = await browser.navigate(new URL(`${new URL(page.url).pathname}/social/facebook`, page.url).href);
    expect(other.response.status).toBe(400);
  });

  it('forgets the signed-in identities at reset (back to the tenant file)', async () => {
    const { browser, page } = await googlePage();
    await typeIdentity(browser, page, { email: 'forgotten@gmail.example' });
    expect(idp.tenant.socialConnections.find((c) => c.name === 'google-oauth2')!.users.length).toBeGreaterThan(0);
    idp.reset();
    expect(idp.tenant.socialConnections.find((c) => c.name === 'google-oauth2')!.users).toEqual([]);
  });
});
