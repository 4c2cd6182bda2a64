/**
 * The Auth0 tutorial's SSR app (express-openid-connect), pointed at mock-idp:
 *   app.use(auth({ issuerBaseURL, baseURL, clientID, clientSecret, secret, authRequired: false, auth0Logout: true }))
 */
import express, { type NextFunction, type Request, type Response } from 'express';
// express-openid-connect is CommonJS: its named exports only exist on the default export at run time.
import eoc from 'express-openid-connect';
import type { SampleAppConfig } from './config.js';
import { accessTokenPermissions, callApi, RefreshedForAnotherUser, type ApiResult } from './orders-client.js';
import { homePage, loginFailedPage, messagePage, notFoundPage, ordersPage, profilePage } from './views.js';

const { auth, requiresAuth } = eoc;

export const SCOPE = 'openid profile email offline_access read:orders write:orders';

export function createSampleApp(config: SampleAppConfig & { baseURL: string }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    auth({
      issuerBaseURL: config.issuerBaseURL,
      baseURL: config.baseURL,
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      secret: config.sessionSecret,
      authRequired: false,
      auth0Logout: true,
      idpLogout: true,
      authorizationParams: { response_type: 'code', scope: SCOPE, audience: config.audience },
      session: { rollingDuration: config.sessionRollingDuration, absoluteDuration: config.sessionAbsoluteDuration },
      ...(config.customFetch ? { customFetch: config.customFetch } : {}),
    }),
  );

  app.get('/', (req, res) => {
    res.send(homePage(req.oidc.isAuthenticated() ? req.oidc.user : undefined));
  });

  // A page for browsers, the claims as JSON for API clients and tests (`Accept` decides; JSON when it does not say).
  const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

  app.get('/profile', requiresAuth(), (req, res) => {
    if (!wantsHtml(req)) return res.json(req.oidc.user);
    const accessToken = req.oidc.accessToken;
    res.send(
      profilePage(req.oidc.idTokenClaims ?? {}, {
        accessTokenExpiresAt: accessToken?.expires_in === undefined ? undefined : new Date(Date.now() + accessToken.expires_in * 1000),
        permissions: accessTokenPermissions(accessToken?.access_token),
        hasRefreshToken: Boolean(req.oidc.refreshToken),
      }),
    );
  });

  /** Shows what the API answered; a refresh that fails sends the user back to login. */
  const render = (req: Request, res: Response, result: ApiResult, notice?: string) => {
    const viewer = req.oidc.user;
    switch (result.kind) {
      case 'ok':
        return res
          .status(result.status === 201 ? 201 : 200)
          .send(ordersPage({ orders: result.body, viewer: viewer ?? {}, permissions: accessTokenPermissions(req.oidc.accessToken?.access_token), ...(notice ? { notice } : {}) }));
      case 'forbidden':
        return res
          .status(403)
          .send(messagePage('Not allowed', `You are not allowed to do this: the Orders API answered 403 insufficient_scope${result.missing ? ` (missing permission ${result.missing})` : ''}.`, viewer));
      case 'no_token':
        return res.oidc.login({ returnTo: '/orders' });
      case 'token_refused':
        // A fresh token refused by the API is a configuration problem (issuer, audience, keys): logging in again would loop.
        return res
          .status(502)
          .send(messagePage('Orders are unavailable', `The orders API refused the access token (401${result.error ? ` ${result.error}` : ''}): check that the API and the app agree on the issuer and the audience.`, viewer));
      case 'unavailable':
        return res.status(502).send(messagePage('Orders are unavailable', `The orders API failed: ${result.detail}`, viewer));
    }
  };

  const withRefreshFailure = (handler: (req: Request, res: Response) => Promise<unknown>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      await handler(req, res);
    } catch (err) {
      // The refresh token was refused (expired, revoked, reused), or its answer named another user: the session is over.
      if ((err as { error?: string }).error === 'invalid_grant') {
        if (err instanceof RefreshedForAnotherUser) (req as Request & { appSession?: unknown }).appSession = undefined;
        return res.oidc.login({ returnTo: '/orders' });
      }
      next(err);
    }
  };

  app.get('/orders', requiresAuth(), withRefreshFailure(async (req, res) => render(req, res, await callApi(req, config.apiUrl, 'GET'))));

  app.post(
    '/orders',
    requiresAuth(),
    express.urlencoded({ extended: false, limit: '4kb' }),
    withRefreshFailure(async (req, res) => {
      const item = typeof req.body?.item === 'string' ? req.body.item : 'widget';
      const created = await callApi(req, config.apiUrl, 'POST', { item, quantity: 1 });
      if (created.kind !== 'ok') return render(req, res, created);
      // The new order, then the whole list as the API now has it (201: something was created).
      const { id } = (created.body ?? {}) as { id?: unknown };
      const list = await callApi(req, config.apiUrl, 'GET');
      render(req, res, list.kind === 'ok' ? { ...list, status: 201 } : list, `Order ${String(id ?? '')} created: ${item}.`);
    }),
  );

  app.use((req, res) => {
    res.status(404).send(notFoundPage(req.path, req.oidc.user));
  });

  app.use((err: Error & { status?: number; error?: string; error_description?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status < 500 ? err.status : 500;
    if (status === 500) console.error('sample-app:', err);
    if (status === 500) return res.status(500).send(messagePage('Something went wrong', err.message));
    // The callback's OAuth error (`error=access_denied` after Cancel), or another refused request.
    res.status(status).send(err.error ? loginFailedPage(err.error, err.error_description) : messagePage('Login failed', err.message));
  });
  return app;
}
