/** Auth0's endpoint paths, as oidc-provider's `routes` takes them. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth/revoke',
  end_session: '/oidc/logout',
  device_authorization: '/oauth/device/code',
  code_verification: '/activate',
} as const;

/** Cookie names of the IdP; prefixed so they never clash with an app's cookies on the same host. */
export const COOKIE_NAMES = { session: 'mockidp_session', interaction: 'mockidp_interaction', resume: 'mockidp_resume' } as const;
