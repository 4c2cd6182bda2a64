import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, pkce, SPA, startAuthorize, USERS } from '../helpers/oauth.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

/** The Content-Security-Policy header as directive → sources. */
function policy(response: Response): Map<string, string[]> {
  const header = response.headers.get('content-security-policy');
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** The CSP source of each inline script of a page, as a browser computes it. */
function inlineScriptSources(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
}

/**
 * What every page of the mock carries: no source but its own stylesheet, scripts only by
 * the hash of the page's own inline scripts, no framing (unless `framableBy`), nosniff, a referrer policy.
 */
function expectPageHeaders(response: Response, html: string, options: { framableBy?: string } = {}) {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = policy(response);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('style-src')).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]+=*'$/)]);
  const scripts = inlineScriptSources(html);
  expect(csp.get('script-src')).toEqual(scripts.length ? scripts : ["'none'"]);
  for (const sources of csp.values()) {
    expect(sources).not.toContain("'unsafe-inline'");
    expect(sources).not.toContain("'unsafe-eval'");
  }
  if (options.framableBy) {
    expect(csp.get('frame-ancestors')).toEqual([options.framableBy]);
    expect(response.headers.get('x-frame-options')).toBeNull();
  } else {
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  }
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
}

/** auth0-spa-js's silent request (the hidden iframe's URL). */
function silentUrl(target: MockIdp) {
  const params = new URLSearchParams({
    client_id: SPA.clientId, redirect_uri: SPA.callback, response_type: 'code', response_mode: 'web_message', prompt: 'none',
    scope: 'openid profile', audience: API, state: 'state-1', nonce: 'nonce-1', code_challenge: pkce().challenge, code_challenge_method: 'S256',
  });
  return `${target.issuer}authorize?${params}`;
}

describe('security headers of every page', () => {
  it('the login page: strict CSP without script, frame-ancestors none, X-Frame-Options DENY, nosniff, Referrer-Policy same-origin', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    expect(page.response.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\//);
    expectPageHeaders(page.response, page.body);
    expect(policy(page.response).get('script-src')).toEqual(["'none'"]);
  });

  it('the style-src hash is the one of the page shell stylesheet, and no page element has a style attribute', async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)?.[1];
    expect(style).toBeTruthy();
    expect(policy(page.response).get('style-src')).toEqual([`'sha256-${createHash('sha256').update(style!, 'utf8').digest('base64')}'`]);
    expect(page.body).not.toMatch(/\sstyle="/);
  });

  it('the debugger page (/_mock/)', async () => {
    const response = await fetch(`${idp.issuer}_mock/`);
    expect(response.status).toBe(200);
    expectPageHeaders(response, await response.text());
  });

  it("oidc-provider's error page (unknown client) and the mock's own error page (an unblock link without ticket)", async () => {
    const provider = await fetch(`${idp.issuer}authorize?client_id=no-such-app&response_type=code&redirect_uri=${encodeURIComponent(APP.callback)}`);
    expect(provider.status).toBe(400);
    const providerBody = await provider.text();
    expect(providerBody).toContain('invalid_client');
    expectPageHeaders(provider, providerBody);

    const own = await fetch(`${idp.issuer}unblock`);
    expect(own.status).toBe(400);
    expectPageHeaders(own, await own.text());
  });

  it("the form_post page: its inline auto-submit script is allowed by its hash only, and it cannot be framed", async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const { page } = await startAuthorize(idp, browser, { extra: { response_mode: 'form_post' } });
    expect(page.response.status).toBe(200);
    expect(page.body).toMatch(/<form method="post" action="http:\/\/localhost:3000\/callback">/);
    expect(page.body).toContain('name="code"');
    const scripts = inlineScriptSources(page.body);
    expect(scripts).toHaveLength(1);
    expectPageHeaders(page.response, page.body);
    expect(policy(page.response).get('script-src')).toEqual(scripts);
  });

  it('the device pages (/activate)', async () => {
    const response = await fetch(`${idp.issuer}activate`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('op.deviceInputForm');
    expect(body).not.toMatch(/\son[a-z]+="/i); // oidc-provider's inline onfocus handler is left out
    expectPageHeaders(response, body);
  });

  it("the logout page (with a session): the mock's own auto-submit script is allowed by its hash", async () => {
    const { browser } = await codeFlow(idp, USERS.carol);
    const page = await browser.navigate(`${idp.issuer}oidc/logout`);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain('op.logoutForm');
    expect(inlineScriptSources(page.body)).toHaveLength(1);
    expectPageHeaders(page.response, page.body);
  });

  it('JSON answers carry nosniff and the same policy', async () => {
    const response = await fetch(`${idp.issuer}.well-known/openid-configuration`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(policy(response).get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('the web_message answer page', () => {
  it("may be framed by the application's web origin it posts to, and by no other (frame-ancestors = that origin, no X-Frame-Options)", async () => {
    const response = await fetch(silentUrl(idp));
    expect(response.status).toBe(400); // login_required: no session
    const body = await response.text();
    expect(body).toContain('login_required');
    expectPageHeaders(response, body, { framableBy: new URL(SPA.callback).origin });
  });

  it('with a session too (the code answer)', async () => {
    const { browser } = await codeFlow(idp, USERS.bob, { clientId: SPA.clientId, redirectUri: SPA.callback });
    const page = await browser.navigate(silentUrl(idp));
    expect(page.body).toMatch(/"code":"/);
    expectPageHeaders(page.response, page.body, { framableBy: 'http://localhost:5173' });
  });

  it('for an origin outside the Allowed Web Origins the refusal page cannot be framed at all', async () => {
    const own = await startMockIdp({ port: 0 });
    try {
      await own.updateTenant((draft) => {
        draft.applications!.find((a) => a.clientId === SPA.clientId)!.webOrigins = [];
      });
      const response = await fetch(silentUrl(own));
      expect(response.status).toBe(400);
      expectPageHeaders(response, await response.text());
    } finally {
      await own.close();
    }
  });
});
