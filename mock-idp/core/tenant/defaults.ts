/**
 * Every default of mock-idp in one place. Values follow Auth0's documented
 * defaults unless noted; all lifetimes are in seconds.
 */
export const DEFAULTS = {
  /** Where `mock-idp start` listens. `localhost` binds both 127.0.0.1 and ::1. */
  host: 'localhost',
  port: 4000,
  /** The tenant file used when none is given (relative to the package root). */
  tenantFile: 'fixtures/tenant.json',
  /** Auth0: an Action (all actions of one trigger run) may take 20 s before the login fails. */
  actionTimeoutMs: 20_000,
  /** Auth0: ID token expiration, per application. */
  idTokenLifetime: 36_000,
  /** Auth0: access token lifetime, per API. */
  accessTokenLifetime: 86_400,
  /** Auth0: opaque /userinfo-only access tokens (no audience requested). */
  userinfoAccessTokenLifetime: 86_400,
  /** Auth0: rotating refresh token absolute lifetime (30 days), not extended by rotation. */
  refreshTokenAbsoluteLifetime: 2_592_000,
  /** Auth0: rotating refresh token inactivity lifetime (15 days). */
  refreshTokenIdleLifetime: 1_296_000,
  /** Auth0: reuse interval ("leeway") for rotated refresh tokens; off by default. */
  refreshTokenReuseInterval: 0,
  /** Refresh-token rotation is on for every application unless its tenant entry turns it off. */
  refreshTokenRotation: true,
  /** Login session (the IdP's SSO cookie) lifetime. */
  sessionLifetime: 14 * 24 * 3600,
  /** A browser session nobody has signed in to yet (the device page's form) lives this long. */
  anonymousSessionLifetime: 600,
  /**
   * At most this many entries anyone can create without credentials (login attempts in progress,
   * anonymous sessions) are kept; past it the oldest are dropped, with a `store.evicted` event.
   */
  maxPendingEntries: 10_000,
  /** At most this many keys in the JWKS: a rotation past it retires the oldest published key, with a `keys.retired` event. */
  maxPublishedKeys: 10,
  /** Authorization code and login-interaction lifetimes. */
  authorizationCodeLifetime: 60,
  /** Auth0: a device code (and its user code) is valid for 15 minutes. */
  deviceCodeLifetime: 900,
  /** An expired device code is kept this much longer, so that polling it answers `expired_token` (RFC 8628, as Auth0) rather than `invalid_grant`. */
  expiredDeviceCodeKept: 900,
  interactionLifetime: 3600,
  /** Signing algorithm of an API's access tokens. */
  signingAlgorithm: 'RS256',
  /** Connection name of the seeded database users, as on Auth0. */
  databaseConnection: 'Username-Password-Authentication',
  /** Size of the in-memory event log. */
  eventLogSize: 500,
  /** Size of the token timeline (core/events-timeline.ts): issued, rotated and revoked tokens, logins, logouts, key changes. */
  timelineSize: 1000,
  /** At most this many emails are kept in the outbox (core/outbox.ts); past it the oldest are dropped. */
  outboxSize: 500,
  /** At most this many unused email links (verification, password reset) are kept; past it the oldest stop working. */
  maxEmailLinks: 1000,
  /**
   * The database connection (Username-Password-Authentication). Auth0: sign-ups allowed (`disable_signup` false);
   * password policy `none` ("None (default)" in Auth0's docs); a sign-up gets a verification email and starts with
   * `email_verified: false`; a duplicate email answers `invalid_signup` (Auth0's tenant flag
   * `enable_public_signup_user_exists_error` off), not `user_exists`.
   */
  databaseConnectionSettings: { disableSignup: false, passwordPolicy: 'none', requireEmailVerification: true, userExistsError: false },
  /** Auth0: the URL lifetime of the verification and change-password emails' links (432,000 s = 5 days). */
  emailUrlLifetime: 432_000,
  /** The tenant's name when the file gives none. */
  tenantName: 'mock-idp',
  /** Auth0: RBAC and "Add Permissions in the Access Token" of an API (mock-idp turns both on unless told otherwise; Auth0 has both off). */
  rbacEnabled: true,
  addPermissionsInAccessToken: true,
  /**
   * Auth0: the token dialect (JWT profile) of an API's access tokens. Auth0's default is the Auth0 profile
   * (`access_token`: `typ: JWT`, `azp`); with "Add Permissions in the Access Token" on it is `access_token_authz`,
   * so mock-idp's default, with that toggle on, is `access_token_authz`.
   */
  tokenDialect: { withPermissions: 'access_token_authz', withoutPermissions: 'access_token' },
  /** Auth0: "Allow Offline Access" of an API (refresh tokens for it) is off until enabled. */
  allowOfflineAccess: false,
  /** Seeded and created users count as verified unless the tenant says otherwise. */
  emailVerified: true,
  userBlocked: false,
  socialConnectionEnabled: true,
  /** Auth0: brute-force protection is on for a new tenant; 10 consecutive failed logins of one user from one address block that pair. */
  bruteForceProtection: { enabled: true, maxAttempts: 10 },
  /** Auth0: a brute-force block lifts by itself after 30 days (unless the unblock link or an administrator lifts it first). */
  bruteForceBlockLifetime: 30 * 86_400,
  /**
   * Auth0's MFA: the tenant policy (Security > Multi-factor Auth, "Require Multi-factor Auth") is `never` for a new
   * tenant. One TOTP code is 6 digits for 30 s (Google Authenticator's); a code of the step before or after is also
   * accepted (clock drift). Auth0 locks a user's MFA after 10 wrong codes; the MFA token of the token endpoint lasts 10 minutes; an emailed MFA code (mfa-oob) 5 minutes.
   */
  mfa: { policy: 'never', otpDigits: 6, otpPeriod: 30, otpWindow: 1, maxFailedCodes: 10, mfaTokenLifetime: 600, oobCodeLifetime: 300 },
  /**
   * Auth0's passwordless connections (email, sms): a 6-digit one-time code lasting 180 s ("OTP Expiry"); only the
   * latest code sent to an address works; 3 wrong codes spend it (a new one must be requested). An opened magic link
   * hands its login to the authorization it redirects to within `linkHandoff` seconds (mock-idp's, not Auth0's: a
   * browser follows at once, and a hand-off left unused must not sign a later login in).
   */
  passwordless: { codeLength: 6, codeLifetime: 180, maxAttempts: 3, linkHandoff: 60 },
  /**
   * Auth0's passwordless connections (`email`, `sms`) take sign-ups: the first login of an unknown address creates
   * its user (`email|<id>`, `sms|<id>`) unless the connection's "Disable Sign Ups" is on.
   */
  passwordlessConnection: { disableSignup: false },
  /** Auth0: applications are first party (no consent page) unless marked third party. */
  firstParty: true,
  /** Auth0's default grant types per application type (the password and device grants are opt-in, as on Auth0). */
  /** Auth0: a new interactive application has the implicit grant (the front-channel response types) besides the code flow. */
  grantTypes: {
    regular_web: ['authorization_code', 'implicit', 'refresh_token'],
    spa: ['authorization_code', 'implicit', 'refresh_token'],
    native: ['authorization_code', 'implicit', 'refresh_token'],
    m2m: ['client_credentials'],
  },
  /** Auth0: confidential applications send their secret in the body; public ones (SPA, native) none. */
  tokenEndpointAuthMethod: { confidential: 'client_secret_post', public: 'none' },
  /** Who may send PKCE `code_challenge_method=plain` (Auth0 lists it in discovery): applications with a secret. */
  pkcePlain: 'confidential',
} as const;
