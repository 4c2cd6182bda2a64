/**
 * OpenID Connect Back-Channel Logout, through oidc-provider's own feature: an application with a
 * backchannelLogoutUri gets a signed logout_token when a session it signed in to ends (/v2/logout,
 * /oidc/logout, the admin API). express-openid-connect 3.4 with `backchannelLogout: true` (and a
 * session store, which it requires) then ends its own session, and refuses a forged token.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import eoc from 'express-openid-connect';
import { createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findForms, HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { admin } from '../fixture/helpers.js';
import { codeFlow, startAuthorize, USERS } from '../helpers/oauth.js';

// CommonJS: the default export holds auth and requiresAuth.
const { auth, requiresAuth } = eoc;

const APP = { clientId: 'bcl-app', secret: 'bcl-app-secret' } as const;
const RECORDER = { clientId: 'bcl-recorder', secret: 'bcl-recorder-secret' } as const;
const ALICE_SUB = 'auth0|65a1f0c2e4b0a1b2c3d4e5f1';

let idp: MockIdp;
let appServer: Server;
let baseURL: string;
let recorder: Server;
let recorderUrl: string;
/** What the recorder application's back-channel logout endpoint received, and how it answers. */
const received: string[] = [];
let recorderStatus = 200;

const listening = (server: Server) => new Promise<string>((resolve) => server.listen(0, 'localhost', () => resolve(`http://localhost:${(server.address() as AddressInfo).port}`)));
const closing = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const bodyOf = async (req: IncomingMessage) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
};

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  const app = express();
  appServer = app.listen(0, 'localhost');
  await new Promise((resolve) => appServer.once('listening', resolve));
  baseURL = `http://localhost:${(appServer.address() as AddressInfo).port}`;
  app.use(
    auth({
      issuerBaseURL: idp.baseUrl,
      baseURL,
      clientID: APP.clientId,
      clientSecret: APP.secret,
      secret: 'a long, randomly-generated string stored in env',
      authRequired: false,
      // Its default hooks keep the logged-out sids and subs in a store: here the session store.
      backchannelLogout: true,
      session: { store: new session.MemoryStore() as never },
    }),
  );
  app.get('/profile', requiresAuth(), (req, res) => {
    res.json(req.oidc.user);
  });

  recorder = createServer(async (req, res) => {
    received.push((await bodyOf(req)).get('logout_token') ?? '');
    res.statusCode = recorderStatus;
    res.end();
  });
  recorderUrl = await listening(recorder);

  await idp.updateTenant((draft) => {
    draft.applications = [
      ...(draft.applications ?? []),
      { clientId: APP.clientId, name: 'Back-Channel App', appType: 'regular_web', clientSecret: APP.secret, callbacks: [`${baseURL}/callback`], allowedLogoutUrls: [baseURL], backchannelLogoutUri: `${baseURL}/backchannel-logout` },
      { clientId: RECORDER.clientId, name: 'Recorder', appType: 'regular_web', clientSecret: RECORDER.secret, callbacks: [`${recorderUrl}/callback`], allowedLogoutUrls: [recorderUrl], backchannelLogoutUri: `${recorderUrl}/logout` },
    ];
  });
});
afterAll(async () => {
  await Promise.all([closing(appServer), closing(recorder)]);
  await idp.close();
});

/** Logs alice in through the app (its defaults: id_token + form_post) and shows her profile. */
async function loggedInToApp(browser = new HeadlessBrowser()) {
  const login = await browser.navigate(`${baseURL}/profile`);
  const formPost = await browser.submit(login, '/login', USERS.alice);
  const landed = await browser.submit(formPost, `${baseURL}/callback`);
  expect(landed.url).toBe(`${baseURL}/profile`);
  expect(JSON.parse(landed.body)).toMatchObject({ sub: ALICE_SUB });
  return browser;
}

/** The protected page: the profile, or (logged out) the mock's login page. */
async function profile(browser: HeadlessBrowser): Promise<'profile' | 'login page'> {
  const page = await browser.navigate(`${baseURL}/profile`);
  if (page.url === `${baseURL}/profile` && page.response.status === 200) return 'profile';
  expect(page.url).toMatch(/\/interaction\/[^/]+$/);
  expect(findForms(page.body).some((f) => f.action.endsWith('/login'))).toBe(true);
  return 'login page';
}

const sinceNow = () => idp.events().at(-1)?.seq ?? 0;
const backchannelEvents = (since: number) => idp.events(since).filter((e) => e.type.startsWith('backchannel.'));

