import { createHash, randomBytes } from 'node:crypto';
import type { Directory } from '../../core/directory.js';
import { HeadlessBrowser, type HeadlessBrowserOptions, type Page } from './browser.js';

export interface TokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
  token_type: string;
}

export interface HeadlessLoginOptions {
  /** Email or sub of a tenant user. */
  user: string;
  /** Default: the user's password from the tenant. */
  password?: string;
  /** Default: the first interactive application. */
  clientId?: string;
  /** The API to get an access token for (Auth0's `audience`). */
  audience?: string;
  /** Default `openid profile email offline_access` plus the API's permissions. */
  scope?: string;
  /** Default: the application's first callback URL (it is not requested). */
  redirectUri?: string;
}

export class HeadlessLoginError extends Error {
  constructor(readonly code: 'ERR_LOGIN_FAILED' | 'ERR_UNKNOWN_APPLICATION' | 'ERR_UNKNOWN_USER' | 'ERR_TOKEN_REQUEST', message: string) {
    super(message);
    this.name = 'HeadlessLoginError';
  }
}

/**
 * Logs a user in headless, as a browser would (authorize, the login form,
 * the callback with PKCE), and redeems the code: the tokens an app would get.
 */
export async function loginForTokens(issuer: string, directory: Directory, options: HeadlessLoginOptions, send: typeof fetch = (...args) => fetch(...args)): Promise<TokenSet> {
  const app = options.clientId ? directory.application(options.clientId) : directory.defaultApplication();
  if (!app || app.appType === 'm2m') throw new HeadlessLoginError('ERR_UNKNOWN_APPLICATION', `no interactive application "${options.clientId ?? ''}"`);
  const user = directory.findUser(options.user);
  if (!user) throw new HeadlessLoginError('ERR_UNKNOWN_USER', `no user "${options.user}"`);
  const redirectUri = options.redirectUri ?? app.callbacks[0]!;
  const api = options.audience ? directory.api(options.audience) : undefined;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const params = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: options.scope ?? ['openid profile email offline_access', ...(api?.permissions.map((p) => p.value) ?? [])].join(' '),
    state,
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.audience ? { audience: options.audience } : {}),
  });
  const browser = new HeadlessBrowser({ fetch: send });
  const loginPage = await browser.navigate(`${issuer}authorize?${params}`, { stopAt: redirectUri });
  const landed = loginPage.url.startsWith(redirectUri) ? loginPage : await browser.submit(loginPage, '/login', { username: user.email, password: options.password ?? user.password }, redirectUri);
  const callback = new URL(landed.url);
  const code = landed.url.startsWith(redirectUri) && callback.searchParams.get('state') === state ? callback.searchParams.get('code') : null;
  if (!code) {
    const error = callback.searchParams.get('error');
    throw new HeadlessLoginError('ERR_LOGIN_FAILED', error ? `the IdP answered ${error}` : `login as ${user.email} failed (HTTP ${landed.response.status} at ${landed.url})`);
  }
  const response = await send(`${issuer}oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: app.clientId,
      ...(app.clientSecret ? { client_secret: app.clientSecret } : {}),
    }),
  });
  const body = (await response.json()) as TokenSet & { error?: string };
  if (!response.ok) throw new HeadlessLoginError('ERR_TOKEN_REQUEST', `token request failed: ${response.status} ${body.error ?? ''}`);
  return body;
}

export interface LoginThroughAppOptions extends HeadlessBrowserOptions {
  /** The app's login path; default `/login`. */
  path?: string;
}

/**
 * Drives an app's own login (default path `/login`) through the mock's login
 * page with a cookie jar, and returns the browser, now holding the app's
 * session cookie, with the page the app landed on. Against an HTTPS mock, pass
 * its CA: `{ ca: idp.ca.certPem }`.
 */
export async function loginThroughApp(
  appUrl: string,
  credentials: { username: string; password: string },
  pathOrOptions: string | LoginThroughAppOptions = '/login',
): Promise<{ browser: HeadlessBrowser; page: Page }> {
  const { path = '/login', ...browserOptions } = typeof pathOrOptions === 'string' ? { path: pathOrOptions } : pathOrOptions;
  const browser = new HeadlessBrowser(browserOptions);
  const loginPage = await browser.navigate(new URL(path, appUrl).href);
  if (!loginPage.url.includes('/interaction/')) throw new HeadlessLoginError('ERR_LOGIN_FAILED', `${path} did not lead to the mock's login page (landed on ${loginPage.url})`);
  const page = await browser.submit(loginPage, '/login', credentials);
  if (page.url.includes('/interaction/')) throw new HeadlessLoginError('ERR_LOGIN_FAILED', `login as ${credentials.username} was refused (HTTP ${page.response.status})`);
  return { browser, page };
}
