/** Defaults of a conformance run (the CLI flags and the options of runApiConformance). */
export const CONFORMANCE_DEFAULTS = {
  method: 'GET',
  port: 4000,
  clockTolerance: 5,
  rotationWait: 5_000,
  /** RS-34: jose's (and express-oauth2-jwt-bearer's) default cooldownDuration between JWKS refetches. */
  jwksCooldown: 30_000,
  requestTimeout: 5_000,
  /** Lifetime of the tokens the harness mints, seconds. */
  tokenLifetime: 600,
  /** RS-33: unknown kids sent, and the JWKS fetches above which refetching is not capped. */
  floodSize: 20,
  floodFetchCap: 10,
  retryEveryMs: 250,
  /** RS-34: added to the API's refetch cooldown, for the retry to land after it ends. */
  cooldownMarginMs: 1_000,
  /** How long common JWKS clients may keep a retired key (jwks-rsa, express-oauth2-jwt-bearer, jose: 10 min); RS-35 is only judged with a window this long. */
  keyCacheBoundMs: 600_000,
} as const;

/** Defaults of a login-app run (`conformance app`, runAppConformance). */
export const APP_CONFORMANCE_DEFAULTS = {
  /** RP-13: openid-client (under express-openid-connect) refetches the JWKS for an unknown kid only once its copy is 60 s old. */
  rotationWait: 65_000,
  requestTimeout: 5_000,
  retryEveryMs: 2_000,
  /** RP-25: how long past a stated session limit the harness asks (an app counting whole seconds ends a session up to 1 s late). */
  sessionMargin: 1_000,
  /** RP-21: how long past the planted `expires_in` the harness asks the refresh URL, and how often until then. */
  expiryMarginMs: 100,
  refreshPollMs: 250,
} as const;
