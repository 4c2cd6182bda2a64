import type { Middleware } from 'koa';
import type { Directory } from '../../core/directory.js';
import type { EventLog } from '../../core/events.js';
import { ROUTES } from '../routes.js';

const BROWSER_CALLABLE = new Set<string>([ROUTES.token, ROUTES.userinfo, ROUTES.revocation]);

/**
 * CORS preflights to the token, userinfo and revocation endpoints. A
 * preflight names no client, so oidc-provider would allow every origin; here
 * an origin that no application lists in its Allowed Web Origins gets a 403
 * without any CORS header, so the browser never sends the request. The
 * request itself is checked against its own client's web origins
 * (`clientBasedCORS`, and the JWT /userinfo).
 */
export function corsPreflight(directory: Directory, events: EventLog): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (ctx.method !== 'OPTIONS' || !origin || !BROWSER_CALLABLE.has(ctx.path) || directory.allowsWebOrigin(origin)) return next();
    events.add({ type: 'cors.refused', error: 'invalid_request', detail: { origin, path: ctx.path } });
    ctx.vary('Origin');
    ctx.status = 403;
    ctx.body = { error: 'invalid_request', error_description: `origin ${origin} is not in the Allowed Web Origins of any application` };
  };
}
