import type { Middleware } from 'koa';
import type { OidcViews } from '../views.js';

/**
 * A path no route of oidc-provider matched (Koa's bare "Not Found"): a styled page for browsers
 * (Accept prefers HTML), `{ error: "not_found" }` for API clients. oidc-provider's own error answers
 * (a 404 it sets a body for included) are left as they are.
 */
export function notFound(views: Pick<OidcViews, 'notFound'>): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined && ctx.body !== null) return;
    ctx.status = 404;
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      ctx.body = views.notFound(ctx.method, ctx.path);
    } else {
      ctx.body = { error: 'not_found', error_description: `no endpoint ${ctx.method} ${ctx.path} on this mock: GET / lists what it serves` };
    }
  };
}
