import Koa from 'koa';
import type { MockState } from '../core/state.js';
import type { OidcHost } from '../oidc/host.js';
import { ROUTES } from '../oidc/routes.js';
import { onClock } from '../oidc/request-clock.js';
import { adminGuard, type AdminAccess } from './admin/guard.js';
import { adminRoutes, type AdminTools } from './admin/routes.js';
import { allowedHostNames, hostGuard } from './allowed-hosts.js';
import { InteractionCsrf } from './csrf.js';
import { asHttpError, HttpError } from './errors.js';
import { dbConnectionsRoutes } from './routes/dbconnections.js';
import { frontDoorRoutes } from './routes/front-door.js';
import { mfaApiRoutes } from './routes/mfa-api.js';
import { passwordlessRoutes } from './routes/passwordless.js';
import { emailLinkRoutes } from './routes/email-links.js';
import { managementApi } from './management/index.js';
import { continueRoute } from './routes/continue.js';
import { interactionRoutes } from './routes/interaction.js';
import { signupRoutes } from './routes/signup.js';
import { unblockRoute } from './routes/unblock.js';
import { v2LogoutRoute } from './routes/v2-logout.js';
import { securityHeaders } from './security-headers.js';
import { messagePage } from './views/message-page.js';

interface ErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  code?: string;
  error?: string;
  error_description?: string;
  message?: string;
}

export interface AppOptions {
  admin?: AdminAccess;
  tools: AdminTools;
  /** Host names the admin API and the login pages answer to besides the issuer's, `localhost` and IP addresses. */
  allowedHosts?: readonly string[];
  /**
   * Behind the user's own TLS terminator or port mapping: X-Forwarded-Proto / X-Forwarded-Host
   * are believed (Koa's `proxy`, here and on oidc-provider through OidcHost).
   */
  trustProxy?: boolean;
}

const isAdminPath = (path: string) => /^\/_mock(\/|$)/i.test(path);
/** The pages a DNS-rebinding page must not reach: the admin API, the login / consent pages, the email links' pages and the device pages (`/activate`). */
const HOST_GUARDED_PAGES = ['/interaction', '/u', ROUTES.code_verification].map((prefix) => prefix.toLowerCase());
const isHostGuarded = (path: string) => {
  const lower = path.toLowerCase();
  // The front door lists the test users' passwords, as the login page does.
  return isAdminPath(path) || path === '/' || HOST_GUARDED_PAGES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
};

/** Paths only oidc-provider answers (token, discovery, keys, userinfo, revocation): the routers are skipped for them. */
const PROVIDER_PATHS = [ROUTES.token, ROUTES.jwks, ROUTES.userinfo, ROUTES.revocation, '/.well-known/openid-configuration'];

/** A Host header a URL can be built from: a name or an IP literal, an optional port, nothing else. */
const hostSyntax = /^(\[[0-9a-f:.]+\]|[\w.-]+)(:\d{1,5})?$/i;

/**
 * The HTTP face of one mock IdP: its own pages and Auth0-only endpoints first,
 * then oidc-provider for every standard endpoint.
 */
