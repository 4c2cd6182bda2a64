/**
 * The RP (login-app) cases the harness runs: each catalogue row (tools/faults/cases.ts)
 * with what is planted, what a correct app does, why, the incident behind it, and the
 * fix in express-openid-connect, openid-client and passport. docs/conformance.md's RP
 * part is generated from this list.
 */
import { rpCatalogueCase, type RpCaseId } from '../../tools/faults/index.js';
import type { Level } from '../types.js';

export interface AppCaseFixes {
  /** express-openid-connect (Auth0's Express SDK). */
  readonly eoc: string;
  /** openid-client 6. */
  readonly openidClient: string;
  /** passport (passport-auth0 / passport-openidconnect). */
  readonly passport: string;
}

export interface AppConformanceCase {
  readonly id: RpCaseId;
  readonly title: string;
  readonly level: Level;
  readonly reference: string;
  readonly expected: string;
  /** What the harness plants. */
  readonly planted: string;
  readonly why: string;
  readonly incident: string;
  readonly fix: AppCaseFixes;
}

const REJECT = 'no session: the protected page still sends the browser to log in';
const VALIDATE: AppCaseFixes = {
  eoc: 'Handled: the SDK validates the ID token with openid-client; do not pass `idTokenSigningAlg: "none"` or a custom `afterCallback` that decodes the token itself.',
  openidClient: 'Handled by `authorizationCodeGrant(config, currentUrl, { expectedState, expectedNonce, pkceCodeVerifier })`; use `tokens.claims()`, never a hand-decoded token.',
  passport: 'passport-openidconnect / passport-auth0 check it; a hand-written strategy must verify with `jose.jwtVerify(idToken, createRemoteJWKSet(jwksUri), { issuer, audience: clientId, algorithms: ["RS256"] })`.',
};

const rp = (id: RpCaseId) => rpCatalogueCase(id);

