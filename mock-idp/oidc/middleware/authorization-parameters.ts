import type { Context, Middleware } from 'koa';
import { ROUTES } from '../routes.js';
import { readText } from '../body.js';
import { BODY_LIMIT } from './token-body.js';

/** Changes the parameters of an authorization request in place. */
export type ParameterRewrite = (params: URLSearchParams) => void;

const isFormWithin = (ctx: Context) => Boolean(ctx.is('application/x-www-form-urlencoded')) && ctx.request.length !== undefined && ctx.request.length <= BODY_LIMIT;

/**
 * Runs `rewrites` over the parameters of an authorization request before
 * oidc-provider reads them (Auth0 features oidc-provider offers in another
 * form: token-only-response.ts, pkce-plain.ts). `GET /authorize`: the query,
 * written back only when a rewrite changed it. `POST /authorize` with a form
 * (oidc-provider reads a POST's parameters from its body alone): the form is
 * read here and handed on as the query of the same request, run as a GET,
 * which oidc-provider answers alike. Other POSTs (no length, another type,
 * over 56 KiB) go on untouched, for oidc-provider to refuse or answer.
 */
export function rewriteAuthorizationParameters(...rewrites: ParameterRewrite[]): Middleware {
  const rewritten = (query: string) => {
    const params = new URLSearchParams(query);
    for (const rewrite of rewrites) rewrite(params);
    return params.toString();
  };
  return async (ctx, next) => {
    if (ctx.path !== ROUTES.authorization) return next();
    if (ctx.method === 'GET') {
      const before = new URLSearchParams(ctx.querystring).toString();
      const after = rewritten(ctx.querystring);
      if (after !== before) ctx.querystring = after;
      return next();
    }
    if (ctx.method !== 'POST' || !isFormWithin(ctx)) return next();
    let form: string;
    try {
      form = await readText(ctx, BODY_LIMIT);
    } catch {
      ctx.status = 400; // the client went away or sent less than its Content-Length
      ctx.body = { error: 'invalid_request', error_description: 'the request body could not be read' };
      return;
    }
    ctx.method = 'GET';
    ctx.querystring = rewritten(form);
    try {
      await next();
    } finally {
      ctx.method = 'POST';
    }
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
