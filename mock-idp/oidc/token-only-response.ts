import { randomBytes } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';

type JwtCustomizer = NonNullable<NonNullable<NonNullable<Configuration['formats']>['customizers']>['jwt']>;

/**
 * `response_type=token` alone: Auth0's legacy implicit grant, an access token
 * and no ID token (old SPAs, auth0.js with `responseType: 'token'`).
 * oidc-provider 9 refuses that type in its configuration, so such a request
 * runs as `id_token token` with this extra parameter (kept with the
 * interaction's parameters) saying so. Its value lists what the translation
 * added to the request: `nonce` (`token` alone needs none, `id_token token`
 * does) and `openid` (ditto for the scope).
 */
export const TOKEN_ONLY_PARAM = 'mock_idp_token_only';

const asked = (params: URLSearchParams, name: string) => params.getAll(name);

/**
 * At `/authorize`: a request for `token` alone becomes `id_token token` with
 * the marker; anything else loses a marker it brought (an application cannot
 * set it). Repeated `response_type` or `scope` parameters are left for
 * oidc-provider to refuse.
 */
export function tokenOnlyAsIdTokenToken(params: URLSearchParams): void {
  params.delete(TOKEN_ONLY_PARAM);
  const types = asked(params, 'response_type');
  if (types.length !== 1 || asked(params, 'scope').length > 1) return;
  const parts = new Set(types[0]!.split(' ').filter(Boolean));
  if (parts.size !== 1 || !parts.has('token')) return;
  const added: string[] = [];
  params.set('response_type', 'id_token token');
  if (!params.get('nonce')) {
    params.set('nonce', randomBytes(16).toString('base64url'));
    added.push('nonce');
  }
  const scope = (params.get('scope') ?? '').split(' ').filter(Boolean);
  if (!scope.includes('openid')) {
    params.set('scope', ['openid', ...scope].join(' '));
    added.push('openid');
  }
  params.set(TOKEN_ONLY_PARAM, ['token', ...added].join(' '));
}

/** What the translation added to this authorization request (undefined: not a `token` alone request). */
function addedFor(ctx: KoaContextWithOIDC | undefined): string[] | undefined {
  const value = (ctx?.oidc?.params as Record<string, unknown> | undefined)?.[TOKEN_ONLY_PARAM];
  return typeof value === 'string' ? value.split(' ') : undefined;
}

const withoutOpenid = (scope: string) => scope.split(' ').filter((s) => s && s !== 'openid').join(' ');

/**
 * The answer to a `token` alone request, in every response mode: oidc-provider
 * emits `authorization.success` with the answer's parameters just before its
 * response mode writes them, so the ID token is dropped there; `iss` is added,
 * as oidc-provider does for every answer without an ID token (RFC 9207); an
 * `openid` the translation added leaves `scope`.
 */
export function answerTokenOnly(provider: Provider): void {
  const on = provider.on.bind(provider) as (event: string, listener: (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => void) => void;
  on('authorization.success', (ctx, out) => {
    const added = addedFor(ctx);
    if (!added) return;
    out.id_token = undefined;
    if (!String(ctx.oidc.responseMode).includes('jwt')) out.iss = provider.issuer;
    if (added.includes('openid') && typeof out.scope === 'string') out.scope = withoutOpenid(out.scope) || undefined;
  });
}

/**
 * The access token of a `token` alone request that did not ask for `openid`
 * carries neither that scope nor the `/userinfo` audience it brings.
 */
export function tokenOnlyAccessToken(customize: JwtCustomizer): JwtCustomizer {
  return async (ctx, token, jwt) => {
    await customize(ctx, token, jwt);
    if (!addedFor(ctx)?.includes('openid')) return;
    const { payload } = jwt;
    if (typeof payload.scope === 'string') payload.scope = withoutOpenid(payload.scope);
    if (Array.isArray(payload.aud)) {
      const aud = payload.aud.filter((a) => a !== `${ctx.oidc.provider.issuer}userinfo`);
      payload.aud = aud.length === 1 ? aud[0] : aud;
    }
  };
}
