/**
 * The Auth0 tutorial's `checkJwt`, hardened: exact issuer, audience, RS256 only,
 * header-only tokens, 5 s clock tolerance, and the access-token profile checks.
 * Every failure reaches `next()` as an express-jwt UnauthorizedError or an AuthError.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { expressjwt, type GetVerificationKey } from 'express-jwt';
import type { RequestHandler } from 'express';
import jwksRsa from 'jwks-rsa';
import type { ApiConfig } from '../config.js';
import { assertAccessTokenProfile } from './access-token-profile.js';
import { bearerTokenFromHeader } from './bearer-token.js';
import { AuthError, invalidToken } from './errors.js';

/** A hung IdP must not hold requests for jwks-rsa's default 30 s. */
const JWKS_TIMEOUT_MS = 5_000;
const RETRY_AFTER_SECONDS = 10;

export type CheckJwtConfig = Pick<ApiConfig, 'issuer' | 'audience' | 'jwksUri' | 'clockTolerance' | 'jwksCacheMaxAge'> & Partial<Pick<ApiConfig, 'jwksRequestAgent' | 'tokenProfile'>>;

/**
 * jwks-rsa hands express-jwt a PEM string, which jsonwebtoken parses into a
 * key object on every request (a third of the API's CPU under load). Parsed
 * once per key instead; jwks-rsa still decides which keys are current.
 */
function parsedOnce(secret: GetVerificationKey): GetVerificationKey {
  const parsed = new Map<string, KeyObject>();
  return async (req, token) => {
    const key = await secret(req, token);
    if (typeof key !== 'string') return key;
    let keyObject = parsed.get(key);
    if (!keyObject) {
      if (parsed.size >= 16) parsed.clear();
      keyObject = createPublicKey(key);
      parsed.set(key, keyObject);
    }
    return keyObject;
  };
}

export function createCheckJwt(config: CheckJwtConfig): RequestHandler {
  return expressjwt({
    secret: parsedOnce(jwksRsa.expressJwtSecret({
      cache: true,
      cacheMaxAge: config.jwksCacheMaxAge,
      rateLimit: true,
      jwksRequestsPerMinute: 5,
      jwksUri: config.jwksUri,
      timeout: JWKS_TIMEOUT_MS,
      ...(config.jwksRequestAgent ? { requestAgent: config.jwksRequestAgent } : {}),
      handleSigningKeyError: (err, cb) => cb(err === null ? null : signingKeyFailure(err)),
    }) as GetVerificationKey),
    audience: config.audience,
    issuer: config.issuer,
    algorithms: ['RS256'],
    clockTolerance: config.clockTolerance,
    getToken: bearerTokenFromHeader,
    // express-jwt's only hook that sees the verified header as well as the payload.
    isRevoked: (_req, token) => {
      assertAccessTokenProfile(token, config.clockTolerance, undefined, config.tokenProfile);
      return false;
    },
  });
}

/**
 * Every error jwks-rsa's key lookup can raise, as an AuthError. Without this,
 * SigningKeyNotFoundError becomes a confusing "secret or public key must be
 * provided", and JwksRateLimitError or a fetch failure reaches the error handler raw.
 */
export function signingKeyFailure(err: Error): AuthError {
  switch (err.name) {
    case 'SigningKeyNotFoundError':
      return invalidToken('No signing key matches the token kid');
    case 'JwksRateLimitError':
      // An unknown kid while refetches are capped: the token cannot be verified.
      return invalidToken('No known signing key matches the token kid');
    default:
      // Network error, timeout, HTTP error, unparsable or empty key set.
      return new AuthError({
        kind: 'idp_unavailable',
        description: 'The signing keys of the identity provider could not be fetched',
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
  }
}
