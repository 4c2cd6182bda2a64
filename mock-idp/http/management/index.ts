import Router from '@koa/router';
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Context, Middleware, Next } from 'koa';
import { MANAGEMENT_API_PATH, managementAudience } from '../../core/management/api.js';
import type { MockState } from '../../core/state.js';
import { asManagementApiError, ManagementApiError } from '../errors.js';
import { CLIENT_ENDPOINTS } from './clients.js';
import type { Endpoint } from './endpoint.js';
import { RESOURCE_SERVER_ENDPOINTS } from './resource-servers.js';
import { JOB_ENDPOINTS } from './jobs.js';
import { ORGANIZATION_ENDPOINTS } from './organizations.js';
import { ROLE_ENDPOINTS } from './roles.js';
import { TICKET_ENDPOINTS } from './tickets.js';
import { USER_BLOCK_ENDPOINTS } from './user-blocks.js';
import { USER_ENDPOINTS } from './users.js';

/** Every Management API endpoint the mock serves, with its scopes (the README and docs list them). */
export const MANAGEMENT_ENDPOINTS: readonly Endpoint[] = [...USER_ENDPOINTS, ...ROLE_ENDPOINTS, ...RESOURCE_SERVER_ENDPOINTS, ...CLIENT_ENDPOINTS, ...USER_BLOCK_ENDPOINTS, ...TICKET_ENDPOINTS, ...JOB_ENDPOINTS, ...ORGANIZATION_ENDPOINTS];

const isManagementPath = (path: string) => path === MANAGEMENT_API_PATH.slice(0, -1) || path.startsWith(MANAGEMENT_API_PATH);

const unauthorized = (message: string) => new ManagementApiError(401, message);

/** The caller's bearer token, checked with jose against the mock's own keys, issuer and the Management API audience. */
async function authenticate(ctx: Context, state: MockState): Promise<{ scopes: Set<string>; clientId: string | undefined }> {
  const header = ctx.get('authorization');
  if (header === '') throw unauthorized('Missing authentication');
  const [scheme, token, ...rest] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length) throw unauthorized('Bad HTTP authentication header format');
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: state.keys.publicKeys }), {
      issuer: state.issuer,
      audience: managementAudience(state.issuer),
      algorithms: ['RS256'],
      currentDate: state.clock.date(),
    });
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    const clientId = typeof payload.azp === 'string' ? payload.azp : typeof payload.client_id === 'string' ? payload.client_id : undefined;
    return { scopes, clientId };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('Expired token received for JSON Web Token validation');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud') throw unauthorized('Bad audience');
    throw unauthorized('Invalid token');
  }
}

/** One endpoint's handler: the token first (401), then its scopes (403), then the call. */
function handler(state: MockState, endpoint: Endpoint) {
  return async (ctx: Context) => {
    const caller = await authenticate(ctx, state);
    ctx.state.managementClient = caller.clientId;
    if (!endpoint.scopes.some((s) => caller.scopes.has(s))) {
      throw new ManagementApiError(403, `Insufficient scope, expected any of: ${endpoint.scopes.join(',')}`, 'insufficient_scope');
    }
    ctx.state.managementScopes = caller.scopes;
    await endpoint.handle(ctx, state);
  };
}

/**
 * Auth0's Management API v2 under `/api/v2/`, on the same tenant the logins use: a change shows in
 * the next login and token. Bearer tokens for the audience `<issuer>api/v2/` (client credentials
 * with a client grant of its scopes); Auth0's error bodies; every call goes to the event log
 * (`management.api`), which the debugger page lists.
 */
export function managementApi(state: MockState): Middleware {
  const router = new Router({ prefix: MANAGEMENT_API_PATH.slice(0, -1), sensitive: true });
  for (const endpoint of MANAGEMENT_ENDPOINTS) router.register(endpoint.path, [endpoint.method], handler(state, endpoint));
  const routes = router.routes();
  return async (ctx: Context, next: Next) => {
    if (!isManagementPath(ctx.path)) return next();
    try {
      await routes(ctx as Parameters<typeof routes>[0], async () => {
        const allowed = [...new Set(router.match(ctx.path, ctx.method).path.flatMap((layer) => layer.methods))].filter((m) => m !== 'HEAD');
        if (allowed.length) {
          ctx.set('Allow', allowed.join(', '));
          throw new ManagementApiError(405, 'Method Not Allowed');
        }
        throw new ManagementApiError(404, 'Not Found');
      });
      // Written (Redis) before the answer; a change that could not be is a 409.
      if (state.unsettled) await state.settled();
    } catch (caught) {
      const mapped = asManagementApiError(caught);
      if (!(mapped instanceof ManagementApiError)) console.error('mock-idp: unexpected error on', ctx.method, ctx.path, caught);
      const err = mapped instanceof ManagementApiError ? mapped : new ManagementApiError(500, 'unexpected error, see the mock-idp log');
      ctx.status = err.statusCode;
      ctx.body = err.body;
    }
    ctx.set('Cache-Control', 'no-store');
    const errorCode = (ctx.body as { errorCode?: unknown } | undefined)?.errorCode;
    state.events.add({
      type: 'management.api',
      ...(typeof ctx.state.managementClient === 'string' ? { clientId: ctx.state.managementClient } : {}),
      ...(ctx.status >= 400 ? { error: typeof errorCode === 'string' ? errorCode : String(ctx.status) } : {}),
      detail: { request: `${ctx.method} ${ctx.path}`, status: ctx.status },
    });
  };
}