export const APP_CONFORMANCE_CASES: readonly AppConformanceCase[] = [
  {
    ...rp('RP-00'), expected: 'the protected page (2xx)', planted: 'Nothing: the test user logs in through the app once, with the mock watching that one authorization.',
    why: 'Every other case is judged by whether the protected page opens after the login. If an honest login does not open it, the app (or the harness\'s options) is misconfigured and no verdict would mean anything, so the run stops and says why.',
    incident: '—', fix: { eoc: 'issuerBaseURL exactly the mock (discovery gives the issuer with its trailing slash), baseURL the app\'s public URL, its /callback registered.', openidClient: '`discovery(new URL(issuer), clientId, secret)`, the redirect_uri registered in the tenant.', passport: 'callbackURL registered in the tenant, domain the mock\'s host.' },
  },
  {
    ...rp('RP-01'), expected: `${REJECT}; the code is not redeemed`, planted: 'The mock\'s callback with `state` removed, changed, or taken from a login started in another browser.',
    why: 'state binds the callback to the browser that started the login. Without the check an attacker logs the victim into the attacker\'s account (login CSRF), or injects a stolen code.',
    incident: 'Login CSRF against OAuth clients (RFC 6749 §10.12); still found yearly in bug-bounty reports against "Sign in with" buttons.',
    fix: { eoc: 'Handled: the `auth_verification` cookie carries the state; keep it (SameSite=None with response_mode=form_post needs HTTPS in real browsers).', openidClient: 'Pass `expectedState` to `authorizationCodeGrant`, from the session that started the login.', passport: 'Set `state: true` on the strategy (passport-auth0 has it on by default) and a session store.' },
  },
  {
    ...rp('RP-02'), expected: REJECT, planted: 'A callback that already logged a browser in, delivered again by another browser.',
    why: 'Codes are single-use and the state belongs to one browser: a callback found in a log, a Referer or browser history must not log anyone in again.',
    incident: 'Authorization codes leaked through Referer headers and logs (RFC 9700 §4.2, §4.5).',
    fix: { eoc: 'Handled (state cookie, single-use code).', openidClient: 'Handled when `expectedState` comes from the session and is deleted after use.', passport: 'Handled by `state: true` with a session store.' },
  },
  {
    ...rp('RP-03'), expected: REJECT, planted: 'The ID token re-signed by the mock\'s key with another `nonce`, or none.',
    why: 'The nonce ties the ID token to this login request; without the check a token issued for another login (or replayed) is accepted.',
    incident: 'ID-token replay and injection (OIDC Core §15.5.2); the OpenID suite\'s `oidcc-client-test-nonce-invalid`.',
    fix: { eoc: 'Handled.', openidClient: 'Send a nonce with `randomNonce()` and pass `expectedNonce`.', passport: 'passport-openidconnect checks it when it sent one; a hand-written callback must compare `claims.nonce` with the session\'s.' },
  },
  { ...rp('RP-04'), expected: REJECT, planted: 'The ID token with `iss` another tenant\'s (`https://another-tenant.example.com/`), re-signed by the mock\'s key.', why: 'A token from another issuer (another tenant, the attacker\'s own IdP in a multi-IdP app) is not about a user of this IdP.', incident: 'Mix-up attacks (RFC 9207, RFC 9700 §4.4).', fix: { ...VALIDATE, openidClient: 'Handled: the issuer of the discovered configuration is compared exactly.' } },
  { ...rp('RP-05'), expected: REJECT, planted: 'The ID token with `aud` another client, or without `aud`.', why: 'An ID token issued to another application (any app of the tenant, perhaps the attacker\'s) must not log into this one.', incident: 'Token substitution between apps of one tenant: "Sign in with" tokens replayed to another app.', fix: VALIDATE },
  { ...rp('RP-06'), expected: REJECT, planted: 'The ID token with `aud` = [the app, a stranger] and no `azp`, or with `azp` another client.', why: 'OIDC Core 3.1.3.7: an ID token with audiences the client does not trust, or whose authorized party is another client, is not for this app.', incident: 'FAPI\'s `invalid-secondary-aud` test.', fix: VALIDATE },
  { ...rp('RP-07'), expected: 'the protected page (2xx)', planted: 'The ID token with `aud` = [the app] (an array of one).', why: 'JWT allows `aud` as a string or an array; an app that refuses the array breaks on some IdPs.', incident: 'FAPI `valid-aud-as-array`.', fix: { eoc: 'Handled.', openidClient: 'Handled.', passport: 'Compare with `Array.isArray(aud) ? aud.includes(clientId) : aud === clientId`.' } },
  { ...rp('RP-08'), expected: `${REJECT} (missing claims); a week-old iat: WARN if accepted`, planted: 'The ID token without `sub`, without `iat`, or issued a week ago.', why: '`sub` is who logged in and `iat` when: a token without them identifies no one.', incident: 'OpenID suite `missing-sub`, `missing-iat`.', fix: VALIDATE },
  { ...rp('RP-09'), expected: REJECT, planted: 'The ID token expired an hour ago, or without `exp`.', why: 'An expired ID token may be a stolen or replayed one; a token without `exp` never expires.', incident: 'jsonwebtoken accepts a token without exp by default; FAPI `invalid-expired-exp`.', fix: { ...VALIDATE, passport: 'jose `jwtVerify` with `requiredClaims: ["exp", "iat", "sub"]`; keep clockTolerance small.' } },
  {
    ...rp('RP-10'), expected: `${REJECT}; for a token from the token endpoint (code flow) a bad RS256 signature is a WARN`, planted: 'The ID token with one signature character flipped (RS256), or HMAC-signed (HS256) with the mock\'s RSA public key as the secret.',
    why: 'An ID token that came through the browser (form_post, implicit, hybrid) can be forged by anyone; only its signature shows it is the IdP\'s. From the token endpoint over TLS OIDC Core lets the client skip the check, so a bad RS256 signature there is a warning; HS256 keyed with the public key is a MUST everywhere (key confusion).',
    incident: 'CVE-2016-10555 and CVE-2022-23541 (HS/RS key confusion); the OpenID suite\'s `invalid-sig-rs256`, `invalid-sig-hs256`.',
    fix: { eoc: 'Handled for the form_post flow; for the code flow openid-client 6 skips it unless `enableNonRepudiationChecks()`.', openidClient: 'Call `client.enableNonRepudiationChecks(config)` to verify code-flow ID tokens too.', passport: 'Verify with the JWKS and `algorithms: ["RS256"]`; never `jwt.decode`.' },
  },
  { ...rp('RP-11'), expected: REJECT, planted: 'The ID token with `alg: none` and no signature, or signed RS512 by the mock\'s key (the app registered RS256).', why: 'The algorithm comes from the token, i.e. from the attacker: the app must accept only the one it registered.', incident: 'CVE-2015-9235 (alg none), CVE-2022-23540; FAPI `invalid-null-alg`, `invalid-alternate-alg`.', fix: { eoc: 'Handled (idTokenSigningAlg defaults to RS256).', openidClient: 'Handled (id_token_signed_response_alg RS256).', passport: 'Pass `algorithms: ["RS256"]` to the verifier.' } },
  { ...rp('RP-12'), expected: 'the protected page (2xx) with one key; with several, the page or a clean refusal, never a 5xx', planted: 'The ID token without `kid`, while the JWKS holds one key; then again while the mock publishes a second key for that one login (removed afterwards).', why: 'With one key the kid is not needed to pick it; apps that insist break on some IdPs. With several, the app must try each or refuse, not crash.', incident: 'OpenID suite `kid-absent-single-jwks`, `kid-absent-multiple-jwks`.', fix: { eoc: 'Handled.', openidClient: 'Handled.', passport: 'jose picks the only key without a kid.' } },
  { ...rp('RP-13'), expected: 'the protected page (2xx), once the app refetched the JWKS', planted: 'The mock publishes a new key the app cannot have seen and signs that login\'s ID token with it; retried until `rotationWait`. The key is removed afterwards. An app that accepts the login without fetching the JWKS (it does not verify that token\'s signature: express-openid-connect and openid-client 6 in the code flow, see RP-10) is a SKIP: it never used the new key.', why: 'IdPs rotate keys (Auth0 on request, others on a schedule). An app that loaded the keys once refuses every login after a rotation: an outage on the IdP\'s schedule.', incident: 'Outages after IdP key rotations; OpenID suite `signing-key-rotation`.', fix: { eoc: 'Handled (openid-client refetches for an unknown kid once its copy is 60 s old).', openidClient: 'Handled.', passport: 'Use jose `createRemoteJWKSet` (refetches for an unknown kid) or jwks-rsa with `cache: true`, not a key loaded at start.' } },
  { ...rp('RP-14'), expected: 'the protected page (2xx), once the app refetched the JWKS', planted: 'The mock publishes a new signing key and, beside it, a key no client can parse (an RSA key without its modulus `n`), and signs that login\'s ID token with the new key, so that the app must refetch the JWKS and read the bad key; retried until `rotationWait`. Both keys are removed afterwards. An app that accepts the login without fetching the JWKS (it does not verify that token\'s signature, see RP-10) is a SKIP: it never read the key.', why: 'RFC 7517 §5: a key set member a client does not understand is ignored. An IdP that adds a key of a new type (or a broken one) must not take down every app that imports the whole set.', incident: 'JWKS parsers that reject the whole set for one key they cannot parse (Apollo Router issue #4463, fixed to ignore the key); OpenID suite `ignores-unparseable-key-in-jwks`.', fix: { eoc: 'Handled (openid-client picks the key by kid and imports only that one).', openidClient: 'Handled.', passport: 'Use jose `createRemoteJWKSet` (imports only the key it selects); do not `importJWK` every key of the set.' } },
  { ...rp('RP-15'), expected: REJECT, planted: 'The userinfo answer with another user\'s `sub`.', why: 'Core 5.3.2: the userinfo sub MUST equal the ID token\'s, else the answer may be another user\'s (a token substitution).', incident: 'OpenID suite `userinfo-invalid-sub`.', fix: { eoc: 'Handled when it calls userinfo (`getUser`/ `fetchUserInfo`).', openidClient: 'Pass the ID token\'s sub as `expectedSubject` to `fetchUserInfo`.', passport: 'Compare the profile\'s `sub` with the ID token\'s.' } },
  { ...rp('RP-16'), expected: 'the app refuses to start (or to log in) with that configuration', planted: 'Not planted (SKIP): apps read the discovery document once, when they start, before the harness can plant anything for one login; changing it for the whole mock would break every app that trusts it.', why: 'Discovery 1.0 §4.3: the `issuer` of the document must equal the URL the app asked; otherwise a document served from one place can claim to be another IdP (mix-up).', incident: 'OpenID suite `discovery-issuer-mismatch`; mix-up attacks (RFC 9207).', fix: { eoc: 'Handled: openid-client 6 `discovery()` compares the issuer.', openidClient: 'Handled by `discovery()` (do not pass a hand-built `ServerMetadata`).', passport: 'passport-openidconnect compares it; with a hand-written configuration, compare `issuer` with the URL you fetched.' } },
  { ...rp('RP-17'), expected: `${REJECT}; the code is not redeemed`, planted: 'The mock answers the authorization with `error=access_denied` (and the right state) instead of a code.', why: 'A denied login is not a login: an app that treats any callback as success logs people in without the IdP.', incident: 'RFC 6749 §4.1.2.1; hand-written callbacks that check only that the request arrived.', fix: { eoc: 'Handled (the callback answers 400 access_denied).', openidClient: 'Handled: `authorizationCodeGrant` throws an AuthorizationResponseError.', passport: 'Handled by the strategy (failureRedirect).' } },
  { ...rp('RP-18'), expected: '`code_challenge_method=S256` in the authorization request of a code flow', planted: 'Nothing: the harness reads the app\'s authorization request.', why: 'PKCE binds the code to the client instance that asked for it (code injection), also for confidential clients (RFC 9700 §2.1.1).', incident: 'Code interception (RFC 7636).', fix: { eoc: 'Handled (S256 for response_type code).', openidClient: 'Send `code_challenge` from `calculatePKCECodeChallenge(randomPKCECodeVerifier())`.', passport: 'passport-openidconnect: `pkce: true`.' } },
  {
    ...rp('RP-21'), expected: 'the session ends (back to login); never the other user\'s session', planted: 'With `refreshUrl` (a page where the app refreshes its tokens): the login\'s token answer says `expires_in: 1`, so the app refreshes at its next use; the mock answers that login\'s first refresh (found by its refresh token, no other) with a correctly signed ID token for another user of the tenant. The harness asks the refresh URL (again every quarter second until that expiry has passed, if the app did not refresh yet), then the protected page. SKIP without `refreshUrl`, or when the app did not refresh.',
    why: 'OIDC Core 12.2: a refreshed ID token must have the same iss and sub as the first. An app that takes whatever comes back switches the session to another identity, e.g. after a token mix-up or a compromised token endpoint answer.',
    incident: 'OpenID suite `refresh-token-invalid-*`; found here: express-openid-connect 3.4 and openid-client 6 check the refreshed ID token\'s iss, aud, azp and expiry, not that it is about the same user, so sample-app switched its session to the other user (fixed in sample-app/orders-client.ts).',
    fix: { eoc: 'Not handled by the SDK: compare `req.oidc.idTokenClaims.sub` before and after `accessToken.refresh()` and end the session (`req.appSession = undefined`) when it changed, as sample-app does.', openidClient: '`refreshTokenGrant` does not compare: check `tokens.claims()?.sub` against the session\'s sub and drop the session when it differs.', passport: 'No refresh of its own (passport-oauth2-refresh returns tokens unverified): verify the refreshed ID token and compare its sub.' },
  },
  { ...rp('RP-24'), expected: '400 and the session kept for a bad logout_token; a valid one ends the session', planted: 'After a login, the harness POSTs logout tokens to the application\'s `backchannelLogoutUri` as the mock would (forged by the mock, `POST /_mock/logout-tokens`): `alg: none`, another `iss`, another `aud`, no `events`, a `nonce`, each for that session\'s `sub` and `sid`; then a valid one. SKIP when the application registered no back-channel logout URI.', why: 'A forged logout_token ends any user\'s session (denial of service) or, if accepted without checks, is an unauthenticated endpoint.', incident: 'Back-Channel Logout 1.0 §2.6.', fix: { eoc: 'Use `backchannelLogout` (3.x) with a session store.', openidClient: 'Validate the logout_token as an ID token plus `events` and no `nonce`.', passport: 'No built-in support: validate as above.' } },
  { ...rp('RP-25'), expected: 'no session past a stated limit (back to login)', planted: 'With `sessionIdle` and / or `sessionAbsolute` (the app\'s own limits, seconds): one login left alone for the idle limit plus `sessionMargin`, then the protected page asked; another kept active (the protected page every quarter of the idle limit) until the absolute limit plus the margin, then asked. Both run at the same time, so the case waits about the longer limit: real waiting, bounded by the stated limits. SKIP when no limit is stated.', why: 'A session that outlives the limits the app promises turns a stolen cookie (or an unattended browser) into access for longer than its owners agreed to.', incident: 'OWASP ASVS V3.3 (session timeouts); sessions that never expire in apps whose settings say they do.', fix: { eoc: '`session.rollingDuration` (idle) and `session.absoluteDuration`; with `rolling: false` only the absolute one.', openidClient: 'Your session store\'s expiry (express-session `cookie.maxAge` with `rolling: true`) and a stored login time checked on each request.', passport: 'express-session `cookie.maxAge` with `rolling: true`, plus a login time checked on each request for the absolute limit.' } },
];

export function appConformanceCase(id: RpCaseId): AppConformanceCase {
  const found = APP_CONFORMANCE_CASES.find((c) => c.id === id);
  if (!found) throw new Error(`no RP case ${id}`);
  return found;
}
