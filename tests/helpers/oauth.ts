import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyResult } from 'jose';
import { HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import type { MockIdp } from '../../mock-idp/index.js';

export const API = 'https://api.example.com';
export const APP = { clientId: 'sample-app', secret: 'sample-app-secret', callback: 'http://localhost:3000/callback' } as const;
export const SPA = { clientId: 'sample-spa', callback: 'http://localhost:5173' } as const;
export const WORKER = { clientId: 'orders-worker', secret: 'orders-worker-secret' } as const;
export const USERS = {
  alice: { username: 'alice@example.com', password: 'alice-pass' },
  bob: { username: 'bob@example.com', password: 'bob-pass' },
  carol: { username: 'carol@example.com', password: 'carol-pass' },
} as const;

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
  error?: string;
  error_description?: string;
}

/** POST /oauth/token with a form body; client_secret_post unless `basic` is given; `send` is the fetch (e.g. one trusting the mock's CA). */
export async function tokenRequest(idp: Pick<MockIdp, 'issuer'>, form: Record<string, string>, basic?: { id: string; secret: string }, send: typeof fetch = fetch) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const response = await send(`${idp.issuer}oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as TokenResponse };
}

export function verify(idp: MockIdp, token: string, audience: string, typ?: string): Promise<JWTVerifyResult<JWTPayload>> {
  const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
  return jwtVerify(token, jwks, { issuer: idp.issuer, audience, algorithms: ['RS256'], ...(typ ? { typ } : {}) });
}

export interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  audience?: string;
  extra?: Record<string, string>;
}

/** Starts an authorization request in a headless browser and returns the login page. */
export async function startAuthorize(idp: MockIdp, browser: HeadlessBrowser, options: AuthorizeOptions = {}) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const redirectUri = options.redirectUri ?? APP.callback;
  const params = new URLSearchParams({
    client_id: options.clientId ?? APP.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid profile email offline_access read:orders write:orders',
    audience: options.audience ?? API,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...options.extra,
  });
  const page = await browser.navigate(`${idp.issuer}authorize?${params}`, { stopAt: redirectUri });
  return { page, verifier, state, nonce, redirectUri };
}

/** Fills the mock's login form; stops at the app's callback. */
export function submitLogin(browser: HeadlessBrowser, page: Page, user: { username: string; password: string }, stopAt: string) {
  return browser.submit(page, '/login', user, stopAt);
}

/** Logs a user in and redeems the code: the whole code flow, headless. */
export async function codeFlow(idp: MockIdp, user: { username: string; password: string }, options: AuthorizeOptions & { secret?: string } = {}) {
  const browser = new HeadlessBrowser();
  const { page, verifier, state, nonce, redirectUri } = await startAuthorize(idp, browser, options);
  const callback = await submitLogin(browser, page, user, redirectUri);
  const url = new URL(callback.url);
  if (url.searchParams.get('state') !== state) throw new Error(`state mismatch at ${callback.url}`);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code at ${callback.url}`);
  const clientId = options.clientId ?? APP.clientId;
  const secret = options.secret ?? (clientId === APP.clientId ? APP.secret : undefined);
  const tokens = await tokenRequest(idp, {
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId,
    ...(secret ? { client_secret: secret } : {}),
  });
  return { browser, tokens, nonce, code, verifier, redirectUri };
}

/** A client as the token and revocation endpoints see it: a confidential client sends its secret (client_secret_post). */
export interface ClientCredentials {
  clientId: string;
  secret?: string;
}

function clientAuthFields(client: ClientCredentials): Record<string, string> {
  return { client_id: client.clientId, ...(client.secret !== undefined ? { client_secret: client.secret } : {}) };
}

/** POST /oauth/token with `grant_type=refresh_token`. */
export function refreshRequest(idp: MockIdp, refreshToken: string, client: ClientCredentials = { clientId: APP.clientId, secret: APP.secret }) {
  return tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: refreshToken, ...clientAuthFields(client) });
}

/** POST /oauth/revoke (RFC 7009) with client_secret_post; the body is empty on success. */
export async function revokeRequest(idp: MockIdp, token: string, client: ClientCredentials = { clientId: APP.clientId, secret: APP.secret }) {
  const response = await fetch(`${idp.issuer}oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, ...clientAuthFields(client) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as TokenResponse) : undefined };
}

/** A machine-to-machine token request (client_secret_post unless `basic`), orders-worker by default. */
export function clientCredentialsRequest(idp: MockIdp, form: Record<string, string> = {}, basic?: { id: string; secret: string }) {
  return tokenRequest(idp, {
    grant_type: 'client_credentials',
    audience: API,
    ...(basic ? {} : { client_id: WORKER.clientId, client_secret: WORKER.secret }),
    ...form,
  }, basic);
}
