/**
 * Auth0's two Express quickstarts, each a separate process started from its own folder
 * (tests/apps/express-quickstart-app, tests/apps/express-jwt-api) and configured only by
 * environment values, as their .env would: `https://${domain}` everywhere, the mock on HTTPS,
 * its CA in NODE_EXTRA_CA_CERTS. The web app keeps express-openid-connect's defaults
 * (response_type=id_token, response_mode=form_post); the login is driven like a browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTrustingCa, startMockIdp, type MockIdp, type MockIdpCa } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { APPS_DIR, appManifest, startAppOnFreePort, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { API, APP, USERS, WORKER } from '../helpers/oauth.js';
import { tempHome } from '../https/helpers.js';
import { fixtureTenant } from '../mock-idp/tenants.js';

const WEB_APP = 'express-quickstart-app';
const API_APP = 'express-jwt-api';
/** The permission the API quickstart's /api/private-scoped checks, added to the fixture tenant. */
const QUICKSTART_PERMISSION = 'read:messages';

let idp: MockIdp & { readonly ca: MockIdpCa };
let web: AppProcess;
let api: AppProcess;
/** The same API started without the mock's CA: what the quickstart does on a machine that does not trust it. */
let untrustingApi: AppProcess;
/** Access tokens for the API: machine-to-machine (orders-worker), alice (admin) and bob (viewer). */
let tokens: { m2m: string; alice: string; bob: string };

function quickstartTenant() {
  const tenant = fixtureTenant();
  for (const a of tenant.apis ?? []) if (a.identifier === API) a.permissions = [...(a.permissions ?? []), { value: QUICKSTART_PERMISSION, description: 'Read messages' }];
  for (const role of tenant.roles ?? []) if (role.name === 'admin') role.permissions = { [API]: [...(role.permissions?.[API] ?? []), QUICKSTART_PERMISSION] };
  for (const a of tenant.applications ?? []) if (a.clientId === WORKER.clientId) a.clientGrants = [{ audience: API, permissions: ['read:orders', QUICKSTART_PERMISSION] }];
  return tenant;
}

beforeAll(async () => {
  idp = await startMockIdp({ port: 0, https: true, home: tempHome(), tenant: quickstartTenant() });
  const domain = `localhost:${idp.port}`;
  const apiEnv = { AUTH0_DOMAIN: domain, AUTH0_AUDIENCE: API, PORT: '0' };
  const trusting = fetchTrustingCa(idp.ca.certPem);
  const clientCredentials = async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
    return ((await (await trusting(`${idp.issuer}oauth/token`, { method: 'POST', body })).json()) as { access_token: string }).access_token;
  };
  const userToken = async (user: string) => (await idp.loginForTokens({ user, audience: API })).access_token;
  [web, api, untrustingApi] = await Promise.all([
    // The app's URL is registered in the tenant before it starts, as in Auth0's dashboard.
    startAppOnFreePort(WEB_APP, async (port) => {
      const baseURL = `http://localhost:${port}`;
      await idp.updateTenant((draft) => {
        for (const a of draft.applications ?? []) if (a.clientId === APP.clientId) Object.assign(a, { callbacks: [`${baseURL}/callback`], allowedLogoutUrls: [baseURL] });
      });
      return { ISSUER_BASE_URL: `https://${domain}`, CLIENT_ID: APP.clientId, CLIENT_SECRET: APP.secret, SECRET: 'a long, randomly-generated string stored in env', BASE_URL: baseURL, NODE_EXTRA_CA_CERTS: idp.ca.certPath };
    }),
    startAppProcess(API_APP, { ...apiEnv, NODE_EXTRA_CA_CERTS: idp.ca.certPath }, 'server.js'),
    startAppProcess(API_APP, apiEnv, 'server.js'),
  ]);
  // After the tenant change above (a login in flight would see the application's callbacks change).
  const [m2m, alice, bob] = await Promise.all([clientCredentials(), userToken(USERS.alice.username), userToken(USERS.bob.username)]);
  tokens = { m2m, alice, bob };
}, 30_000);
afterAll(async () => {
  await Promise.all([web?.stop(), api?.stop(), untrustingApi?.stop()]);
  await idp?.close();
});

const isLoginPage = (body: string) => body.includes('name="password"');

