/**
 * A login app on openid-client 6 as its README sets one up: discovery, the
 * authorization code flow with PKCE, state and nonce, and userinfo with the
 * ID token's subject expected.
 */
import type { RequestListener } from 'node:http';
import express from 'express';
import session from 'express-session';
import * as client from 'openid-client';
import { listen } from '../../../mock-idp/http/listen.js';

declare module 'express-session' {
  interface SessionData {
    oc?: { state: string; nonce: string; verifier: string };
    ocUser?: Record<string, unknown>;
  }
}

export async function startOpenidClientApp(options: { issuer: string; clientId: string; clientSecret: string }): Promise<{ url: string; close(): Promise<void> }> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const { url, close } = await listen((req, res) => handler(req, res), 'localhost', 0);
  const config = await client.discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
  const redirectUri = `${url}/callback`;
  const app = express();
  app.use(session({ name: 'oc-app', secret: 'test-only-session-secret', resave: false, saveUninitialized: false }));
  app.get('/login', async (req, res) => {
    const oc = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    req.session.oc = oc;
    const target = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'openid profile email', state: oc.state, nonce: oc.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(oc.verifier), code_challenge_method: 'S256',
    });
    res.redirect(target.href);
  });
  app.get('/callback', async (req, res) => {
    const oc = req.session.oc;
    delete req.session.oc;
    if (!oc) return res.status(400).send('no login in progress');
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, url), { expectedState: oc.state, expectedNonce: oc.nonce, pkceCodeVerifier: oc.verifier });
      const claims = tokens.claims();
      if (!claims) return res.status(401).send('no ID token');
      const profile = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      req.session.ocUser = { ...claims, ...profile };
      res.redirect('/profile');
    } catch (err) {
      res.status(401).send(`login failed: ${(err as { code?: string }).code ?? 'error'}`);
    }
  });
  app.get('/profile', (req, res) => {
    if (!req.session.ocUser) return res.redirect('/login');
    res.json(req.session.ocUser);
  });
  handler = app;
  return { url, close };
}
