/**
 * The resource-server (API) cases of the failure-mode catalogue, RS-01 to RS-40:
 * each case's row of the catalogue (id, title, level, reference; held once in
 * tools/faults/cases.ts, where the fault presets take their level and reference
 * from), its expected answer, and the teaching text of docs/conformance.md.
 * The runner's checks and the page are both built from this list, so they
 * cannot drift apart.
 */
import { catalogueCase, type CatalogueCase } from '../tools/faults/index.js';

export interface CaseFixes {
  /** express-jwt 8 + jwks-rsa. */
  readonly expressJwt: string;
  /** Auth0's express-oauth2-jwt-bearer. */
  readonly auth0: string;
  /** jose's jwtVerify + createRemoteJWKSet. */
  readonly jose: string;
}

/** A catalogue case (`id`, `title`, `level`: a failed MUST makes the run fail, `reference`) with what the harness and the page say about it. */
export interface ConformanceCase extends CatalogueCase {
  /** The level as the catalogue words it, e.g. `MUST 401, SHOULD header`. */
  readonly levelText: string;
  readonly expected: string;
  /** What the harness sends. */
  readonly sent: string;
  /** Why an API must answer as expected. */
  readonly why: string;
  /** The real-world incident, CVE or test suite behind the case. */
  readonly incident: string;
  readonly fix: CaseFixes;
}

const IT = '401 with `WWW-Authenticate: Bearer error="invalid_token"`';

const VERIFY_NOT_DECODE: CaseFixes = {
  expressJwt: 'Use `req.auth`, which express-jwt sets only after jsonwebtoken verified the signature; never make decisions on `jwt.decode()` output.',
  auth0: 'Use `req.auth.payload`, set only after the SDK verified the token.',
  jose: 'Use the result of `jwtVerify()`; `decodeJwt()` and `decodeProtectedHeader()` do not verify anything.',
};

