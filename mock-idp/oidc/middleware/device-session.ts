import type { Middleware } from 'koa';
import { COOKIE_NAMES, ROUTES } from '../routes.js';
import type { OidcViews } from '../views.js';

/**
 * The device flow's pages after the first (`POST /activate`, `/activate/<uid>`
 * when a login resumes) belong to the browser session `GET /activate` began.
 * Without that session oidc-provider fails with a 500 ("persist can only be
 * called on previously persisted Sessions"); here the browser is told to start
 * again, with a 400 as for any other expired form. (`GET /activate` itself
 * starts a session, so it always passes.)
 */
export function deviceSession(views: OidcViews, sessionExists: (id: string) => Promise<boolean>): Middleware {
  return async (ctx, next) => {
    const onDevicePage = ctx.path === ROUTES.code_verification || ctx.path.startsWith(`${ROUTES.code_verification}/`);
    const first = ctx.path === ROUTES.code_verification && (ctx.method === 'GET' || ctx.method === 'HEAD');
    if (!onDevicePage || first) return next();
    // The signed cookie must name a session the store still holds (a forged or expired one is no session).
    const id = ctx.cookies.get(COOKIE_NAMES.session, { signed: true });
    if (id !== undefined && (await sessionExists(id))) return next();
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = views.message('Start again', `This device sign-in page belongs to a browser session that is gone. Open ${ROUTES.code_verification} and enter the code again.`, {
      error: 'invalid_request',
      description: 'no device sign-in session (its cookie is missing or expired)',
    });
  };
}
