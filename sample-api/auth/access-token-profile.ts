/**
 * What jsonwebtoken does not check but a JWT access token must satisfy
 * (RFC 9068 §2, §4; RFC 8725 §3.10-3.11). Runs after the signature, `iss`,
 * `aud`, `exp`/`nbf` values and the algorithm have been verified.
 */
import type { IsRevoked } from 'express-jwt';
import { invalidToken } from './errors.js';

type VerifiedToken = Parameters<IsRevoked>[1];

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/** Throws an `invalid_token` AuthError when the verified token is not an acceptable access token. */
export function assertAccessTokenProfile(
  token: VerifiedToken,
  clockTolerance: number,
  now: number = Math.floor(Date.now() / 1000),
): void {
  if (token === undefined) throw invalidToken('The access token could not be decoded');
  const { header, payload } = token;

  // An ID token (typ "JWT") or any other JWT type sent as an access token.
  if (header.typ !== undefined && !ACCESS_TOKEN_TYPES.has(String(header.typ).toLowerCase())) {
    throw invalidToken('The token is not an access token (typ must be at+jwt)');
  }
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if (header.crit !== undefined) throw invalidToken('Unsupported critical header parameters');

  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalidToken('The token payload is not a JSON claims set');
  }
  // jsonwebtoken accepts a token that never expires.
  if (typeof payload.exp !== 'number') throw invalidToken('The access token has no exp claim');
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') throw invalidToken('Invalid iat claim');
    if (payload.iat > now + clockTolerance) throw invalidToken('The access token was issued in the future');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw invalidToken('The access token has no sub claim');
  }
}