const KEYS_FROM_JWKS: CaseFixes = {
  expressJwt: 'Let `jwksRsa.expressJwtSecret({ jwksUri })` pick the key by `kid` from the IdP\'s JWKS, with `algorithms: [\'RS256\']`.',
  auth0: 'Handled: keys come only from the JWKS the discovery document names.',
  jose: 'Verify with `createRemoteJWKSet(new URL(jwksUri))` built once from configuration, with `algorithms: [\'RS256\']`.',
};

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  {
    ...catalogueCase('RS-01'),
    levelText: 'MUST 401, SHOULD header',
    expected: '401 with a bare `WWW-Authenticate: Bearer` challenge (no error code)',
    sent: 'The request without any credentials.',
    why: 'A request without credentials is unauthenticated: 401, and the challenge tells the client which scheme to use. No error code: the client did nothing wrong, it did not know authentication was needed. A 200 means the route is not protected, a 500 that the code assumed a header.',
    incident: 'Routes left outside the auth middleware (mounted after the route, or on another router) are the most common broken-access-control finding: OWASP Top 10 2021, A01.',
    fix: {
      expressJwt: 'express-jwt answers `UnauthorizedError` `credentials_required` (401) but sets no header: in the error handler add `WWW-Authenticate: Bearer realm="api"` for it.',
      auth0: 'Handled: `auth()` answers 401 with `WWW-Authenticate: Bearer realm="api"`; mount it before the routes it protects.',
      jose: 'When there is no `Authorization` header, answer 401 with `WWW-Authenticate: Bearer realm="api"` before calling `jwtVerify`.',
    },
  },
  {
    ...catalogueCase('RS-02'),
    levelText: 'SHOULD (MUST NOT be 200)',
    expected: '401 with a bare Bearer challenge; never 200',
    sent: '`Authorization: Basic dXNlcjpwYXNz` (user:pass).',
    why: 'Another scheme brings no bearer token: the request is unauthenticated and gets 401 with a bare `Bearer` challenge, as in RFC 6750 §3.1\'s own example of "an unsupported authentication method". Code that only checks that an `Authorization` header exists lets it through.',
    incident: 'Guards of the form `if (req.headers.authorization) next()` accept any scheme; RFC 6750 §3 answers this exact request with `401` + `WWW-Authenticate: Bearer realm="example"`.',
    fix: {
      expressJwt: 'The default `getToken` throws `credentials_bad_scheme` (401): answer it like a missing token.',
      auth0: 'The SDK answers 400 (`invalid_request` without an error code): no security hole (the request is refused), but not RFC 6750\'s 401, so the harness warns. To answer 401, add before `auth()`: `if (req.headers.authorization && !/^bearer /i.test(req.headers.authorization)) return res.set(\'WWW-Authenticate\', \'Bearer realm="api"\').sendStatus(401)`.',
      jose: 'Split the header yourself: anything but a case-insensitive `bearer` scheme is a 401 with a bare challenge.',
    },
  },
  {
    ...catalogueCase('RS-03'),
    levelText: 'SHOULD',
    expected: '200 (the scheme is case-insensitive)',
    sent: '`Authorization: bearer <good token>` and `Authorization: BEARER <good token>`.',
    why: 'Authentication schemes are case-insensitive tokens (RFC 9110 §11.1). Clients, proxies and HTTP libraries that change the case exist; refusing them breaks legitimate callers.',
    incident: 'A recurring interoperability bug: `header.startsWith(\'Bearer \')` refuses the `bearer` some HTTP clients send.',
    fix: {
      expressJwt: 'Handled: the default `getToken` matches `/^Bearer$/i`.',
      auth0: 'Handled: the SDK matches `/^(Bearer|DPoP) (.+)$/i`.',
      jose: 'Compare `scheme.toLowerCase() === \'bearer\'`, never `startsWith(\'Bearer \')`.',
    },
  },
  {
    ...catalogueCase('RS-04'),
    levelText: 'SHOULD',
    expected: '401 (query tokens not accepted)',
    sent: 'No `Authorization` header; the good token as `?access_token=`.',
    why: 'URLs end up in access logs, proxy logs, browser history and `Referer` headers: a token in the query leaks. RFC 6750 §2.3 allows the method only as a last resort and RFC 9700 §4.3.2 tells clients not to use it; an API that refuses it keeps clients from depending on it.',
    incident: 'Access tokens have repeatedly leaked through server logs and `Referer` headers; this is why the OAuth 2.0 Security BCP (RFC 9700) rules out query-string tokens for clients.',
    fix: {
      expressJwt: 'Handled by the default `getToken` (header only); a custom `getToken` must not fall back to `req.query.access_token`.',
      auth0: 'The SDK accepts `?access_token=` (RFC 6750 §2.3). To refuse it, add before `auth()`: `if (\'access_token\' in req.query) return res.set(\'WWW-Authenticate\', \'Bearer realm="api"\').sendStatus(401)`.',
      jose: 'Read the token from the `Authorization` header only.',
    },
  },
  {
    ...catalogueCase('RS-05'),
    levelText: 'SHOULD',
    expected: '400 `invalid_request` or 401; never 200 as another identity',
    sent: 'A token without the permission in the header and the good token in `?access_token=`.',
    why: 'Two credentials in one request: which one wins depends on the code path, and a gateway may authorise one while the app acts on the other. RFC 6750 §3.1 names "uses more than one method for including an access token" an `invalid_request` (400).',
    incident: 'Credential confusion between layers (gateway checks the header, framework reads the query) is a known pattern behind authorisation bypasses; RFC 6750 rules it out with `invalid_request`.',
    fix: {
      expressJwt: 'The default `getToken` ignores the query (401 or 403 on the header token); to answer 400, throw from a custom `getToken` when both are present (sample-api does).',
      auth0: 'Handled: 400 `invalid_request` "More than one method used for authentication".',
      jose: 'When both the header and `access_token` are present, answer 400 with `error="invalid_request"`.',
    },
  },
  {
    ...catalogueCase('RS-06'),
    levelText: 'MUST (never the second token\'s identity), SHOULD 400 or 401',
    expected: '400 or 401; never the second token\'s identity',
    sent: 'Two `Authorization` field lines in one request: an invalid token (its signature broken, no permission) and the good token, then the same in the other order. The two differ by validity, so the answer shows which copy the API acted on even if it checks no permission: a 200 to "invalid, then good" means it used the second.',
    why: '`Authorization` is a singleton field: RFC 9110 §5.3 forbids sending it twice, and parsers disagree on which copy to keep (Node keeps the first, other stacks the last or a comma-joined value), so a proxy and the app can authorise different identities. The API must never act as the second token (FAIL); silently using the first one is reported as a warning, the safe answer is 400 `invalid_request` ("repeats the same parameter", RFC 6750 §3.1).',
    incident: 'Duplicate-header desynchronisation is the mechanism of HTTP request smuggling and of many header-injection bypasses: two components reading "the" header pick different copies. Node documents that it discards duplicate `Authorization` headers.',
    fix: {
      expressJwt: 'In a custom `getToken`: `if ((req.headersDistinct.authorization ?? []).length > 1) throw new UnauthorizedError(\'credentials_bad_format\', { message: \'one Authorization header\' })` and answer 400.',
      auth0: 'The SDK sees only the copy Node kept. Add before `auth()`: `if ((req.headersDistinct.authorization ?? []).length > 1) return res.status(400).set(\'WWW-Authenticate\', \'Bearer realm="api", error="invalid_request"\').end()`.',
      jose: 'Require `req.headersDistinct.authorization?.length === 1` before verifying; answer 400 `invalid_request` otherwise.',
    },
  },
  {
    ...catalogueCase('RS-07'),
    levelText: 'MUST',
    expected: '431 or 401, no crash (the API still answers afterwards)',
    sent: 'A validly signed token padded to 17 KiB in the `Authorization` header, then the good token again to check the API still answers.',
    why: 'A server must bound what it buffers per request: Node refuses header sections over 16 KiB with 431 Request Header Fields Too Large (RFC 6585 §5). A server that crashes or hangs on one oversized header can be taken down with one request.',
    incident: 'CVE-2018-12121: Node.js could be exhausted with large HTTP headers; the default limit was cut to 8 KiB, later set to 16 KiB (`--max-http-header-size`).',
    fix: {
      expressJwt: 'Nothing to add on Node\'s default limit; do not raise `--max-http-header-size` / `maxHeaderSize` without a bound.',
      auth0: 'Same: Node answers 431 before any middleware runs.',
      jose: 'Same: keep Node\'s header limit (or your proxy\'s) in place.',
    },
  },
  {
    ...catalogueCase('RS-08'),
    levelText: 'MUST',
    expected: IT,
    sent: '`garbage.garbage.garbage`; the good token with its dots removed (one segment); a JWE (five segments) wrapping the good token.',
    why: 'The token parser is the first code that sees attacker-chosen bytes: it must fail closed with 401 `invalid_token`, neither throw a 500 (stack traces, crash loops) nor accept a shape it did not verify.',
    incident: 'Unhandled `JSON.parse` or base64 errors in hand-written token parsing answer 500, and error pages or logs then echo the token; fuzzing the Authorization header is a standard step of every API test (jwt_tool, Burp).',
    fix: {
      expressJwt: 'jsonwebtoken\'s errors become `UnauthorizedError` `invalid_token`: map every `UnauthorizedError` to 401 in the error handler.',
      auth0: 'Handled: every verification error becomes `InvalidTokenError` (401).',
      jose: 'Catch `errors.JOSEError` (the base of all of jose\'s errors) and answer 401 `invalid_token`; only unexpected errors are 500s.',
    },
  },
  {
    ...catalogueCase('RS-09'),
    levelText: 'MUST',
    expected: IT,
    sent: '`header.payload` of the good token, without the signature segment.',
    why: 'Without a signature nothing proves who issued the claims. RFC 8725 §3.3 requires every cryptographic operation to be validated: a missing segment must not be read as "nothing to check".',
    incident: 'The same family as `alg: none`: code that verifies "if a signature is present" accepts tokens an attacker wrote by hand.',
    fix: VERIFY_NOT_DECODE,
  },
  {
    ...catalogueCase('RS-10'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with `sub` and `permissions` rewritten (an escalated permission added), the original signature kept.',
    why: 'The signature covers header and payload (RFC 7515 §5.2): any edit must break it, or every user can promote themselves.',
    incident: 'Using `jwt.decode()` where `jwt.verify()` was meant: jsonwebtoken\'s README warns that `decode` does not check the signature, and the mix-up keeps turning up in code reviews and bug bounties.',
    fix: VERIFY_NOT_DECODE,
  },
  {
    ...catalogueCase('RS-11'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with one character in the middle of the signature changed (the last character may carry only padding bits).',
    why: 'A signature that differs in one byte must fail; accepting it shows the signature is decoded but never checked.',
    incident: 'jwt_tool\'s "broken signature" probe (`-X b`) is the first test run against any JWT API precisely because decode-only code is so common.',
    fix: VERIFY_NOT_DECODE,
  },
  {
    ...catalogueCase('RS-12'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims signed by a key the attacker generated, with the `kid` of the IdP\'s real key.',
    why: '`kid` only names a key: the signature must verify with the key the IdP publishes under that name, not with whatever key signed the token.',
    incident: 'The OpenID Foundation conformance suite runs this (`invalid-sig-rs256`) against every certified relying party.',
    fix: KEYS_FROM_JWKS,
  },
  {
    ...catalogueCase('RS-13'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with `exp` one hour before now minus the clock tolerance.',
    why: '`exp` ends the token\'s life: RFC 9068 §4 requires the current time to be before it (with a small leeway). An expired token that still works turns every leaked token into a permanent one.',
    incident: '`ignoreExpiration: true` left over from debugging, or leeways of hours added to silence clock-skew errors, are classic findings; tokens leaked in logs then stay usable.',
    fix: {
      expressJwt: 'Handled by jsonwebtoken; never set `ignoreExpiration`, keep `clockTolerance` small (seconds).',
      auth0: 'Handled; `clockTolerance` defaults to 5 s.',
      jose: 'Handled by `jwtVerify`; `clockTolerance` defaults to 0 — a few seconds is enough.',
    },
  },
  {
    ...catalogueCase('RS-14'),
    levelText: 'SHOULD (T ≤ 60 s)',
    expected: '200 inside the tolerance T, 401 `invalid_token` just outside',
    sent: 'Tokens expired by T/2 (inside) and by T + 2 s (outside), T being the API\'s clock tolerance (`--clock-tolerance`, default 5 s).',
    why: 'A leeway absorbs clock skew between IdP and API, and RFC 9068 §4 allows "some small leeway, usually no more than a few minutes" — but it must be bounded. A WARN here often only means the harness was told another T than the API uses.',
    incident: 'Clock-skew errors in production are often "fixed" with a leeway of hours, which silently extends every token\'s life.',
    fix: {
      expressJwt: '`clockTolerance: 5` (seconds) in the express-jwt options.',
      auth0: '`clockTolerance` (default 5 s).',
      jose: '`clockTolerance: 5` in the `jwtVerify` options (default 0).',
    },
  },
  {
    ...catalogueCase('RS-15'),
    levelText: 'MUST',
    expected: `${IT} (default jsonwebtoken accepts it)`,
    sent: 'The good token without `exp`.',
    why: 'RFC 9068 §2.2 makes `exp` REQUIRED and §4 requires the current time to be before it: a token without `exp` never expires and cannot be accepted.',
    incident: 'jsonwebtoken (under express-jwt) checks `exp` only when it is present, so a mis-minted or forged token without it is valid forever.',
    fix: {
      expressJwt: 'Reject it yourself: in `isRevoked(req, token)` throw when `typeof token.payload.exp !== \'number\'` (sample-api does).',
      auth0: 'Handled: the `exp` validator requires a number.',
      jose: '`requiredClaims: [\'exp\']` (`jwtVerify` checks `exp` only when present).',
    },
  },
  {
    ...catalogueCase('RS-16'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with `nbf` one minute beyond now plus the clock tolerance.',
    why: 'RFC 7519 §4.1.5: the token must not be accepted before `nbf`. Honouring it keeps tokens minted for later from working now.',
    incident: 'Custom verification code often checks `exp` and forgets `nbf`; the libraries below all check it.',
    fix: {
      expressJwt: 'Handled by jsonwebtoken (never set `ignoreNotBefore`).',
      auth0: 'Handled by jose inside the SDK.',
      jose: 'Handled by `jwtVerify`.',
    },
  },
  {
    ...catalogueCase('RS-17'),
    levelText: 'SHOULD',
    expected: IT,
    sent: 'The good token with `iat` (and `exp`) moved one hour into the future.',
    why: 'No honest issuer mints tokens in the future: a future `iat` betrays a forged token or a broken issuer clock, and it defeats maximum-age checks. The RFCs only define and require `iat` (RFC 7519 §4.1.6, RFC 9068 §2.2) and RFC 8725 §3.10 tells verifiers not to trust received claims; refusing it is best practice, reported as a warning.',
    incident: 'Tokens minted with a skewed or attacker-controlled clock keep working long after they should, because their age looks negative.',
    fix: {
      expressJwt: 'jsonwebtoken checks `iat` only for `maxAge`, and never a future one: throw in `isRevoked` when `token.payload.iat > now + clockTolerance` (sample-api does).',
      auth0: '`maxTokenAge: <seconds>` makes the SDK require `iat` and refuse one beyond the clock tolerance.',
      jose: '`maxTokenAge: \'1 day\'` (any bound) makes `jwtVerify` refuse a future `iat`.',
    },
  },
  {
    ...catalogueCase('RS-18'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with `aud` naming another API.',
    why: 'A token minted for another API must not open this one, or any token of the tenant opens every API (RFC 9068 §4, RFC 8725 §3.9).',
    incident: 'RFC 8725 §2.7 describes the substitution attack: a token issued to one recipient replayed at another that skips the audience check.',
    fix: {
      expressJwt: '`audience: \'https://api.example.com\'` in the express-jwt options.',
      auth0: 'Handled: `auth()` requires `audience`.',
      jose: '`audience: \'https://api.example.com\'` in the `jwtVerify` options.',
    },
  },
  {
    ...catalogueCase('RS-19'),
    levelText: 'MUST',
    expected: '200',
    sent: 'The good token with `aud` = [the API, `<issuer>userinfo`], as Auth0 issues when `openid` is requested.',
    why: '`aud` may be an array; it must contain the API\'s identifier (RFC 9068 §4). Code that compares `aud === API` refuses legitimate Auth0 tokens.',
    incident: 'A classic support question for Auth0 APIs: tokens with `openid` carry two audiences and hand-written string comparisons fail.',
    fix: {
      expressJwt: 'Handled by the `audience` option (arrays are matched by membership).',
      auth0: 'Handled.',
      jose: 'Handled by the `audience` option; never compare `payload.aud === API` yourself.',
    },
  },
  {
    ...catalogueCase('RS-20'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token without `aud`; then with `aud` = [another API, `<issuer>userinfo`].',
    why: 'RFC 9068 §2.2 requires `aud`; a token that does not name this API cannot show it was meant for it.',
    incident: 'Audience checks written as "if `aud` is present, compare it" accept tokens that simply leave it out.',
    fix: {
      expressJwt: 'Handled when `audience` is set (jsonwebtoken refuses a missing `aud`).',
      auth0: 'Handled.',
      jose: 'Handled when `audience` is set.',
    },
  },
  {
    ...catalogueCase('RS-21'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with `iss` naming another tenant.',
    why: 'Only the configured issuer is trusted (RFC 9068 §4: exact match). Without the check a token from any tenant of the same provider, signed with that tenant\'s keys, may be accepted.',
    incident: 'Wiz\'s 2023 "BingBang" research: Microsoft applications registered as multi-tenant accepted users of any Azure AD tenant because the issuer / tenant was not checked.',
    fix: {
      expressJwt: '`issuer: \'https://tenant.auth0.com/\'` in the express-jwt options.',
      auth0: 'Handled: the issuer comes from `issuerBaseURL`\'s discovery document.',
      jose: '`issuer` in the `jwtVerify` options.',
    },
  },
  {
    ...catalogueCase('RS-22'),
    levelText: 'MUST',
    expected: `${IT} (exact match)`,
    sent: 'The good token with the issuer\'s trailing slash removed from `iss`.',
    why: 'Issuers compare as exact strings: Auth0\'s ends with `/`, and `https://tenant/` and `https://tenant` are different issuers. An API that normalises accepts near-misses; an API configured without the slash refuses every real token (the misconfiguration the baseline diagnoses first).',
    incident: 'Configuring `https://tenant.auth0.com` instead of `https://tenant.auth0.com/` is the most common reason an Auth0-protected API refuses every token.',
    fix: {
      expressJwt: 'Set `issuer` to exactly the discovery document\'s `issuer`, slash included; do not normalise.',
      auth0: 'Handled: the discovery document\'s `issuer` is compared exactly.',
      jose: 'Set `issuer` to exactly the discovery document\'s `issuer`.',
    },
  },
  {
    ...catalogueCase('RS-23'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims with `alg` set to `none`, `None`, `NONE` and `nOnE`, and an empty signature.',
    why: 'An unsigned token proves nothing. The algorithm comes from the API\'s allow-list, never from the token (RFC 8725 §3.1); case variants slip past deny-lists that compare case-sensitively.',
    incident: 'Tim McLean\'s 2015 disclosure showed several JWT libraries honouring `alg: none` (CVE-2015-9235 covers node-jsonwebtoken from the same report); CVE-2022-23540: jsonwebtoken ≤ 8.5.1 fell back to `none` when no algorithms were given and the key was falsy.',
    fix: {
      expressJwt: '`algorithms: [\'RS256\']` (required since express-jwt 6, CVE-2020-15084).',
      auth0: 'Handled: `none` is refused, and only asymmetric algorithms are used with a JWKS.',
      jose: 'Handled: `jwtVerify` never accepts `none` (unsecured JWTs need `UnsecuredJWT`); also set `algorithms: [\'RS256\']`.',
    },
  },
  {
    ...catalogueCase('RS-24'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good token with its signature segment emptied (`header.payload.`).',
    why: 'An empty signature must fail verification, not be treated as "nothing to verify".',
    incident: 'CVE-2020-28042: ServiceStack before 5.9.2 accepted JWTs with an empty signature unless the application checked its length.',
    fix: VERIFY_NOT_DECODE,
  },
  {
    ...catalogueCase('RS-25'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims with `alg: HS256`, MACed with the IdP\'s public key as the secret: its PEM text, then its JWK JSON.',
    why: 'The public key is public. An API that lets the token choose HMAC and feeds the RSA public key to it verifies a MAC anyone can compute (algorithm confusion).',
    incident: 'CVE-2016-10555: jwt-simple let the token pick HS256 against an RSA public key; CVE-2022-23541: jsonwebtoken ≤ 8.5.1 allowed the same through a key-retrieval callback without `algorithms`.',
    fix: {
      expressJwt: '`algorithms: [\'RS256\']` only; never mix HS* and RS* for one key source.',
      auth0: 'Handled: with a JWKS the SDK refuses symmetric algorithms before verifying.',
      jose: 'Handled: jose refuses an HMAC algorithm with an RSA key; set `algorithms: [\'RS256\']` anyway.',
    },
  },
  {
    ...catalogueCase('RS-26'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims with `alg: HS256`, MACed with an empty secret.',
    why: 'An empty HMAC secret is no secret, and HS256 has no place on an RS256 API\'s allow-list.',
    incident: 'CVE-2019-20933: InfluxDB before 1.7.6 accepted JWTs signed with an empty shared secret, an authentication bypass.',
    fix: {
      expressJwt: '`algorithms: [\'RS256\']`; never let a secret be empty or undefined.',
      auth0: 'Handled: symmetric algorithms are refused with a JWKS.',
      jose: 'Handled: jose refuses HS256 with an RSA key set (and rejects empty secrets); set `algorithms: [\'RS256\']`.',
    },
  },
  {
    ...catalogueCase('RS-27'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims signed with the IdP\'s real key but with `alg` RS512, then PS256.',
    why: 'The signature is genuine, but the API, not the token, decides which algorithms count (RFC 8725 §3.1). An API that follows the token\'s `alg` can be steered to weaker or buggier algorithms.',
    incident: 'RFC 8725 §2.1 ("weak signatures and insufficient signature validation") and §3.1 were written after the 2015 wave of algorithm-confusion bugs.',
    fix: {
      expressJwt: '`algorithms: [\'RS256\']`.',
      auth0: 'Set `tokenSigningAlg: \'RS256\'`; without it the SDK allows what the discovery document advertises (jose still refuses keys whose JWK `alg` differs).',
      jose: '`algorithms: [\'RS256\']` (jose also refuses a key whose JWK `alg` differs from the token\'s).',
    },
  },
  {
    ...catalogueCase('RS-28'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims with `alg: ES256` and a signature of 64 zero bytes.',
    why: 'An all-zero ECDSA signature "verifies" against any key in broken implementations; and ES256 is not on an RS256 API\'s allow-list anyway.',
    incident: 'CVE-2022-21449 ("psychic signatures"): Java 15 to 18 accepted ECDSA signatures with r = s = 0 for any message and key.',
    fix: {
      expressJwt: '`algorithms: [\'RS256\']`.',
      auth0: 'Set `tokenSigningAlg: \'RS256\'` (jose itself refuses r = s = 0).',
      jose: '`algorithms: [\'RS256\']`.',
    },
  },
  {
    ...catalogueCase('RS-29'),
    levelText: 'MUST',
    expected: IT,
    sent: 'The good claims signed by the attacker\'s key (RSA, then EC P-256), with that public key in the `jwk` header.',
    why: 'A key shipped inside the token belongs to whoever made the token: verification keys come only from the IdP\'s JWKS.',
    incident: 'CVE-2018-0114: Cisco\'s node-jose before 0.11.0 verified tokens with the key embedded in their `jwk` header.',
    fix: {
      ...KEYS_FROM_JWKS,
      jose: 'Never pass `EmbeddedJWK` as the key of an access-token check; use `createRemoteJWKSet` with `algorithms: [\'RS256\']`.',
    },
  },
  {
    ...catalogueCase('RS-30'),
    levelText: 'MUST',
    expected: `${IT}, and the canary receives no request`,
    sent: 'Tokens signed by the attacker with a `jku` (then `x5u`) header naming a URL on a canary server the harness runs on loopback.',
    why: 'Fetching keys from a URL the token names lets the attacker choose the key, and makes the API fetch arbitrary URLs (SSRF). RFC 8725 §3.10: do not trust received claims.',
    incident: 'PortSwigger\'s Web Security Academy "JWT authentication bypass via jku header injection" lab; the same header-driven fetch is a classic SSRF primitive into internal networks.',
    fix: {
      expressJwt: 'Handled by jwks-rsa, which uses only the configured `jwksUri`; never build a client from `header.jku`.',
      auth0: 'Handled: only the discovery document\'s `jwks_uri` is used.',
      jose: 'Build `createRemoteJWKSet(new URL(configuredJwksUri))` once, never from the token\'s header.',
    },
  },
  {
    ...catalogueCase('RS-31'),
    levelText: 'MUST',
    expected: `${IT}, never 500`,
    sent: 'Tokens signed by the attacker with `kid` = `../../dev/null`, `\' OR \'1\'=\'1` and `$(touch /tmp/pwned)`.',
    why: '`kid` is attacker-chosen text: used as a file path it loads an empty "key", pasted into SQL it selects any key, passed to a shell it runs commands. It must only be looked up in the JWKS, and an odd `kid` is a 401, not a 500.',
    incident: 'PortSwigger\'s "JWT authentication bypass via kid header path traversal" lab (signing with `/dev/null`\'s empty key); SQL injection through `kid` in home-grown key stores is a recurring bug-bounty finding.',
    fix: KEYS_FROM_JWKS,
  },
  {
    ...catalogueCase('RS-32'),
    levelText: 'MUST',
    expected: `one JWKS refetch, then ${IT}`,
    sent: 'The good claims signed by the attacker\'s key under a `kid` the IdP never published.',
    why: 'A new `kid` may mean the IdP rotated keys (OIDC Core §10.1.1), so one refetch of the JWKS is right; then the token must be refused with 401, never a 500 from "key not found". The report shows whether the JWKS was refetched.',
    incident: 'jwks-rsa raises `SigningKeyNotFoundError`; without a mapping it reaches express as a 500 or as jsonwebtoken\'s confusing "secret or public key must be provided".',
    fix: {
      expressJwt: 'jwks-rsa refetches on an unknown `kid`; map its errors to 401 with `handleSigningKeyError` (sample-api does).',
      auth0: 'Handled: jose refetches (once per `cooldownDuration`) and the SDK answers 401.',
      jose: 'Handled by `createRemoteJWKSet`; answer `ERR_JWKS_NO_MATCHING_KEY` with 401.',
    },
  },
  {
    ...catalogueCase('RS-33'),
    levelText: 'SHOULD',
    expected: '401 (not 500), JWKS fetches capped',
    sent: 'Twenty tokens in a row, each with a different unknown `kid`; the harness counts the JWKS fetches they cause.',
    why: 'If every unknown `kid` triggers a JWKS fetch, one attacker turns the API into an amplifier against the IdP (and gets rate-limited by it); the refetches must be capped, and a hit cap must still answer 401.',
    incident: 'jwks-rsa added its rate limiter for this reason; its `JwksRateLimitError` reaches the express error handler as a plain error, a 500 unless mapped.',
    fix: {
      expressJwt: '`rateLimit: true, jwksRequestsPerMinute: 10` in jwks-rsa, and map `JwksRateLimitError` to 401.',
      auth0: 'Handled: jose refetches at most once per `cooldownDuration` (30 s).',
      jose: 'Handled by `createRemoteJWKSet`\'s `cooldownDuration` (default 30 s).',
    },
  },
  {
    ...catalogueCase('RS-34'),
    levelText: 'MUST',
    expected: '200 after a refetch',
    sent: 'Late in the run the IdP rotates to a key it never published before (so the API cannot hold it, however it caches), and the harness sends a token signed by it, retried for up to `--rotation-wait`, and at least until `--jwks-cooldown` (default 30 s, jose\'s `cooldownDuration`) has passed since the API\'s last JWKS fetch: an API that refetches at once passes at once. The keys are put back as they were at the end of the run.',
    why: 'IdPs rotate keys on a schedule or after a compromise; an API that loaded the keys once (at boot, or a pinned PEM) refuses every token after the rotation: an outage.',
    incident: 'The OpenID conformance suite\'s `signing-key-rotation` test; outages after IdP key rotations are a recurring post-mortem theme for services that pinned a certificate.',
    fix: {
      expressJwt: 'jwks-rsa fetches a new `kid` on demand (`cache: true`); never pin a PEM.',
      auth0: 'Handled by the SDK\'s remote JWKS.',
      jose: 'Use `createRemoteJWKSet`, not `createLocalJWKSet` over a JWKS fetched once.',
    },
  },
  {
    ...catalogueCase('RS-35'),
    levelText: 'SHOULD',
    expected: '401 `invalid_token` once the cache expires (jwks-rsa: ≤ 10 min)',
    sent: 'After the rotation the old key is removed from the JWKS; a token it signed earlier is sent, retried for up to `--rotation-wait`.',
    why: 'Removing a key from the JWKS is how an IdP revokes it, e.g. after a leak; an API\'s key cache must expire. The catalogue allows up to 10 minutes (jwks-rsa\'s cache); so a key still accepted at the end of a shorter `--rotation-wait` proves nothing and the case is reported as skipped (inconclusive); with `--rotation-wait 600` a key that still works is a warning.',
    incident: 'After a signing-key leak, the old key keeps verifying attacker tokens for as long as caches keep it: cache lifetimes are part of the incident-response time.',
    fix: {
      expressJwt: 'jwks-rsa\'s `cacheMaxAge` (default 10 min) bounds it.',
      auth0: '`cacheMaxAge` (default 10 min) bounds it.',
      jose: '`createRemoteJWKSet(url, { cacheMaxAge })` (default 10 min) bounds it.',
    },
  },
  {
    ...catalogueCase('RS-36'),
    levelText: 'SHOULD',
    expected: '401 `invalid_token` or try each key; never crash',
    sent: 'The good token without `kid`, while the IdP publishes two keys.',
    why: 'Without a `kid` the API must choose safely: try each published key or refuse. Crashing on an unexpected shape is the bug.',
    incident: 'The OpenID conformance suite\'s `kid-absent-multiple-jwks` test.',
    fix: {
      expressJwt: 'jwks-rsa refuses a token without `kid` when several keys are published (`SigningKeyNotFoundError`): map it to 401.',
      auth0: 'Handled: jose tries each matching key.',
      jose: 'Handled: `jwtVerify` tries each matching key of the set.',
    },
  },
  {
    ...catalogueCase('RS-37'),
    levelText: 'MUST not be 200',
    expected: `${IT} (the aud check also catches it)`,
    sent: 'An ID token of the same user: `typ: JWT`, `aud` = the client id, a `nonce`.',
    why: 'An ID token tells the login app who signed in; it grants no API access. `aud` says so, and `typ` too for an RFC 9068 API (RFC 9068 §2.1, RFC 8725 §3.11 explicit typing); Auth0\'s default token dialect (`access_token`) types access tokens `JWT` as well, so there only `aud` (and the `nonce`) tell them apart.',
    incident: 'RFC 8725 §2.8 describes cross-JWT confusion; Auth0\'s documentation warns never to send ID tokens to APIs, yet SPAs that do are common.',
    fix: {
      expressJwt: '`audience` catches it; for defence in depth refuse a `nonce` in `isRevoked`, and require `typ` `at+jwt` when the API\'s token dialect is RFC 9068 (sample-api does both, the second with `TOKEN_PROFILE=rfc9068`).',
      auth0: '`audience` catches it; with an RFC 9068 API, `strict: true` (or `validators: { typ: (t) => /^(application\\/)?at\\+jwt$/i.test(t) }`) checks the type too.',
      jose: '`audience` in the `jwtVerify` options, and `typ: \'at+jwt\'` for an RFC 9068 API.',
    },
  },
  {
    ...catalogueCase('RS-38'),
    levelText: 'SHOULD',
    expected: IT,
    sent: 'The good token without `sub`.',
    why: 'RFC 9068 §2.2 requires `sub`: without it the API cannot tell whom (which user or client) the token speaks for, and audit logs lose the actor.',
    incident: 'Code that uses `req.auth.sub` as a database key then reads or writes the rows of `undefined`.',
    fix: {
      expressJwt: 'Throw in `isRevoked` when `typeof token.payload.sub !== \'string\'` (sample-api does).',
      auth0: '`validators: { sub: (sub) => typeof sub === \'string\' }` (or `strict: true` when your IdP issues full RFC 9068 tokens).',
      jose: '`requiredClaims: [\'sub\']`.',
    },
  },
  {
    ...catalogueCase('RS-39'),
    levelText: 'MUST 403, SHOULD header',
    expected: '403 with `WWW-Authenticate: Bearer error="insufficient_scope"`',
    sent: 'A good token of the same user with no permissions (empty `permissions` and `scope`).',
    why: 'The token is valid; the permission is missing. 403 `insufficient_scope` tells the client that signing in again will not help (RFC 6750 §3.1); a 401 sends clients into re-login loops, a 200 is broken access control.',
    incident: 'Re-login loops in SPAs behind APIs that answer 401 for missing permissions; broken function-level authorisation is OWASP API Security Top 10 2023, API5.',
    fix: {
      expressJwt: 'After express-jwt, answer 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="read:orders"` when `req.auth.permissions` lacks it (sample-api\'s `requirePermission`).',
      auth0: 'Use `requiredScopes(\'read:orders\')` (403); `claimIncludes(\'permissions\', …)` and `claimCheck()` answer 401 `invalid_token` instead — for the RBAC `permissions` claim write a small middleware that answers 403 `InsufficientScopeError`.',
      jose: 'After `jwtVerify`, check the permission and answer 403 `insufficient_scope`.',
    },
  },
  {
    ...catalogueCase('RS-40'),
    levelText: 'MUST (the baseline)',
    expected: '200',
    sent: 'A good token: the IdP\'s issuer, the API as `aud`, RS256 by the published key, typ `JWT` (Auth0\'s default token dialect) or `at+jwt` (RFC 9068: the API\'s `tokenDialect`, or `--token-dialect`), the permission granted.',
    why: 'If the API refuses a good token, every other result would be meaningless: the harness stops and reports a misconfigured target, trying variants (issuer without its trailing slash, other audience shapes, a wide validity window) and checking whether the API fetched the JWKS at all.',
    incident: 'Issuer without its trailing slash, a JWKS URL that is not `<issuer>.well-known/jwks.json`, another audience, or a skewed clock: the usual four.',
    fix: {
      expressJwt: '`issuer` exactly as the IdP\'s (slash included), `jwksUri: \'<issuer>.well-known/jwks.json\'`, `audience` = the API identifier, `algorithms: [\'RS256\']`.',
      auth0: '`auth({ issuerBaseURL, audience })` with the IdP\'s URL and the API identifier.',
      jose: '`createRemoteJWKSet(new URL(\'<issuer>.well-known/jwks.json\'))` and `jwtVerify(token, jwks, { issuer, audience, algorithms: [\'RS256\'] })`.',
    },
  },
];

const BY_ID = new Map(CONFORMANCE_CASES.map((c) => [c.id, c]));

export function conformanceCase(id: string): ConformanceCase {
  const found = BY_ID.get(id as ConformanceCase['id']);
  if (!found) throw new Error(`no conformance case ${id}`);
  return found;
}
