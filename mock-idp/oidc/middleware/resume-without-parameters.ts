import type { Middleware } from 'koa';
import { ROUTES } from '../routes.js';
import type { OidcViews } from '../views.js';

/**
 * `GET /authorize/<uid>` resumes a login with the parameters stored when it
 * began; oidc-provider's own redirects there carry none. With a query string
 * and a failing resume (no or another browser's cookies), oidc-provider's
 * error handler reads the query as the request and fails with a 500; such a
 * request is answered 400 here instead.
 */
export function resumeWithoutParameters(views: OidcViews): Middleware {
  const resume = new RegExp(`^${ROUTES.authorization}/[^/]+/?$`);
  return async (ctx, next) => {
    if (!resume.test(ctx.path) || ctx.querystring === '') return next();
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = views.message('Request refused', 'A login in progress is resumed without parameters: start again from the application.', {
      error: 'invalid_request',
      description: 'parameters are not allowed when an authorization is resumed',
    });
  };
}
