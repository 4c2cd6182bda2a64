import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findForms, HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { APP, startAuthorize, submitLogin, USERS } from '../helpers/oauth.js';
import { tenantWith } from './tenants.js';

const THIRD_PARTY = { clientId: 'third-party-app', secret: 'third-party-secret', callback: 'http://localhost:4400/callback' } as const;

let idp: MockIdp;
beforeAll(async () => {
  const tenant = tenantWith((apps) => {
    apps.push({ clientId: THIRD_PARTY.clientId, name: 'Third Party App', appType: 'regular_web', clientSecret: THIRD_PARTY.secret, firstParty: false, callbacks: [THIRD_PARTY.callback] });
  });
  idp = await startMockIdp({ port: 0, tenant });
});
afterAll(() => idp.close());

/** The form of the page whose action ends with `/<name>`, with its hidden fields. */
function formOf(page: Page, name: string) {
  const form = findForms(page.body).find((f) => f.action.endsWith(`/${name}`));
  if (!form) throw new Error(`no /${name} form on ${page.url}`);
  return { url: new URL(form.action, page.url).href, fields: form.fields };
}

/** POSTs a form of the page as the browser would, with `fields` changed (undefined removes a field) and extra headers. */
async function post(browser: HeadlessBrowser, page: Page, name: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const { url, fields: hidden } = formOf(page, name);
  const form = Object.fromEntries(Object.entries({ ...hidden, ...fields }).filter((e): e is [string, string] => e[1] !== undefined));
  return browser.request(url, { method: 'POST', form, headers });
}

const errorOf = async (response: Response) => /<code>([^<]+)<\/code>/.exec(await response.text())?.[1];

describe('login form CSRF protection', () => {
  it('every form of the login page carries the same hidden token, bound to its interaction', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    const forms = findForms(page.body);
    expect(forms.length).toBeGreaterThanOrEqual(5); // login, 2 social, 3 test users, abort
    const tokens = new Set(forms.map((f) => f.fields._csrf));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^[\w-]{43}$/);
    const other = await startAuthorize(idp, new HeadlessBrowser());
    expect(findForms(other.page.body)[0]!.fields._csrf).not.toBe([...tokens][0]);
  });

  it('refuses a login POST without the token: 403 invalid_csrf_token, no login, no failed-login counted', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const since = idp.events().at(-1)?.seq ?? 0;
    const response = await post(browser, page, 'login', { ...USERS.alice, _csrf: undefined });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
    expect(await errorOf(response)).toBe('invalid_csrf_token');
    expect(idp.events(since).filter((e) => e.type.startsWith('login.'))).toEqual([]);
  });

  it("refuses a login POST with another interaction's token (403), though its cookies and uid are right", async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    const other = await startAuthorize(idp, new HeadlessBrowser());
    const response = await post(browser, page, 'login', { ...USERS.alice, _csrf: formOf(other.page, 'login').fields._csrf });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toBe('invalid_csrf_token');
  });

  it("accepts the page's own token: the login goes on to the callback", async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const response = await post(browser, page, 'login', USERS.alice);
    expect(response.status).toBe(303);
    const callback = await browser.navigate(new URL(response.headers.get('location')!, page.url).href, { stopAt: redirectUri });
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  });

  it('refuses a POST from a foreign Origin even with the right token (403 cross_origin_request), and accepts the mock\'s own Origin', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(idp, browser);
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await post(browser, page, 'login', USERS.alice, { origin });
      expect(refused.status).toBe(403);
      expect(await errorOf(refused)).toBe('cross_origin_request');
    }
    const accepted = await post(browser, page, 'login', USERS.alice, { origin: new URL(idp.issuer).origin });
    expect(accepted.status).toBe(303);
  });

  it('guards the social and abort POSTs the same way', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    for (const name of ['social', 'abort']) {
      const refused = await post(browser, page, name, { _csrf: undefined });
      expect(refused.status, name).toBe(403);
      expect(await errorOf(refused)).toBe('invalid_csrf_token');
    }
    const social = await browser.submit(page, '/social', {}, redirectUri);
    expect(new URL(social.url).searchParams.get('code')).toBeTruthy();

    const aborting = new HeadlessBrowser();
    const started = await startAuthorize(idp, aborting);
    const aborted = await aborting.submit(started.page, '/abort', {}, redirectUri);
    expect(new URL(aborted.url).searchParams.get('error')).toBe('access_denied');
  });

  it('guards the consent POSTs (accept and deny) the same way', async () => {
    const browser = new HeadlessBrowser();
    const started = await startAuthorize(idp, browser, { clientId: THIRD_PARTY.clientId, redirectUri: THIRD_PARTY.callback, scope: 'openid profile read:orders' });
    const consent = await submitLogin(browser, started.page, USERS.bob, THIRD_PARTY.callback);
    expect(findForms(consent.body).some((f) => f.action.endsWith('/consent'))).toBe(true);
    for (const name of ['consent', 'abort']) {
      const refused = await post(browser, consent, name, { _csrf: undefined });
      expect(refused.status, name).toBe(403);
      expect(await errorOf(refused)).toBe('invalid_csrf_token');
    }
    const accepted = await browser.submit(consent, '/consent', {}, THIRD_PARTY.callback);
    expect(new URL(accepted.url).searchParams.get('code')).toBeTruthy();
  });

  it('keeps headless login (loginForTokens) working: it submits the hidden token with the form', async () => {
    const tokens = await idp.loginForTokens({ user: USERS.carol.username, clientId: APP.clientId });
    expect(tokens.access_token).toBeTruthy();
  });
});