describe("Auth0's Express quickstart (express-openid-connect defaults) against the mock on HTTPS", () => {
  it('logs in with a wrong then the right password through the form_post page, shows /profile, and logs out through /v2/logout', async () => {
    const browser = new HeadlessBrowser({ ca: idp.ca.certPem });
    const login = await browser.navigate(`${web.url}/profile`);
    const authorize = new URL(login.hops.find((h) => h.includes('/authorize?'))!);
    expect(authorize.origin).toBe(new URL(idp.issuer).origin);
    expect(authorize.protocol).toBe('https:');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: APP.clientId, response_type: 'id_token', response_mode: 'form_post', scope: 'openid profile email', redirect_uri: `${web.url}/callback` });
    expect(isLoginPage(login.body)).toBe(true);

    const failed = await browser.submit(login, '/login', { username: USERS.alice.username, password: 'not-alice-pass' });
    expect(failed.response.status).toBe(401);
    expect(isLoginPage(failed.body)).toBe(true);

    // The right password: oidc-provider's auto-submitting form_post page, posted as the browser's script would.
    const formPost = await browser.submit(failed, '/login', USERS.alice);
    expect(formPost.response.status).toBe(200);
    expect(formPost.body).toContain(`action="${web.url}/callback"`);
    const landed = await browser.submit(formPost, `${web.url}/callback`);
    expect(landed.url).toBe(`${web.url}/profile`);
    expect(landed.response.status).toBe(200);
    expect(JSON.parse(landed.body)).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: 'alice@example.com', name: 'Alice Admin', nickname: 'alice' });
    expect((await browser.navigate(`${web.url}/`)).body).toBe('Logged in');

    // auth0Logout: true sends the browser through Auth0's /v2/logout and back to BASE_URL.
    const out = await browser.navigate(`${web.url}/logout`);
    const logout = out.hops.map((h) => new URL(h)).find((u) => u.pathname === '/v2/logout');
    expect(logout?.origin).toBe(new URL(idp.issuer).origin);
    expect(Object.fromEntries(logout!.searchParams)).toMatchObject({ client_id: APP.clientId, returnTo: web.url });
    expect(out.url).toBe(`${web.url}/`);
    expect(out.body).toBe('Logged out');
    // The mock's session ended too: /profile asks for the password again.
    expect(isLoginPage((await browser.navigate(`${web.url}/profile`)).body)).toBe(true);
  });
});

describe("Auth0's Express API quickstart (express-jwt + jwks-rsa) against the mock on HTTPS", () => {
  const call = (path: string, token?: string) => fetch(`${api.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it("accepts a machine-to-machine token and the user's token, refuses a missing token with 401 and a missing permission with 403", async () => {
    expect((await call('/api/public')).status).toBe(200);
    expect((await call('/api/private')).status).toBe(401);
    for (const token of [tokens.m2m, tokens.alice]) {
      expect((await call('/api/private', token)).status).toBe(200);
      const scoped = await call('/api/private-scoped', token);
      expect(scoped.status).toBe(200);
    }
    // bob is a viewer: a valid token without read:messages.
    expect((await call('/api/private', tokens.bob)).status).toBe(200);
    const forbidden = await call('/api/private-scoped', tokens.bob);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Insufficient scope' });
  });

  it("cannot check a token at all without the mock's CA in NODE_EXTRA_CA_CERTS (its JWKS fetch fails TLS)", async () => {
    const answer = await fetch(`${untrustingApi.url}/api/private`, { headers: { authorization: `Bearer ${tokens.alice}` } });
    expect(answer.status).toBe(500);
    expect(untrustingApi.output()).toMatch(/self[- ]signed|unable to verify|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i);
  });
});

describe('the quickstart apps as a user has them', () => {
  const rootDevDependencies = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;

  it.each([WEB_APP, API_APP, 'passport-auth0-app', 'auth0-sdk-client'])('%s lists what its code requires in its own package.json, each a root devDependency of the same range (so `npm ci` installs it)', (app) => {
    const { dependencies } = appManifest(app);
    expect(Object.keys(dependencies).length).toBeGreaterThan(0);
    const requireFromApp = createRequire(join(APPS_DIR, app, 'package.json'));
    for (const [name, range] of Object.entries(dependencies)) {
      expect(rootDevDependencies[name], `${app}: ${name}`).toBe(range);
      expect(() => requireFromApp.resolve(name), `${app}: ${name} resolves from its folder`).not.toThrow();
    }
    // Everything its code requires (comments aside) is a Node built-in or listed there: a user's `npm install` would miss the rest.
    const required = readdirSync(join(APPS_DIR, app))
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) => [...readFileSync(join(APPS_DIR, app, file), 'utf8').replace(/\/\/.*$/gm, '').matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]!));
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) {
      const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
      expect(builtinModules.includes(pkg) || pkg in dependencies, `${app} requires ${name}`).toBe(true);
    }
  });
});
