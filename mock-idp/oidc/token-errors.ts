import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** What Auth0 answers instead of oidc-provider's error, for one token request. */
export interface Auth0TokenError {
  status: number;
  error: string;
  error_description: string;
}

interface OidcOfTokenRequest {
  route?: string | undefined;
  params?: { grant_type?: unknown } | undefined;
}

/**
 * Auth0's answer to a failed token request where it differs from oidc-provider's
 * (confirmed bodies, /work/notes/auth0-research.md §1a), decided on the route,
 * the grant type and oidc-provider's error class, never on its wording:
 * - client authentication failed (wrong secret, unknown client, wrong method): 401 `access_denied` "Unauthorized";
 * - `authorization_code` + InvalidGrant from the PKCE check (it carries the check's `cause`): 403 "Failed to verify code verifier";
 * - `authorization_code` + any other InvalidGrant (unknown, expired, used code; redirect_uri or client mismatch): 403 "Invalid authorization code";
 * - `refresh_token` + InvalidGrant (unknown, expired, revoked, reused, other client's): 403 "Unknown or invalid refresh token."
 *   (auth0-spa-js falls back to the iframe only when the message contains "invalid refresh token").
 */
export function auth0TokenError(oidc: OidcOfTokenRequest | undefined, err: unknown): Auth0TokenError | undefined {
  if (oidc?.route !== 'token') return undefined;
  if (err instanceof errors.InvalidClientAuth) return { status: 401, error: 'access_denied', error_description: 'Unauthorized' };
  if (!(err instanceof errors.InvalidGrant)) return undefined;
  switch (oidc.params?.grant_type) {
    case 'authorization_code':
      return err.cause !== undefined
        ? { status: 403, error: 'invalid_grant', error_description: 'Failed to verify code verifier' }
        : { status: 403, error: 'invalid_grant', error_description: 'Invalid authorization code' };
    case 'refresh_token':
      return { status: 403, error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
    default:
      return undefined;
  }
}

/**
 * Installed with `provider.use`: rewrites the answers {@link auth0TokenError}
 * names. oidc-provider's error handler answers inside the route and emits
 * `grant.error` with the error object, which is kept for this request only.
 */
export function tokenErrorsAsOnAuth0(provider: Provider): Middleware {
  const failures = new WeakMap<object, unknown>();
  const on = provider.on.bind(provider) as (event: string, listener: (ctx: object, err: unknown) => void) => void;
  on('grant.error', (ctx, err) => failures.set(ctx, err));
  return async (ctx, next) => {
    await next();
    if (!failures.has(ctx)) return;
    const err = failures.get(ctx);
    failures.delete(ctx);
    const rewrite = auth0TokenError((ctx as unknown as Partial<KoaContextWithOIDC>).oidc, err);
    if (!rewrite || typeof ctx.body !== 'object' || ctx.body === null) return;
    const { status, ...body } = rewrite;
    ctx.status = status;
    ctx.body = body;
  };
}