export function createApp(state: MockState, oidc: OidcHost, options: AppOptions): Koa {
  const app = new Koa();
  app.silent = true;
  app.proxy = options.trustProxy === true;

  // Outermost: the whole request, oidc-provider included, runs on this mock's clock (time travel; oidc/request-clock.ts).
  app.use((_ctx, next) => onClock(state.clock, next));

  // First: every answer, the error pages and oidc-provider's pages included, carries them.
  app.use(securityHeaders);

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
      if (isAdminPath(ctx.path)) {
        ctx.body = { error, error_description: description };
      } else {
        ctx.type = 'html';
        ctx.body = messagePage(expose ? 'Request refused' : 'Something went wrong', 'mock-idp could not complete this request.', { error, description });
      }
    }
  });

  // With the state in Redis, a change (a user created, a session ended) is written before the answer goes out:
  // the next request may reach another replica; a change that could not be written is this request's 409
  // (StateConflict). Each request in its own scope: another's failed write is not its answer. In memory nothing is ever pending.
  app.use((_ctx, next) =>
    state.scoped(async () => {
      await next();
      if (state.unsettled) await state.settled().catch((err: unknown) => Promise.reject(asHttpError(err)));
    }),
  );

  // oidc-provider builds URLs from the Host header; one it cannot parse would be a 500 there (RFC 9112 §3.2: 400).
  app.use(async (ctx, next) => {
    const host = ctx.get('host');
    if (host !== '' && !(hostSyntax.test(host) && URL.canParse(`http://${host}/`))) throw new HttpError(400, 'the Host header is not a valid host name', 'invalid_request');
    await next();
  });

  // One rule for the guard and the routes: the guard takes every spelling of /_mock, the routes match case-sensitively.
  const hosts = hostGuard(allowedHostNames(state.issuer, options.allowedHosts));
  const guard = adminGuard({ issuer: state.issuer, ...options.admin });
  const admin = adminRoutes(state, options.tools);
  app.use(async (ctx, next) => (isHostGuarded(ctx.path) ? hosts(ctx, next) : next()));
  app.use(async (ctx, next) => (isAdminPath(ctx.path) ? guard(ctx, next) : next()));
  // Before the routers: their allowedMethods() would turn the Management API's own 404 for an unknown method into 501.
  app.use(managementApi(state));
  const csrf = new InteractionCsrf(() => state.cookieKeys[0]);
  // The sign-up routes come before the login page's: they take `screen_hint=signup` and hand everything else on.
  const routers = [admin, frontDoorRoutes(state, { adminToken: options.admin?.adminToken !== undefined && options.admin.adminToken !== '' }), signupRoutes(state, oidc, csrf), interactionRoutes(state, oidc, csrf), v2LogoutRoute(state, oidc), unblockRoute(state), dbConnectionsRoutes(state), mfaApiRoutes(state), passwordlessRoutes(state), emailLinkRoutes(state, csrf), continueRoute(state)];
  // oidc-provider's own endpoints that none of these routers serves (checked here, once) go past them with one look-up:
  // every token request used to be matched against each router's routes (about 3 % of its CPU).
  const providerOnly = new Set(PROVIDER_PATHS.filter((path) => !routers.some((router) => router.match(path, 'GET').path.length > 0)));
  for (const router of routers) {
    for (const middleware of [router.routes(), router.allowedMethods()] as Koa.Middleware[]) app.use((ctx, next) => (providerOnly.has(ctx.path) ? next() : middleware(ctx, next)));
  }
  app.use(async (ctx, next) => {
    if (!isAdminPath(ctx.path)) return next();
    // A known admin path with another method: 405 and the methods it takes.
    const methods = [...new Set(admin.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))].filter((m) => m !== 'HEAD');
    if (methods.length) {
      ctx.set('Allow', methods.join(', '));
      throw new HttpError(405, `${ctx.method} is not allowed on ${ctx.path} (allowed: ${methods.join(', ')})`, 'method_not_allowed');
    }
    throw new HttpError(404, `no admin endpoint ${ctx.method} ${ctx.path}`);
  });
  app.use(async (ctx) => {
    // oidc-provider answers from here on; Koa's own answer (and so its error handler) is off.
    ctx.respond = false;
    try {
      await oidc.handle(ctx.req, ctx.res);
    } catch (err) {
      console.error('mock-idp: unexpected error in oidc-provider on', ctx.method, ctx.path, err);
      if (!ctx.res.headersSent) ctx.res.writeHead(500, { 'content-type': 'application/json' });
      ctx.res.end(JSON.stringify({ error: 'server_error', error_description: 'unexpected error, see the mock-idp log' }));
    }
  });
  return app;
}
