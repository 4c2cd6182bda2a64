import type { Middleware } from 'koa';
import type { Directory } from '../../core/directory.js';
import type { EventLog } from '../../core/events.js';
import { ROUTES } from '../routes.js';
import type { OidcViews } from '../views.js';

/**
 * `response_mode=web_message` posts the answer to the window of the
 * `redirect_uri`'s origin. As on Auth0, that origin must be one of the
 * application's Allowed Web Origins, else nothing is posted: the page says
 * why and auth0-spa-js's silent call times out, as it does against a tenant
 * missing the setting. oidc-provider validates everything else (client,
 * registered redirect_uri, prompt) and answers through the response mode.
 */
export function webMessageOrigin(directory: Directory, events: EventLog, views: OidcViews): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== ROUTES.authorization) return next();
    const { response_mode: mode, client_id: clientId, redirect_uri: redirectUri } = ctx.query;
    if (typeof mode !== 'string' || !mode.startsWith('web_message') || typeof clientId !== 'string' || typeof redirectUri !== 'string') return next();
    const origin = URL.canParse(redirectUri) ? new URL(redirectUri).origin : undefined;
    if (!origin || !directory.application(clientId) || directory.allowsWebOrigin(origin, clientId)) return next();
    const description = `origin ${origin} is not in the Allowed Web Origins of application ${clientId}`;
    events.add({ type: 'authorization.refused', clientId, error: 'unauthorized_client', detail: { origin, responseMode: mode } });
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = views.message('Origin not allowed', 'This silent authentication request was refused.', { error: 'unauthorized_client', description });
  };
}
