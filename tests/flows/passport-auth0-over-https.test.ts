/**
 * passport-auth0 (1.4.5), unmodified, in a small express + passport + express-session app
 * (tests/apps/passport-auth0-app) run as its own process from its folder, against the mock on
 * HTTPS. passport-auth0 builds every URL as https://${domain} and talks to the token and
 * userinfo endpoints through node:https: the app trusts the mock by NODE_EXTRA_CA_CERTS only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpCa } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startAppOnFreePort, type AppProcess } from '../helpers/app-process.js';
import { APP, USERS } from '../helpers/oauth.js';
import { tempHome } from '../https/helpers.js';

let idp: MockIdp & { readonly ca: MockIdpCa };
let app: AppProcess;
/** The same app on a machine that does not trust the mock's CA. */
let untrusting: AppProcess;

beforeAll(async () => {
  idp = await startMockIdp({ port: 0, https: true, home: tempHome() });
  // Each app's callback is registered before it starts; one tenant change at a time.
  let registering = Promise.resolve();
  const register = (baseURL: string) =>
    (registering = registering.then(async () => {
      await idp.updateTenant((draft) => {
        for (const a of draft.applications ?? []) {
          if (a.clientId !== APP.clientId) continue;
          a.callbacks = [...(a.callbacks ?? []), `${baseURL}/callback`];
          a.allowedLogoutUrls = [...(a.allowedLogoutUrls ?? []), baseURL];
        }
      });
    }));
  const env = async (port: number) => {
    const baseURL = `http://localhost:${port}`;
    await register(baseURL);
    return { AUTH0_DOMAIN: `localhost:${idp.port}`, AUTH0_CLIENT_ID: APP.clientId, AUTH0_CLIENT_SECRET: APP.secret, AUTH0_CALLBACK_URL: `${baseURL}/callback` };
  };
  [app, untrusting] = await Promise.all([
    startAppOnFreePort('passport-auth0-app', async (port) => ({ ...(await env(port)), NODE_EXTRA_CA_CERTS: idp.ca.certPath })),
    startAppOnFreePort('passport-auth0-app', env),
  ]);
}, 30_000);
afterAll(async () => {
  await Promise.all([app?.stop(), untrusting?.stop()]);
  await idp?.close();
});

describe('passport-auth0 against the mock on HTTPS', () => {
  it('logs in through the mock\'s page and the callback, and the protected page shows the user; logout goes through /v2/logout', async () => {
    const browser = new HeadlessBrowser({ ca: idp.ca.certPem });
    const login = await browser.navigate(`${app.url}/user`);
    const authorize = new URL(login.hops.find((h) => h.includes('/authorize?'))!);
    expect(authorize.origin).toBe(new URL(idp.issuer).origin);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: APP.clientId, response_type: 'code', scope: 'openid email profile', redirect_uri: `${app.url}/callback` });
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();

    const landed = await browser.submit(login, '/login', USERS.bob);
    expect(landed.hops.some((h) => h.startsWith(`${app.url}/callback?code=`))).toBe(true);
    expect(landed.url, landed.body).toBe(`${app.url}/user`);
    expect(landed.response.status).toBe(200);
    expect(JSON.parse(landed.body)).toMatchObject({
      provider: 'auth0',
      id: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2',
      user_id: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2',
      displayName: 'Bob Viewer',
      nickname: 'bob',
      emails: [{ value: USERS.bob.username }],
      picture: 'https://s.gravatar.com/avatar/bob.png',
    });

    const out = await browser.navigate(`${app.url}/logout`);
    expect(out.hops.map((h) => new URL(h)).some((u) => u.origin === new URL(idp.issuer).origin && u.pathname === '/v2/logout')).toBe(true);
    expect(out.body).toBe('Logged out');
  });

  it("fails the callback without the mock's CA in NODE_EXTRA_CA_CERTS (the code exchange cannot reach https://<domain>/oauth/token)", async () => {
    const browser = new HeadlessBrowser({ ca: idp.ca.certPem });
    const login = await browser.navigate(`${untrusting.url}/user`);
    const landed = await browser.submit(login, '/login', USERS.bob);
    expect(landed.url.startsWith(`${untrusting.url}/callback?code=`)).toBe(true);
    expect(landed.response.status).toBe(500);
    // Express's error page (NODE_ENV is not production) names passport-oauth2's error.
    expect(landed.body).toContain('Failed to obtain access token');
  });
});
