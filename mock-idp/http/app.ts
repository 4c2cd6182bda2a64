import Koa from 'koa';
import { adminRoutes } from './admin/routes.js';
import { adminGuard, type AdminAccess } from './admin/guard.js';
import { offlineAccessAsOnAuth0 } from '../oidc/middleware/offline-access-prompt.js';
import { corsPreflight } from '../oidc/middleware/cors-preflight.js';
import { interactionRoutes } from './routes/interaction.js';
import { jsonTokenBody } from '../oidc/middleware/json-body.js';
import { userinfoForJwt } from '../oidc/middleware/userinfo-jwt.js';
import { v2LogoutRoute } from './routes/v2-logout.js';
import { webMessageOrigin } from '../oidc/middleware/web-message-origin.js';
import type { IdpRuntime } from '../core/state.js';
import { messagePage } from './views/message-page.js';
import { HttpError } from './errors.js';

interface ErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  code?: string;
  error?: string;
  error_description?: string;
  message?: string;
}

/**
 * The HTTP face of one mock IdP: its own pages and Auth0-only endpoints first,
 * then oidc-provider for every standard endpoint.
 */
export function createApp(runtime: IdpRuntime, adminAccess: AdminAccess = {}): Koa {
  const app = new Koa();
  app.silent = true;

  app.use(async (ctx, next) => {
    ctx.set('X-Mock-IdP', 'test identity provider - not for production');
    try {
      await next();
    } catch (caught) {
      const err = caught as ErrorLike;
      const status = err.status ?? err.statusCode ?? 500;
      const expose = status < 500 && err.expose !== false;
      if (!expose) console.error('mock-idp: unexpected error on', ctx.method, ctx.path, caught);
      const error = expose ? (err.error ?? err.code ?? 'invalid_request') : 'server_error';
      const description = expose ? (err.error_description ?? err.message) : 'unexpected error, see the mock-idp log';
      ctx.status = status;
      if (ctx.path.startsWith('/_mock/')) {
        ctx.body = { error, error_description: description };
      } else {
        ctx.type = 'html';
        ctx.body = messagePage(expose ? 'Request refused' : 'Something went wrong', 'mock-idp could not complete this request.', { error, description });
      }
    }
  });

  const admin = adminRoutes(runtime, adminAccess);
  for (const router of [admin, interactionRoutes(runtime), v2LogoutRoute(runtime)]) app.use(router.routes()).use(router.allowedMethods());
  const guard = adminGuard(adminAccess);
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/_mock/')) return next();
    // Behind the same guard as the admin API: a remote caller learns nothing about its paths.
    await guard(ctx, async () => {
      // A known admin path with another method: 405 and the methods it takes.
      const methods = [...new Set(admin.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))].filter((m) => m !== 'HEAD');
      if (methods.length) {
        ctx.set('Allow', methods.join(', '));
        throw new HttpError(405, `${ctx.method} is not allowed on ${ctx.path} (allowed: ${methods.join(', ')})`, 'method_not_allowed');
      }
      throw new HttpError(404, `no admin endpoint ${ctx.method} ${ctx.path}`);
    });
  });
  app.use(async (ctx, next) => {
    // How often relying parties fetch the keys: the conformance harness watches refetches (RS-32, RS-33).
    if (ctx.method === 'GET' && ctx.path === '/.well-known/jwks.json') runtime.jwksFetches++;
    await next();
  });
  app.use(corsPreflight(runtime));
  app.use(jsonTokenBody());
  app.use(userinfoForJwt(runtime));
  app.use(webMessageOrigin(runtime));
  app.use(offlineAccessAsOnAuth0(runtime));
  app.use(async (ctx) => {
    ctx.respond = false;
    await runtime.handler(ctx.req, ctx.res);
  });
  return app;
}
