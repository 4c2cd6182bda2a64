import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { processNow } from '../../core/clock.js';
import { formatDuration } from '../../core/clock.js';

/** One check an API makes on a JWT, in the order an API should make them. */
export type CheckName = 'format' | 'algorithm' | 'key' | 'signature' | 'type' | 'issuer' | 'audience' | 'expiry' | 'not_before' | 'issued_at' | 'subject';

export interface TokenCheck {
  check: CheckName;
  /** `skip`: not checked (an earlier check made it meaningless, or no expected value was given). */
  status: 'pass' | 'fail' | 'skip';
  /** The jose error code `jwtVerify` would throw for this failure (`ERR_JWT_EXPIRED`, ...). */
  code?: string;
  /** What was found, in words. */
  detail: string;
}

/** A time claim of the token, readable: when, and how long ago or from now. */
export interface TokenTime {
  claim: 'iat' | 'nbf' | 'exp' | 'auth_time';
  /** As in the token, epoch seconds. */
  epoch: number;
  iso: string;
  /** On the real time (as an API sees it): "expires in 4m30s", "expired 2h ago", "5m ago", "in 5m". */
  relative: string;
  /** When the mock's clock is ahead (time travel): the same on the mock's clock. */
  onMockClock?: string;
}

export interface TokenExplanation {
  /** Every check passed: an API configured for this issuer (and audience, when given) accepts the token. */
  valid: boolean;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  /** The token's iat, nbf, exp and auth_time as ISO times, each with "expires in …" / "expired … ago". */
  times?: TokenTime[];
  checks: TokenCheck[];
}

export interface ExplainContext {
  /** The issuer an API should expect, exactly (Auth0's ends with `/`). */
  issuer: string;
  /** The keys the issuer publishes (its JWKS). */
  publicKeys: readonly JWK[];
  /** The header `typ` of the access tokens the issuer gives for an API (its token dialect): `JWT` (Auth0 profile) or `at+jwt` (RFC 9068). */
  accessTokenTyp?: ((audience: string) => 'JWT' | 'at+jwt' | undefined) | undefined;
  /** The mock's now, epoch seconds (time travel moves it): the token's times are also given on it when it is ahead. */
  mockNow?: (() => number) | undefined;
}

/** How far a moment is from now, in words: `exp` says "expires in" / "expired … ago", the others "in …" / "… ago". */
function relative(claim: TokenTime['claim'], at: number, now: number): string {
  const span = formatDuration(at - now, 2);
  if (claim === 'exp') return at > now ? `expires in ${span}` : `expired ${span} ago`;
  return at > now ? `in ${span} (in the future)` : `${span} ago`;
}

/** The time claims of a payload, readable, on the real time and (when it is ahead) on the mock's clock. */
export function tokenTimes(payload: Record<string, unknown>, now: number, mockNow?: number): TokenTime[] {
  const claims = ['iat', 'nbf', 'exp', 'auth_time'] as const;
  return claims.flatMap((claim): TokenTime[] => {
    const epoch = payload[claim];
    if (typeof epoch !== 'number' || !Number.isFinite(epoch) || Math.abs(epoch) > 8.64e12) return [];
    const ahead = mockNow !== undefined && mockNow - now > 1;
    return [{ claim, epoch, iso: isoOf(epoch), relative: relative(claim, epoch, now), ...(ahead ? { onMockClock: relative(claim, epoch, mockNow) } : {}) }];
  });
}

/**
 * The type check: `at+jwt` is a JWT access token (RFC 9068); `JWT` (or none) is
 * Auth0's default access-token profile, unless it carries a `nonce` (an ID
 * token) or the API's dialect is RFC 9068. Anything else is another kind of JWT.
 */
function typeCheck(header: Record<string, unknown>, payload: Record<string, unknown>, expected: 'JWT' | 'at+jwt' | undefined): TokenCheck {
  const typ = String(header.typ ?? '');
  if (/^(application\/)?at\+jwt$/i.test(typ)) return { check: 'type', status: 'pass', detail: `typ ${typ}: a JWT access token (RFC 9068)` };
  const fail = (why: string): TokenCheck => ({ check: 'type', status: 'fail', code: CLAIM_FAILED, detail: `typ ${typ || '(none)'}: ${why}` });
  if (payload.nonce !== undefined) return fail('not an access token (it has a nonce: an ID token, meant for the app, never for an API)');
  if (!/^(JWT)?$/i.test(typ)) return fail('not an access token');
  if (expected === 'at+jwt') return fail("this API's token dialect is RFC 9068 (rfc9068_profile): its access tokens say at+jwt");
  return { check: 'type', status: 'pass', detail: `typ ${typ || '(none)'}: Auth0's default access token profile (token dialect access_token); an API that requires RFC 9068 wants at+jwt` };
}

