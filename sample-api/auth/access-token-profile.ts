/**
 * What jsonwebtoken does not check but a JWT access token must satisfy
 * (RFC 9068 §2, §4; RFC 8725 §3.10-3.11). Runs after the signature, `iss`,
 * `aud`, `exp`/`nbf` values and the algorithm have been verified.
 */
import type { IsRevoked } from 'express-jwt';
import { invalidToken } from './errors.js';

type VerifiedToken = Parameters<IsRevoked>[1];

const RFC9068_TYPES = new Set(['at+jwt', 'application/at+jwt']);

/**
 * Which access-token profile the API's tokens follow (the API's token dialect on Auth0):
 * `auth0`, Auth0's default (`typ: JWT`; `at+jwt` accepted too), or `rfc9068`, where
 * `typ` must be `at+jwt` and `client_id`, `jti`, `iat` are required (as
 * express-oauth2-jwt-bearer's `strict: true`).
 */
export type TokenProfile = 'auth0' | 'rfc9068';

/** Throws an `invalid_token` AuthError when the verified token is not an acceptable access token. */
export function assertAccessTokenProfile(
  token: VerifiedToken,
  clockTolerance: number,
  now: number = Math.floor(Date.now() / 1000),
  profile: TokenProfile = 'auth0',
): void {
  if (token === undefined) throw invalidToken('The access token could not be decoded');
  const { header, payload } = token;

  // Any other JWT type (logout token, ID token of another kind, ...) sent as an access token.
  const typ = header.typ === undefined ? undefined : String(header.typ).toLowerCase();
  if (profile === 'rfc9068' ? typ === undefined || !RFC9068_TYPES.has(typ) : typ !== undefined && typ !== 'jwt' && !RFC9068_TYPES.has(typ)) {
    throw invalidToken(profile === 'rfc9068' ? 'The token is not an access token (typ must be at+jwt)' : 'The token is not an access token (typ must be JWT or at+jwt)');
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
  // An ID token has typ JWT as well (its aud is the application, so the audience check refuses it first).
  if (payload.nonce !== undefined) throw invalidToken('The token is not an access token (it has a nonce: an ID token)');
  if (profile === 'rfc9068') {
    for (const claim of ['iat', 'client_id', 'jti'] as const) {
      if (payload[claim] === undefined) throw invalidToken(`The access token has no ${claim} claim (RFC 9068)`);
    }
  }
}
