/**
 * Configuration of the sample Orders API, read from environment variables.
 *
 * | variable                | default                              |
 * | ----------------------- | ------------------------------------ |
 * | ISSUER_BASE_URL         | http://localhost:4000/               |
 * | AUDIENCE                | https://api.example.com              |
 * | JWKS_URI                | <issuer>.well-known/jwks.json        |
 * | PORT                    | 3001                                 |
 * | HOST                    | localhost                            |
 * | CLOCK_TOLERANCE         | 5 (seconds)                          |
 * | JWKS_CACHE_MAX_AGE_MS   | 600000 (10 minutes, jwks-rsa's own)  |
 * | CORS_ORIGINS            | http://localhost:5173 (comma-separated browser origins, e.g. sample-spa's) |
 * | TOKEN_PROFILE           | auth0 (typ JWT or at+jwt); rfc9068: typ at+jwt, client_id and jti required |
 */
import type { Agent } from 'node:https';
import type { TokenProfile } from './auth/access-token-profile.js';

export interface ApiConfig {
  /** Compared character for character with the token's `iss` (Auth0's ends with `/`). */
  issuer: string;
  /** The API identifier: must appear in the token's `aud`. */
  audience: string;
  jwksUri: string;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Seconds of leeway for `exp`, `nbf` and a future `iat`. */
  clockTolerance: number;
  /** How long jwks-rsa keeps a key (by `kid`) before refetching, in milliseconds. */
  jwksCacheMaxAge: number;
  /** Browser origins allowed to call the API (CORS); any other origin gets no CORS headers. */
  corsOrigins: string[];
  /** The access-token profile of the API's tokens (its Auth0 token dialect): `auth0` (default) or `rfc9068`. */
  tokenProfile: TokenProfile;
  /**
   * jwks-rsa's `requestAgent` for fetching the JWKS, e.g. `new https.Agent({ ca })` for an IdP whose
   * certificate comes from a private CA (the local stack's HTTPS mock). Default: Node's own, which
   * trusts NODE_EXTRA_CA_CERTS.
   */
  jwksRequestAgent?: Agent;
}

type Env = Record<string, string | undefined>;

export const API_DEFAULTS = {
  issuer: 'http://localhost:4000/',
  audience: 'https://api.example.com',
  port: 3001,
  host: 'localhost',
  clockTolerance: 5,
  jwksCacheMaxAge: 10 * 60 * 1000,
  corsOrigins: ['http://localhost:5173'],
  tokenProfile: 'auth0',
} as const;

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const issuer = nonEmpty(env, 'ISSUER_BASE_URL') ?? API_DEFAULTS.issuer;
  assertHttpUrl('ISSUER_BASE_URL', issuer);
  const jwksUri = nonEmpty(env, 'JWKS_URI') ?? defaultJwksUri(issuer);
  assertHttpUrl('JWKS_URI', jwksUri);
  return {
    issuer,
    audience: nonEmpty(env, 'AUDIENCE') ?? API_DEFAULTS.audience,
    jwksUri,
    port: integer(env, 'PORT', API_DEFAULTS.port, 0, 65_535),
    host: nonEmpty(env, 'HOST') ?? API_DEFAULTS.host,
    clockTolerance: integer(env, 'CLOCK_TOLERANCE', API_DEFAULTS.clockTolerance, 0, 300),
    jwksCacheMaxAge: integer(env, 'JWKS_CACHE_MAX_AGE_MS', API_DEFAULTS.jwksCacheMaxAge, 1, 86_400_000),
    corsOrigins: origins(env, 'CORS_ORIGINS') ?? [...API_DEFAULTS.corsOrigins],
    tokenProfile: tokenProfile(env),
  };
}

/** Auth0's JWKS lives under the issuer; the slash is added only to build this URL, never to `issuer`. */
export function defaultJwksUri(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer : `${issuer}/`}.well-known/jwks.json`;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function tokenProfile(env: Env): TokenProfile {
  const raw = nonEmpty(env, 'TOKEN_PROFILE') ?? API_DEFAULTS.tokenProfile;
  if (raw !== 'auth0' && raw !== 'rfc9068') throw new Error(`TOKEN_PROFILE must be auth0 or rfc9068, got "${raw}"`);
  return raw;
}

function origins(env: Env, name: string): string[] | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    assertHttpUrl(name, value);
    const { origin } = new URL(value);
    if (origin !== value.replace(/\/$/, '')) throw new Error(`${name} takes origins (scheme://host:port), got "${value}"`);
    return origin;
  });
}

function assertHttpUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) URL, got "${value}"`);
  }
}