export interface ExplainOptions {
  /** The API identifier the token is meant for; without it the audience is only described. */
  audience?: string | undefined;
  /** Seconds of leeway for exp, nbf and iat (APIs commonly allow a few); default 0. */
  clockTolerance?: number | undefined;
  /** Injectable clock, epoch seconds; default now. */
  now?: number | undefined;
}

const CLAIM_FAILED = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | TokenCheck {
  if (token.split('.').length !== 3) {
    return { check: 'format', status: 'fail', code: 'ERR_JWS_INVALID', detail: `a signed JWT has 3 dot-separated parts, this has ${token.split('.').length}` };
  }
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) as Record<string, unknown> };
  } catch (err) {
    return { check: 'format', status: 'fail', code: 'ERR_JWS_INVALID', detail: `not a decodable JWT: ${(err as Error).message}` };
  }
}

async function signatureChecks(token: string, header: Record<string, unknown>, keys: readonly JWK[]): Promise<TokenCheck[]> {
  const { alg, kid } = header;
  if (alg !== 'RS256') {
    const why = alg === 'none' ? 'an unsigned token (alg none) proves nothing' : typeof alg === 'string' && alg.startsWith('HS') ? `${alg} is symmetric: a token "signed" with the public key as HMAC secret is the key-confusion attack` : `${String(alg)} is not the algorithm this issuer signs with`;
    return [
      { check: 'algorithm', status: 'fail', code: 'ERR_JOSE_ALG_NOT_ALLOWED', detail: `alg ${String(alg)}: APIs must allow RS256 only; ${why}` },
      { check: 'key', status: 'skip', detail: 'not looked up: the algorithm is refused' },
      { check: 'signature', status: 'skip', detail: 'not verified: the algorithm is refused' },
    ];
  }
  const checks: TokenCheck[] = [{ check: 'algorithm', status: 'pass', detail: 'RS256, the algorithm this issuer signs with' }];
  const noKey = (code: string, detail: string): TokenCheck[] => [...checks, { check: 'key', status: 'fail', code, detail }, { check: 'signature', status: 'skip', detail: 'not verified: no key to verify with' }];
  let jwk: JWK | undefined;
  if (typeof kid === 'string') {
    jwk = keys.find((k) => k.kid === kid);
    if (!jwk) return noKey('ERR_JWKS_NO_MATCHING_KEY', `kid ${kid} is not in this issuer's JWKS: a retired key, or another issuer's`);
    checks.push({ check: 'key', status: 'pass', detail: `kid ${kid} is published in the JWKS` });
  } else {
    // Like jose's key selection: without a kid, a JWKS with exactly one key still names the key.
    if (keys.length !== 1) return noKey('ERR_JWKS_MULTIPLE_MATCHING_KEYS', `no kid, and the JWKS has ${keys.length} keys: an API cannot tell which one signed it`);
    jwk = keys[0]!;
    checks.push({ check: 'key', status: 'pass', detail: `no kid; the JWKS has one key (${String(jwk.kid)}), which jose picks` });
  }
  try {
    await compactVerify(token, await importJWK({ ...jwk, alg: 'RS256' }, 'RS256'));
    checks.push({ check: 'signature', status: 'pass', detail: `valid RS256 signature of key ${String(jwk.kid)}` });
  } catch {
    checks.push({ check: 'signature', status: 'fail', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', detail: `the signature does not verify with key ${String(jwk.kid)}: the token was altered, or signed by another key` });
  }
  return checks;
}

function audienceCheck(payload: Record<string, unknown>, expected: string | undefined): TokenCheck {
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
  const shown = audiences.length ? audiences.join(', ') : '(none)';
  if (expected === undefined) return { check: 'audience', status: 'skip', detail: `aud is ${shown}; give the API's identifier to check it` };
  if (audiences.includes(expected)) return { check: 'audience', status: 'pass', detail: `aud includes ${expected}` };
  return { check: 'audience', status: 'fail', code: CLAIM_FAILED, detail: `aud is ${shown}, not ${expected}: the token was issued for something else` };
}

function timeChecks(payload: Record<string, unknown>, now: number, tolerance: number): TokenCheck[] {
  const { exp, nbf, iat } = payload;
  const checks: TokenCheck[] = [];
  if (typeof exp !== 'number') {
    checks.push({ check: 'expiry', status: 'fail', code: CLAIM_FAILED, detail: 'no numeric exp: the token would never expire (RFC 9068 requires exp)' });
  } else if (exp <= now - tolerance) {
    checks.push({ check: 'expiry', status: 'fail', code: 'ERR_JWT_EXPIRED', detail: `expired ${formatDuration(now - exp, 2)} ago (${now - exp} s), at ${isoOf(exp)}` });
  } else {
    checks.push({ check: 'expiry', status: 'pass', detail: `expires in ${formatDuration(exp - now, 2)} (${exp - now} s), at ${isoOf(exp)}` });
  }
  if (nbf === undefined) checks.push({ check: 'not_before', status: 'skip', detail: 'no nbf' });
  else if (typeof nbf !== 'number' || nbf > now + tolerance) checks.push({ check: 'not_before', status: 'fail', code: CLAIM_FAILED, detail: `not valid before ${typeof nbf === 'number' ? isoOf(nbf) : String(nbf)}` });
  else checks.push({ check: 'not_before', status: 'pass', detail: `valid since ${isoOf(nbf)}` });
  if (iat === undefined) checks.push({ check: 'issued_at', status: 'skip', detail: 'no iat' });
  else if (typeof iat !== 'number' || iat > now + tolerance) checks.push({ check: 'issued_at', status: 'fail', code: CLAIM_FAILED, detail: `issued in the future (${typeof iat === 'number' ? isoOf(iat) : String(iat)}): a forged or clock-skewed token` });
  else checks.push({ check: 'issued_at', status: 'pass', detail: `issued ${formatDuration(now - iat, 2)} ago (${now - iat} s), at ${isoOf(iat)}` });
  return checks;
}

/**
 * Every check an API should make on a JWT access token from this issuer,
 * each reported on its own (an expired token for the wrong API fails both),
 * with the jose error code `jwtVerify` would throw. For learners and for
 * debugging "why does my API answer 401".
 */
export async function explainToken(context: ExplainContext, token: string, options: ExplainOptions = {}): Promise<TokenExplanation> {
  const decoded = decode(token.trim());
  if ('check' in decoded) return { valid: false, checks: [decoded] };
  const { header, payload } = decoded;
  // The real time, as the API under test sees it, even inside a request of a mock whose clock was moved (time travel).
  const now = options.now ?? Math.floor(processNow() / 1000);
  const tolerance = options.clockTolerance ?? 0;
  const checks: TokenCheck[] = [
    { check: 'format', status: 'pass', detail: 'a JWS in compact form with a JSON header and payload' },
    ...(await signatureChecks(token.trim(), header, context.publicKeys)),
    typeCheck(header, payload, options.audience === undefined ? undefined : context.accessTokenTyp?.(options.audience)),
    payload.iss === context.issuer
      ? { check: 'issuer', status: 'pass', detail: `iss is ${context.issuer}` }
      : {
          check: 'issuer', status: 'fail', code: CLAIM_FAILED,
          detail: `iss is ${String(payload.iss ?? '(none)')}, not ${context.issuer}${typeof payload.iss === 'string' && payload.iss.replace(/\/$/, '') === context.issuer.replace(/\/$/, '') ? ' (only the trailing slash differs: issuers compare character for character)' : ''}`,
        },
    audienceCheck(payload, options.audience),
    ...timeChecks(payload, now, tolerance),
    typeof payload.sub === 'string' && payload.sub !== ''
      ? { check: 'subject', status: 'pass', detail: `sub is ${payload.sub}` }
      : { check: 'subject', status: 'fail', code: CLAIM_FAILED, detail: 'no sub: RFC 9068 requires it in an access token' },
  ];
  const times = tokenTimes(payload, now, context.mockNow?.());
  return { valid: checks.every((c) => c.status !== 'fail'), header, payload, times, checks };
}
