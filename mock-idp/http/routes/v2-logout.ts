import Router from '@koa/router';
import type { MockState } from '../../core/state.js';
import { sendBackchannelLogout } from '../../oidc/backchannel-logout.js';
import type { OidcHost } from '../../oidc/host.js';
import { COOKIE_NAMES } from '../../oidc/routes.js';
import { fail } from '../errors.js';
import { messagePage } from '../views/message-page.js';

function normalise(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/**
 * Auth0's `GET /v2/logout?client_id&returnTo`: ends the IdP session at once
 * (no confirmation) and redirects to `returnTo`, which must be one of the
 * application's Allowed Logout URLs when `client_id` is given, else one of the
 * tenant's (here: any application's). Without `returnTo` the application's
 * first allowed URL is used. A refused `returnTo` ends nothing.
 */
export function v2LogoutRoute(state: MockState, oidc: OidcHost): Router {
  const router = new Router({ sensitive: true });
  router.get('/v2/logout', async (ctx) => {
    const { client_id: clientId, returnTo } = ctx.query;
    if (Array.isArray(clientId) || Array.isArray(returnTo)) fail(400, 'client_id and returnTo may each be given once');
    const apps = state.directory.tenant.applications;
    const app = clientId === undefined ? undefined : apps.find((a) => a.clientId === clientId);
    if (clientId !== undefined && !app) fail(400, `unknown client_id "${clientId}"`);
    const allowed = (app ? app.allowedLogoutUrls : apps.flatMap((a) => a.allowedLogoutUrls)).map(normalise);
    const target = returnTo ?? app?.allowedLogoutUrls[0];
    if (target !== undefined && !allowed.includes(normalise(target))) {
      state.events.add({ type: 'logout.refused', ...(clientId ? { clientId } : {}), detail: { returnTo: target } });
      fail(400, `returnTo "${target}" is not in the Allowed Logout URLs of ${app ? `application "${app.clientId}"` : 'the tenant'}`);
    }

    const session = await oidc.provider.Session.get(ctx as never);
    const sub = session.accountId;
    await session.destroy();
    for (const name of [COOKIE_NAMES.session, `${COOKIE_NAMES.session}.sig`]) ctx.cookies.set(name, null, { path: '/' });
    state.events.add({ type: 'logout.success', ...(clientId ? { clientId } : {}), ...(sub ? { sub } : {}) });
    // Every application the session signed in to with a back-channel logout URI gets a logout token before the browser moves on.
    await sendBackchannelLogout(oidc.provider, state.events, session);

    if (target === undefined) {
      ctx.type = 'html';
      ctx.body = messagePage('Logged out', 'You are signed out of mock-idp.');
      return;
    }
    ctx.redirect(target);
  });
  return router;
}
