/** The good access token every fault deviates from: RS256, typ at+jwt (or JWT, Auth0's default dialect), Auth0's claim layout. */
import { FaultInputError } from './errors.js';
import { signJws, type Claims, type Header } from './compact.js';
import type { GoodTokenInput, SigningKey } from './types.js';

export const DEFAULT_SUBJECT = 'auth0|mock-idp-subject';
/** Seconds. */
export const DEFAULT_LIFETIME = 300;

/** The good token together with the pieces the faults rework. */
export interface GoodToken {
  readonly header: Header;
  readonly claims: Claims;
  /** The signed compact JWS. */
  readonly token: string;
  /** The clock the token was made with, epoch seconds. */
  readonly now: number;
  /** exp − iat, seconds. */
  readonly lifetime: number;
}

/** `{ alg: 'RS256', typ: 'at+jwt', kid }` (RFC 9068 §2.1), or `typ: JWT` for Auth0's default token dialect. */
export function goodHeader(key: SigningKey, typ: 'at+jwt' | 'JWT' = 'at+jwt'): Header {
  return { alg: key.alg, typ, kid: key.kid };
}

/** The first audience: the API the token is for. */
export function primaryAudience(input: GoodTokenInput): string {
  const api = typeof input.audience === 'string' ? input.audience : input.audience[0];
  if (api === undefined || api === '') throw new FaultInputError('audience must name the API');
  return api;
}

function clock(input: GoodTokenInput): { now: number; lifetime: number } {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const lifetime = input.expiresIn ?? DEFAULT_LIFETIME;
  if (!Number.isInteger(now)) throw new FaultInputError('now must be whole epoch seconds');
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new FaultInputError('expiresIn must be a positive whole number of seconds');
  return { now, lifetime };
}

/** `{ iss, sub, aud, iat, exp, ...claims }`. */
export async function buildGoodToken(input: GoodTokenInput, key: SigningKey): Promise<GoodToken> {
  if (input.issuer === '') throw new FaultInputError('issuer must not be empty');
  primaryAudience(input);
  const { now, lifetime } = clock(input);
  const header = goodHeader(key, input.typ);
  const claims: Claims = {
    iss: input.issuer,
    sub: input.subject ?? DEFAULT_SUBJECT,
    aud: input.audience,
    iat: now,
    exp: now + lifetime,
    ...input.claims,
  };
  return { header, claims, token: await signJws(header, claims, key.privateKey), now, lifetime };
}

/** Just the good token. */
export async function signGoodToken(input: GoodTokenInput, key: SigningKey): Promise<string> {
  return (await buildGoodToken(input, key)).token;
}
