/**
 * Test kit for the sample API: RSA keys, a JWKS served on 127.0.0.1:0 (the
 * stand-in IdP), Auth0-shaped access tokens, forged tokens, and a parser for
 * the WWW-Authenticate challenge.
 */
import { KeyObject, constants, createHmac, sign } from 'node:crypto';
import { listen } from '../../mock-idp/http/listen.js';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createApiApp } from '../../sample-api/app.js';
import { loadApiConfig, type ApiConfig } from '../../sample-api/config.js';

export const AUDIENCE = 'https://api.example.com';
export const SUB = 'auth0|abc';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

/** The IdP side: a JWKS endpoint whose content and health the test controls. */
export interface JwksServer {
  issuer: string;
  jwksUri: string;
  /** How many times the JWKS was requested. */
  readonly fetches: number;
  publish(keys: SigningKey[]): void;
  /** Answer the JWKS request with this status and body instead of the keys (undefined: back to normal). */
  fail(failure: { status: number; body: string } | undefined): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  let published = keys;
  let failure: { status: number; body: string } | undefined;
  let fetches = 0;
  const { port, close } = await listen((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    if (failure !== undefined) {
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(failure.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  }, '127.0.0.1', 0);
  const issuer = `http://127.0.0.1:${port}/`;
  return {
    issuer,
    jwksUri: `${issuer}.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    publish(next) {
      published = next;
    },
    fail(next) {
      failure = next;
    },
    close,
  };
}

/** The API configured the way `main.ts` would, from environment variables. */
export function apiConfigFor(jwks: Pick<JwksServer, 'issuer'>, env: Record<string, string> = {}): ApiConfig {
  return loadApiConfig({ ISSUER_BASE_URL: jwks.issuer, AUDIENCE, PORT: '0', HOST: '127.0.0.1', ...env });
}

export function apiFor(jwks: Pick<JwksServer, 'issuer'>, env: Record<string, string> = {}) {
  return createApiApp(apiConfigFor(jwks, env));
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** Claims or header parameters set to `undefined` are left out of the token. */
export type Overrides = Record<string, unknown>;

export interface TokenOptions {
  issuer: string;
  claims?: Overrides;
  header?: Overrides;
}

/** An Auth0-shaped RS256 access token: `{alg, kid, typ: at+jwt}`, 5 minutes, `read:orders`. */
export async function signAccessToken(key: SigningKey, options: TokenOptions): Promise<string> {
  const header = compact({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...options.header });
  const payload = compact({ ...defaultClaims(options.issuer), ...options.claims });
  return new SignJWT(payload)
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}

export function defaultClaims(issuer: string): Overrides {
  const iat = now();
  return {
    iss: issuer,
    sub: SUB,
    aud: AUDIENCE,
    iat,
    exp: iat + 300,
    scope: 'openid profile',
    permissions: ['read:orders'],
  };
}

/** A token assembled by hand: any header, any payload, any signature. */
export function rawToken(header: Overrides, payload: Overrides, signature = ''): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
}

/**
 * A token signed with the real private key outside jose's checks: any `alg` among
 * RS256/RS512/PS256, any header (e.g. `crit`), any payload text (e.g. not JSON).
 */
export function signRaw(key: SigningKey, alg: 'RS256' | 'RS512' | 'PS256', header: Overrides, payload: Overrides | string): string {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64url(JSON.stringify({ alg, kid: key.kid, ...header }))}.${b64url(body)}`;
  const privateKey = KeyObject.from(key.privateKey);
  const signature =
    alg === 'PS256'
      ? sign('sha256', Buffer.from(input), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : sign(alg === 'RS512' ? 'sha512' : 'sha256', Buffer.from(input), privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** An HS256 token whose HMAC secret is `secret` (e.g. the RSA public key: CVE-2016-10555). */
export function hs256Token(header: Overrides, payload: Overrides, secret: string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** `Bearer realm="x", error="y"` → { scheme: 'Bearer', params: { realm: 'x', error: 'y' } } */
export function parseChallenge(header: string | undefined): { scheme: string; params: Record<string, string> } {
  if (header === undefined) throw new Error('no WWW-Authenticate header');
  const [scheme = '', rest = ''] = header.split(/ (.*)/s);
  const params: Record<string, string> = {};
  for (const match of rest.matchAll(/([a-z_]+)="([^"]*)"/g)) {
    params[match[1] ?? ''] = match[2] ?? '';
  }
  return { scheme, params };
}

function compact(values: Overrides): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
