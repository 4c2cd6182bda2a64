import type { Middleware } from 'koa';
import { ROUTES } from '../provider/build-provider.js';

/**
 * Auth0 issues a refresh token whenever `offline_access` is requested.
 * oidc-provider keeps `offline_access` only when the request also carries
 * `prompt=consent` (OIDC Core §11), so such requests get `consent` added to
 * their prompt here. First-party applications never see a consent page (it is
 * answered at once, see the interaction routes); `prompt=none` is left alone.
 */
export function offlineAccessAsOnAuth0(): Middleware {
  return async (ctx, next) => {
    if (ctx.path === ROUTES.authorization && ctx.method === 'GET') {
      const query = new URLSearchParams(ctx.querystring);
      const scopes = (query.get('scope') ?? '').split(' ');
      const prompts = (query.get('prompt') ?? '').split(' ').filter(Boolean);
      if (scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none') && query.getAll('prompt').length <= 1) {
        query.set('prompt', [...prompts, 'consent'].join(' '));
        ctx.req.url = `${ctx.path}?${query}`;
      }
    }
    return next();
  };
}
