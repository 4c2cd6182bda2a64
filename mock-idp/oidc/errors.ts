import type { Middleware } from 'koa';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { BLOCKED_MESSAGE } from '../core/brute-force.js';

/**
 * Auth0 answers a token request for a missing, unknown or ungranted audience
 * with 403 `access_denied` (oidc-provider's own AccessDenied is a 400).
 */
export class AudienceDenied extends errors.OIDCProviderError {
  constructor(description: string) {
    super(403, 'access_denied');
    Object.assign(this, { error_description: description });
  }
}

/** The device authorization endpoint starts the device code grant. */
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

interface OidcLike {
  route?: string | undefined;
  params?: { grant_type?: unknown } | undefined;
  client?: { grantTypeAllowed(type: string): boolean } | undefined;
}

/** The grant type an authenticated client asked for without being registered for it (token or device authorization endpoint). */
export function disallowedGrantType(oidc: OidcLike | undefined): string | undefined {
  const grantType = oidc?.route === 'device_authorization' ? DEVICE_CODE : oidc?.params?.grant_type;
  return typeof grantType === 'string' && oidc?.client && !oidc.client.grantTypeAllowed(grantType) ? grantType : undefined;
}

/**
 * Auth0 answers a token request with a grant type the application may not use
 * (e.g. client credentials for a regular web app) with 403
 * `unauthorized_client`, RFC 6749's code for it; oidc-provider answers 400
 * `invalid_request`. Installed with `provider.use`, this rewrites exactly that
 * answer: an authenticated client, and a grant type it is not registered for
 * (the device authorization endpoint asks for the device code grant).
 */
export const unauthorizedClientAsOnAuth0: Middleware = async (ctx, next) => {
  await next();
  const { oidc } = ctx as unknown as Partial<KoaContextWithOIDC>;
  if ((oidc?.route !== 'token' && oidc?.route !== 'device_authorization') || ctx.status !== 400 || (ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_request') return;
  const grantType = disallowedGrantType(oidc);
  if (!grantType) return;
  ctx.status = 403;
  ctx.body = { error: 'unauthorized_client', error_description: `Grant type '${grantType}' not allowed for the client.` };
};

/** Auth0's answer to a password grant with a wrong username or password: 403 `invalid_grant`. */
export class WrongCredentials extends errors.OIDCProviderError {
  constructor() {
    super(403, 'invalid_grant');
    Object.assign(this, { error_description: 'Wrong email or password.' });
  }
}

/** Auth0's answer to a password grant for a blocked user: 401 `unauthorized`. */
export class UserBlocked extends errors.OIDCProviderError {
  constructor() {
    super(401, 'unauthorized');
    Object.assign(this, { error_description: 'user is blocked' });
  }
}

/** Auth0's answer once brute-force protection blocked the user from this address: 429 `too_many_attempts`. */
export class TooManyAttempts extends errors.OIDCProviderError {
  constructor() {
    super(429, 'too_many_attempts');
    Object.assign(this, { error_description: BLOCKED_MESSAGE });
  }
}
