/** Shared set-up of the fault tests: a real signing key, the good-token input, jose's reference verification. */
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JSONWebKeySet, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { GoodTokenInput, SigningKey } from '../../mock-idp/tools/faults/index.js';

export const ISSUER = 'https://tenant.example.com/';
export const API = 'https://api.example.com';
export const CLIENT_ID = 'client-4f9c2a';
/** The injected clock: 2025-06-15T15:06:40Z. */
export const NOW = 1_750_000_000;
export const CANARY_URL = 'http://127.0.0.1:9/canary/jwks.json';

export const INPUT: GoodTokenInput = {
  issuer: ISSUER,
  audience: API,
  subject: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1',
  claims: { azp: CLIENT_ID, scope: 'read:orders', permissions: ['read:orders'] },
  now: NOW,
};

/** A fresh RS256 key standing in for the IdP's signing key. */
export async function makeSigningKey(kid = 'test-key-1'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, kid, alg: 'RS256' };
}

/** What an RS256 API using jose checks: the reference options of the catalogue's `joseError` docs. */
export function referenceOptions(extra: Partial<JWTVerifyOptions> = {}): JWTVerifyOptions {
  return {
    issuer: ISSUER,
    audience: API,
    algorithms: ['RS256'],
    typ: 'at+jwt',
    requiredClaims: ['exp', 'iat', 'sub'],
    currentDate: new Date(NOW * 1000),
    ...extra,
  };
}

/** jose's jwtVerify against a local JWKS (by default holding only the real public key). */
export function verifyAsApi(
  token: string,
  key: SigningKey,
  extra: Partial<JWTVerifyOptions> = {},
  jwks: JSONWebKeySet = { keys: [key.publicJwk] },
): Promise<JWTVerifyResult> {
  return jwtVerify(token, createLocalJWKSet(jwks), referenceOptions(extra));
}

export function segments(token: string): string[] {
  return token.split('.');
}
