import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, SPA, USERS } from '../helpers/oauth.js';
import { rawRequest } from '../helpers/raw-request.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const get = (path: string, accept?: string, method = 'GET') => fetch(new URL(path, idp.issuer), { method, headers: accept ? { accept } : {} });
/** The href of every link and the favicon of a server-rendered page. */
const findLinks = (html: string) => [...html.matchAll(/<(?:a|link)\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('the front door at the issuer root', () => {
  it('says it is a local TEST identity provider, and every link on it answers 200', async () => {
    const response = await get('/', BROWSER_ACCEPT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toMatch(/local test identity provider/i);
    expect(body).toContain('not Auth0');
    const links = findLinks(body).map((href) => new URL(href, idp.issuer));
    const paths = links.map((u) => u.pathname);
    for (const expected of ['/.well-known/openid-configuration', '/.well-known/jwks.json', '/_mock/', '/docs', '/_mock/timeline', '/favicon.ico']) expect(paths).toContain(expected);
    for (const url of links) expect.soft((await fetch(url)).status, url.href).toBe(200);
  });

  it("lists the tenant's test users with their seed passwords and its applications with their callbacks", async () => {
    const body = await (await get('/')).text();
    for (const user of Object.values(USERS)) expect(body).toContain(`<code>${user.username}</code></td><td><code>${user.password}</code>`);
    expect(body).toContain(`<code>${APP.clientId}</code>`);
    expect(body).toContain(`<code>${APP.callback}</code>`);
    expect(body).toContain(`<code>${SPA.clientId}</code>`);
    expect(body).toContain(`<code>${API}</code>`);
    expect(body).not.toContain('sample-app-secret');
  });

  it("fills the Auth0 SDK settings with this instance's URLs: issuer with its trailing slash, domain, JWKS URI", async () => {
    const body = await (await get('/')).text();
    const host = new URL(idp.issuer).host;
    expect(body).toContain(`<code>${idp.issuer}</code> <strong>with the trailing slash</strong> / <code>${idp.jwksUri}</code>`);
    expect(body).toContain(`<code>${idp.baseUrl}</code>`);
    expect(body).toContain(`<code>${host}</code>`);
    expect(body).toMatch(/sample-app: ID token 10h \(default\)/);
  });

  it('answers only to its own host names, as the login page (421 misdirected_request otherwise)', async () => {
    expect((await rawRequest(idp.port, '/', { headers: { host: 'rebound.example' } })).status).toBe(421);
  });
});

describe('unknown paths and the favicon', () => {
  it('answers an unknown path with a styled 404 page for a browser', async () => {
    const response = await get('/no-such-page', BROWSER_ACCEPT);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toMatch(/<div class="banner"[^>]*>[^<]*TEST identity provider/);
    expect(body).toContain('<code>not_found</code>');
    expect(findLinks(body)).toContain('/');
  });

  it('answers an unknown path with JSON not_found for an API client, whatever the method', async () => {
    for (const [accept, method] of [[undefined, 'GET'], ['application/json', 'GET'], ['*/*', 'POST'], [undefined, 'DELETE']] as const) {
      const response = await get('/no-such-endpoint', accept, method);
      expect(response.status, `${method} ${accept}`).toBe(404);
      expect(((await response.json()) as { error: string }).error).toBe('not_found');
    }
  });

  it("keeps oidc-provider's own error answers as they are", async () => {
    const response = await get('/authorize', BROWSER_ACCEPT);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('not_found');
  });

  it('serves an SVG favicon that every page links, allowed by the pages\' policy', async () => {
    const icon = await get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg /);
    const page = await get('/', BROWSER_ACCEPT);
    expect(await page.text()).toContain('<link rel="icon" href="/favicon.ico" type="image/svg+xml">');
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self'");
  });
});