describe('back-channel logout to express-openid-connect (backchannelLogout: true)', () => {
  it("/v2/logout at the mock ends the app's session: its protected page asks for the login again", async () => {
    const browser = await loggedInToApp();
    expect(await profile(browser)).toBe('profile');
    const since = sinceNow();
    // Another tab (or app) logs out at the mock; the app's own cookie is still in the browser.
    const out = await browser.navigate(`${idp.issuer}v2/logout?client_id=${APP.clientId}&returnTo=${encodeURIComponent(baseURL)}`, { stopAt: baseURL });
    expect(out.url).toBe(`${baseURL}/`);
    expect(backchannelEvents(since)).toEqual([expect.objectContaining({ type: 'backchannel.success', clientId: APP.clientId, sub: ALICE_SUB })]);
    expect(await profile(browser)).toBe('login page');
  });

  it("/oidc/logout (RP-initiated logout, oidc-provider's own) ends the app's session too", async () => {
    const browser = await loggedInToApp();
    const since = sinceNow();
    const confirm = await browser.navigate(`${idp.issuer}oidc/logout?client_id=${APP.clientId}`);
    await browser.submit(confirm, '/oidc/logout/confirm', { logout: 'yes' });
    expect(backchannelEvents(since)).toEqual([expect.objectContaining({ type: 'backchannel.success', clientId: APP.clientId, sub: ALICE_SUB })]);
    expect(await profile(browser)).toBe('login page');
  });

  it("revoking the user through the admin API ends the app's session", async () => {
    const browser = await loggedInToApp();
    const since = sinceNow();
    expect((await admin(idp, 'POST', `users/${encodeURIComponent(USERS.alice.username)}/revoke`)).status).toBe(204);
    expect(backchannelEvents(since)).toEqual([expect.objectContaining({ type: 'backchannel.success', clientId: APP.clientId, sub: ALICE_SUB })]);
    expect(await profile(browser)).toBe('login page');
  });

  it('the app refuses a forged or wrongly signed logout token (400) and keeps its session', async () => {
    const browser = await loggedInToApp();
    const { kid } = idp.keys().find((k) => k.status === 'active')!;
    const claims = { sub: ALICE_SUB, events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, jti: 'forged' };
    const attacker = await generateKeyPair('RS256');
    const sign = (jwt: SignJWT) => jwt.setIssuer(idp.issuer).setAudience(APP.clientId).setIssuedAt().setExpirationTime('2m');
    const forged = {
      // Another key, under the mock's key id.
      'another key': await sign(new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt' })).sign(attacker.privateKey),
      // HS256 with the client secret (key confusion), and no signature at all.
      HS256: await sign(new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'logout+jwt' })).sign(new TextEncoder().encode(APP.secret)),
      'alg none': new UnsecuredJWT(claims).setIssuer(idp.issuer).setAudience(APP.clientId).setIssuedAt().setExpirationTime('2m').encode(),
    };
    for (const [what, token] of Object.entries(forged)) {
      const response = await fetch(`${baseURL}/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });
      expect(response.status, what).toBe(400);
      expect(((await response.json()) as { error: string }).error, what).toBe('invalid_request');
    }
    expect(await profile(browser)).toBe('profile');
  });
});

describe('the logout token and failing applications', () => {
  it("sends a logout+jwt signed by the mock's key, for the application, with sub, the ID token's sid, the event and a jti, no nonce", async () => {
    received.length = 0;
    const { browser, tokens } = await codeFlow(idp, USERS.alice, { clientId: RECORDER.clientId, secret: RECORDER.secret, redirectUri: `${recorderUrl}/callback`, scope: 'openid profile' });
    const idToken = decodeJwt(tokens.body.id_token!);
    await browser.navigate(`${idp.issuer}v2/logout?client_id=${RECORDER.clientId}&returnTo=${encodeURIComponent(recorderUrl)}`, { stopAt: recorderUrl });
    expect(received).toHaveLength(1);
    const { payload, protectedHeader } = await jwtVerify(received[0]!, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience: RECORDER.clientId, algorithms: ['RS256'], typ: 'logout+jwt' });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ sub: ALICE_SUB, sid: idToken.sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, jti: expect.any(String), iat: expect.any(Number) });
    expect(idToken.sid).toEqual(expect.any(String));
    expect(payload.nonce).toBeUndefined();
  });

  it('sends a logout token to every application the session signed in to, and to no other', async () => {
    received.length = 0;
    const browser = await loggedInToApp();
    // The same browser session signs in to the recorder too (single sign-on: straight to its callback).
    const sso = await startAuthorize(idp, browser, { clientId: RECORDER.clientId, redirectUri: `${recorderUrl}/callback`, scope: 'openid' });
    expect(new URL(sso.page.url).searchParams.get('code')).toBeTruthy();
    // Another browser's session with the recorder is not ended.
    const other = await codeFlow(idp, USERS.bob, { clientId: RECORDER.clientId, secret: RECORDER.secret, redirectUri: `${recorderUrl}/callback`, scope: 'openid' });
    const since = sinceNow();
    await browser.navigate(`${idp.issuer}v2/logout?client_id=${APP.clientId}&returnTo=${encodeURIComponent(baseURL)}`, { stopAt: baseURL });
    expect(backchannelEvents(since).map((e) => `${e.type} ${e.clientId}`).sort()).toEqual([`backchannel.success ${APP.clientId}`, `backchannel.success ${RECORDER.clientId}`]);
    expect(received.map((t) => decodeJwt(t).sub)).toEqual([ALICE_SUB]);
    expect(await profile(browser)).toBe('login page');
    const bobStill = await startAuthorize(idp, other.browser, { clientId: RECORDER.clientId, redirectUri: `${recorderUrl}/callback`, scope: 'openid' });
    expect(new URL(bobStill.page.url).searchParams.get('code')).toBeTruthy();
  });

  it("logs a failing application endpoint as backchannel.error and still completes the logout", async () => {
    recorderStatus = 500;
    try {
      const { browser } = await codeFlow(idp, USERS.bob, { clientId: RECORDER.clientId, secret: RECORDER.secret, redirectUri: `${recorderUrl}/callback`, scope: 'openid' });
      const since = sinceNow();
      const out = await browser.navigate(`${idp.issuer}v2/logout?client_id=${RECORDER.clientId}&returnTo=${encodeURIComponent(recorderUrl)}`, { stopAt: recorderUrl });
      expect(out.url).toBe(`${recorderUrl}/`);
      expect(backchannelEvents(since)).toEqual([expect.objectContaining({ type: 'backchannel.error', clientId: RECORDER.clientId, error: 'backchannel_logout_failed' })]);
      expect(idp.events(since).some((e) => e.type === 'logout.success')).toBe(true);
    } finally {
      recorderStatus = 200;
    }
  });
});
