import type { Middleware } from 'koa';
import { ROUTES } from '../routes.js';

/** Changes the parameters of an authorization request in place. */
export type ParameterRewrite = (params: URLSearchParams) => void;

/**
 * Runs `rewrites` over the query of `GET /authorize` before oidc-provider
 * reads it (Auth0 features oidc-provider offers in another form:
 * token-only-response.ts, pkce-plain.ts). The query is written back only when
 * a rewrite changed it. `POST /authorize` is left as it is.
 */
export function rewriteAuthorizationParameters(...rewrites: ParameterRewrite[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== ROUTES.authorization) return next();
    const params = new URLSearchParams(ctx.querystring);
    const before = params.toString();
    for (const rewrite of rewrites) rewrite(params);
    const after = params.toString();
    if (after !== before) ctx.querystring = after;
    return next();
  };
}

/**
 * Discovery lists what the mock serves beyond oidc-provider's own
 * configuration: `token` alone among the response types, `plain` among the
 * PKCE methods when the tenant accepts it.
 */
export function discoveryAdditions(responseTypes: readonly string[], plain: () => boolean): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== '/.well-known/openid-configuration' || ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    ctx.body = {
      ...body,
      response_types_supported: [...responseTypes],
      ...(plain() && Array.isArray(body.code_challenge_methods_supported) ? { code_challenge_methods_supported: [...body.code_challenge_methods_supported, 'plain'] } : {}),
    };
  };
}
