/**
 * Auth0's Express quickstart, exactly: express-openid-connect with only issuerBaseURL,
 * baseURL, clientID, secret, authRequired: false, auth0Logout: true. Its defaults
 * (response_type=id_token, response_mode=form_post, no client secret) must log in
 * against the mock over http; the headless browser posts the form_post page as a
 * browser's script would.
 */
import type { Server } from 'node:http';
import express from 'express';
import eoc from 'express-openid-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { freePort } from '../helpers/free-port.js';
import { APP, USERS } from '../helpers/oauth.js';
import { fixtureTenant } from '../mock-idp/tenants.js';

// CommonJS: the default export holds auth and requiresAuth.
const { auth, requiresAuth } = eoc;

let idp: MockIdp;
let server: Server;
let baseURL: string;

beforeAll(async () => {
  const port = await freePort();
  baseURL = `http://localhost:${port}`;
  const tenant = fixtureTenant();
  tenant.applications = (tenant.applications ?? []).map((a) => (a.clientId === APP.clientId ? { ...a, callbacks: [`${baseURL}/callback`], allowedLogoutUrls: [baseURL] } : a));
  idp = await startMockIdp({ port: 0, tenant });
  const app = express();
  // The quickstart's configuration, nothing more (its .env has no CLIENT_SECRET).
  app.use(auth({ issuerBaseURL: idp.issuer.replace(/\/$/, ''), baseURL, clientID: APP.clientId, secret: 'a long, randomly-generated string stored in env', authRequired: false, auth0Logout: true }));
  app.get('/', (req, res) => {
    res.send(req.oidc.isAuthenticated() ? 'Logged in' : 'Logged out');
  });
  app.get('/profile', requiresAuth(), (req, res) => {
    res.json(req.oidc.user);
  });
  await new Promise<void>((resolve) => {
    server = app.listen(port, 'localhost', () => resolve());
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await idp.close();
});

describe("Auth0's Express quickstart (express-openid-connect defaults)", () => {
  it('logs in with response_type=id_token and response_mode=form_post, and /profile shows the user', async () => {
    const browser = new HeadlessBrowser();
    const login = await browser.navigate(`${baseURL}/profile`);
    const authorize = new URL(login.hops.find((h) => h.includes('/authorize?'))!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: APP.clientId, response_type: 'id_token', response_mode: 'form_post', scope: 'openid profile email' });
    expect(authorize.searchParams.get('nonce')).toBeTruthy();

    // The mock's login form, then oidc-provider's auto-submitting form_post page.
    const formPost = await browser.submit(login, '/login', USERS.alice);
    expect(formPost.response.status).toBe(200);
    expect(formPost.body).toMatch(new RegExp(`action="${baseURL}/callback"`));
    const landed = await browser.submit(formPost, `${baseURL}/callback`);
    expect(landed.url).toBe(`${baseURL}/profile`);
    expect(landed.response.status).toBe(200);
    expect(JSON.parse(landed.body)).toMatchObject({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: 'alice@example.com', name: expect.any(String) });

    expect((await browser.navigate(`${baseURL}/`)).body).toBe('Logged in');
    // auth0Logout: true goes through Auth0's /v2/logout and back to the app.
    const out = await browser.navigate(`${baseURL}/logout`);
    expect(out.hops.some((h) => new URL(h).pathname === '/v2/logout')).toBe(true);
    expect((await browser.navigate(`${baseURL}/`)).body).toBe('Logged out');
  });
});
