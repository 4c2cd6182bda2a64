/**
 * trustProxy / --trust-proxy: behind the user's own TLS terminator (a fake one here: the test sets
 * the headers a proxy would), URLs and redirects follow X-Forwarded-Proto and X-Forwarded-Host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';

const PUBLIC = 'https://idp.example.test';
const BEHIND_PROXY = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'idp.example.test' };

const started: MockIdp[] = [];
afterEach(async () => void (await Promise.all(started.splice(0).map((idp) => idp.close()))));

async function start(trustProxy: boolean): Promise<MockIdp> {
  const idp = await startMockIdp({ port: 0, issuer: `${PUBLIC}/`, trustProxy });
  started.push(idp);
  return idp;
}

/** What a TLS terminator in front of the mock would do: forward to its plain-HTTP port with the headers. */
function viaProxy(idp: MockIdp): HeadlessBrowser {
  const local = `http://localhost:${idp.port}`;
  return new HeadlessBrowser({
    fetch: (input, init) => {
      const url = new URL(String(input));
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(BEHIND_PROXY)) headers.set(name, value);
      headers.set('x-forwarded-for', '127.0.0.1');
      return fetch(url.origin === PUBLIC ? `${local}${url.pathname}${url.search}` : url, { ...init, headers });
    },
  });
}

const authorizeParams = new URLSearchParams({
  client_id: 'sample-app',
  redirect_uri: 'http://localhost:3000/callback',
  response_type: 'code',
  scope: 'openid profile',
  nonce: 'n-1',
  state: 's-1',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
});

describe('trustProxy', () => {
  it('advertises https endpoints on the forwarded host in discovery', async () => {
    const idp = await start(true);
    const discovery = (await (await fetch(`http://localhost:${idp.port}/.well-known/openid-configuration`, { headers: BEHIND_PROXY })).json()) as Record<string, string>;
    expect(discovery).toMatchObject({
      issuer: `${PUBLIC}/`,
      authorization_endpoint: `${PUBLIC}/authorize`,
      token_endpoint: `${PUBLIC}/oauth/token`,
      jwks_uri: `${PUBLIC}/.well-known/jwks.json`,
      userinfo_endpoint: `${PUBLIC}/userinfo`,
      end_session_endpoint: `${PUBLIC}/oidc/logout`,
    });
  });

  it('sends the browser back to https URLs on the forwarded host during a login, with Secure cookies', async () => {
    const idp = await start(true);
    const browser = viaProxy(idp);
    const loginPage = await browser.navigate(`${PUBLIC}/authorize?${authorizeParams}`);
    expect(loginPage.url).toMatch(new RegExp(`^${PUBLIC}/interaction/`));
    const interactionCookie = (await browser.jar.getCookies(loginPage.url)).find((c) => c.key === 'mockidp_interaction');
    expect(interactionCookie?.secure).toBe(true);

    const afterLogin = await browser.submit(loginPage, '/login', { username: 'alice@example.com', password: 'alice-pass' }, 'http://localhost:3000/callback');
    // The login POST answers 303 to the resume URL: absolute, https, the public host.
    expect(afterLogin.hops[0]).toMatch(new RegExp(`^${PUBLIC}/interaction/[^/]+/login$`));
    expect(afterLogin.hops[1]).toMatch(new RegExp(`^${PUBLIC}/authorize/[^/?]+$`));
    expect(afterLogin.url).toMatch(/^http:\/\/localhost:3000\/callback\?code=/);
    expect(new URL(afterLogin.url).searchParams.get('iss')).toBe(`${PUBLIC}/`);
  });

  it('ignores the forwarded headers without trustProxy (the default)', async () => {
    const idp = await start(false);
    const base = `http://localhost:${idp.port}`;
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`, { headers: BEHIND_PROXY })).json()) as Record<string, string>;
    expect(discovery.token_endpoint).toBe(`${base}/oauth/token`);
  });

  it('judges an admin call through the proxy by the forwarded client address, not the loopback socket', async () => {
    const idp = await start(true);
    const base = `http://localhost:${idp.port}`;
    const remote = await fetch(`${base}/_mock/health`, { headers: { ...BEHIND_PROXY, 'x-forwarded-for': '127.0.0.1, 203.0.113.9' } });
    expect(remote.status).toBe(403);
    const local = await fetch(`${base}/_mock/health`, { headers: { ...BEHIND_PROXY, 'x-forwarded-for': '127.0.0.1' } });
    expect(local.status).toBe(200);
  });
});
