import type { Middleware } from 'koa';
import type { OfflineRequests } from '../../core/offline-requests.js';
import { ROUTES } from '../routes.js';

/**
 * Auth0 issues a refresh token whenever `offline_access` is requested.
 * oidc-provider keeps `offline_access` only when the request also carries
 * `prompt=consent` (OIDC Core §11), so such requests get `consent` added to
 * their prompt here. First-party applications never see a consent page (it is
 * answered at once, see the interaction routes). `prompt=none` cannot take
 * `consent`: those requests are noted instead, and the code they yield gets
 * its refresh token through `issueRefreshToken` (oidc/offline-access.ts).
 */
export function offlineAccessPrompt(offlineRequests: OfflineRequests): Middleware {
  return async (ctx, next) => {
    if (ctx.path === ROUTES.authorization && ctx.method === 'GET') {
      const query = new URLSearchParams(ctx.querystring);
      const scopes = (query.get('scope') ?? '').split(' ');
      const prompts = (query.get('prompt') ?? '').split(' ').filter(Boolean);
      const single = (name: string) => (query.getAll(name).length === 1 ? (query.get(name) ?? undefined) : undefined);
      const clientId = single('client_id');
      if (scopes.includes('offline_access') && query.getAll('prompt').length <= 1) {
        if (prompts.includes('none')) {
          if (clientId) offlineRequests.note({ clientId, codeChallenge: single('code_challenge'), nonce: single('nonce') });
        } else if (!prompts.includes('consent')) {
          query.set('prompt', [...prompts, 'consent'].join(' '));
          ctx.querystring = query.toString();
        }
      }
    }
    return next();
  };
}
