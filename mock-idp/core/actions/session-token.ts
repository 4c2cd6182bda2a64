import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';

/**
 * The signed session tokens of redirect Actions (`api.redirect.encodeToken` / `validateToken`):
 * HS256 JWTs under a secret the action shares with the site it redirects to. Auth0's two calls are
 * synchronous, and jose signs and verifies only asynchronously, so the HMAC is node:crypto's;
 * jose decodes (and so checks the shape of) what comes back.
 */

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const mac = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest();

/** A session token is refused: the message is Auth0's when it is known. */
export class SessionTokenError extends Error {
  override name = 'SessionTokenError';
}

export function signSessionToken(claims: Record<string, unknown>, secret: string): string {
  const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${input}.${mac(input, secret).toString('base64url')}`;
}

/** The claims of a token signed with `secret` (HS256 only); SessionTokenError for anything else. */
export function verifySessionToken(token: string, secret: string): Record<string, unknown> {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) throw new SessionTokenError('The session token is invalid: it is not a JWT');
  let alg: unknown;
  let claims: Record<string, unknown>;
  try {
    alg = decodeProtectedHeader(token).alg;
    claims = decodeJwt(token);
  } catch {
    throw new SessionTokenError('The session token is invalid: it is not a JWT');
  }
  if (alg !== 'HS256') throw new SessionTokenError('The session token is invalid: only HS256 is accepted');
  const expected = mac(`${header}.${payload}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new SessionTokenError('The session token is invalid: invalid signature');
  return claims;
}
