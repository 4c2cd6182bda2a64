import type { Middleware } from 'koa';
import { ROUTES } from '../provider.js';
import { isAllowedWebOrigin } from '../../core/web-origins.js';
import type { IdpRuntime } from '../../core/state.js';
import { messagePage } from '../../http/views/message-page.js';

/**
 * `response_mode=web_message` posts the answer to the window of the
 * `redirect_uri`'s origin. As on Auth0, that origin must be one of the
 * application's Allowed Web Origins, else nothing is posted: the page says
 * why and auth0-spa-js's silent call times out, as it does against a tenant
 * missing the setting. oidc-provider validates everything else (client,
 * registered redirect_uri, prompt) and answers through the response mode.
 */
export function webMessageOrigin(runtime: IdpRuntime): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== ROUTES.authorization) return next();
    const { response_mode: mode, client_id: clientId, redirect_uri: redirectUri } = ctx.query;
    if (typeof mode !== 'string' || !mode.startsWith('web_message') || typeof clientId !== 'string' || typeof redirectUri !== 'string') return next();
    const origin = URL.canParse(redirectUri) ? new URL(redirectUri).origin : undefined;
    if (!origin || !runtime.directory.application(clientId) || isAllowedWebOrigin(runtime.directory, origin, clientId)) return next();
    const description = `origin ${origin} is not in the Allowed Web Origins of application ${clientId}`;
    runtime.events.add({ type: 'authorization.refused', clientId, error: 'unauthorized_client', detail: { origin, responseMode: mode } });
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = messagePage('Origin not allowed', 'This silent authentication request was refused.', { error: 'unauthorized_client', description });
  };
}
