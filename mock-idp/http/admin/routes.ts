import Router from '@koa/router';
import { KeyRingError } from '../../core/keys.js';
import { explainFor } from '../../tools/explain/explain-request.js';
import { MintError } from '../../tools/mint/mint-error.js';
import type { IdpRuntime } from '../../core/state.js';
import { createUser, deleteUser, findUser, revokeUser, updateUser, upsertRole, type RoleInput, type UserInput } from '../../core/tenant/edits.js';
import { HttpError } from '../errors.js';
import { readForm, readJson } from '../body.js';
import { debuggerPage, type DebuggerView } from '../views/debugger-page.js';
import { adminGuard, type AdminAccess } from './guard.js';

/** Typed errors of the operations, as HTTP answers. */
function asHttp(err: unknown): unknown {
  if (err instanceof MintError) return new HttpError(err.status, err.message, err.code);
  if (err instanceof KeyRingError) return new HttpError(err.code === 'ERR_KEY_NOT_FOUND' ? 404 : 409, err.message, err.code === 'ERR_KEY_NOT_FOUND' ? 'not_found' : 'conflict');
  return err;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: expected a JSON object');
  return body as Record<string, unknown>;
}

/**
 * The admin HTTP API under /_mock/: run-time control for CI in any language.
 * Loopback only by default; an optional admin token. A refused change changes nothing.
 */
export function adminRoutes(runtime: IdpRuntime, access: AdminAccess = {}): Router {
  const router = new Router({ prefix: '/_mock' });
  router.use(adminGuard(access));
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      throw asHttp(err);
    }
  });

  const view = (extra: Partial<DebuggerView> = {}): string =>
    debuggerPage({ issuer: runtime.issuer, tenant: runtime.directory.tenant, keys: runtime.keys.list(), events: runtime.events.list().slice(-30).reverse(), ...extra });

  // The debugger page: what the mock holds and did, and a token explainer (a plain form, no script).
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = view();
  });
  router.post('/', async (ctx) => {
    const form = await readForm(ctx);
    const token = form.get('token') ?? '';
    const audience = form.get('audience')?.trim() || undefined;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = view({ explained: { token, audience, explanation: await explainFor(runtime, { token, ...(audience ? { audience } : {}) }) } });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      ctx.status = err.status;
      ctx.body = view({ error: err.message });
    }
  });

  router.post('/explain', async (ctx) => {
    ctx.body = await explainFor(runtime, await readJson(ctx));
    ctx.set('Cache-Control', 'no-store');
  });

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok', issuer: runtime.issuer, keys: runtime.keys.list() };
  });

  router.post('/tokens', async (ctx) => {
    const { mintToken } = await import('../../tools/mint/mint-token.js');
    ctx.body = await mintToken(runtime, await readJson(ctx));
    ctx.set('Cache-Control', 'no-store');
  });

  router.get('/faults', async (ctx) => {
    const { FAULTS } = await import('../../tools/faults/index.js');
    ctx.body = FAULTS.map(({ id, caseId, title, explanation, expect, level, reference }) => ({ id, caseId, title, explanation, expect, level, reference }));
  });

  router.get('/keys', (ctx) => {
    ctx.body = { keys: runtime.keys.list(), jwksFetches: runtime.jwksFetches };
  });
  router.post('/keys/publish', async (ctx) => {
    await readJson(ctx);
    ctx.body = { keys: await runtime.publishNextKey() };
  });
  router.post('/keys/rotate', async (ctx) => {
    await readJson(ctx);
    ctx.body = { keys: await runtime.rotateKeys() };
  });
  router.post('/keys/retire', async (ctx) => {
    const { kid } = bodyObject(await readJson(ctx));
    if (kid !== undefined && typeof kid !== 'string') throw new HttpError(400, 'kid: expected a string');
    ctx.body = { keys: runtime.retireKey(kid) };
  });

  router.get('/users', (ctx) => {
    ctx.body = { users: runtime.directory.tenant.users };
  });
  router.get('/users/:id', (ctx) => {
    const user = findUser(runtime, ctx.params.id!);
    if (!user) throw new HttpError(404, `no user "${ctx.params.id}"`);
    ctx.body = user;
  });
  router.post('/users', async (ctx) => {
    ctx.status = 201;
    ctx.body = createUser(runtime, bodyObject(await readJson(ctx)) as UserInput);
  });
  router.patch('/users/:id', async (ctx) => {
    ctx.body = updateUser(runtime, ctx.params.id!, bodyObject(await readJson(ctx)) as Partial<UserInput>);
  });
  router.delete('/users/:id', (ctx) => {
    deleteUser(runtime, ctx.params.id!);
    ctx.status = 204;
  });
  router.post('/users/:id/revoke', (ctx) => {
    revokeUser(runtime, ctx.params.id!);
    ctx.status = 204;
  });

  router.get('/roles', (ctx) => {
    ctx.body = { roles: runtime.directory.tenant.roles };
  });
  router.post('/roles', async (ctx) => {
    ctx.body = upsertRole(runtime, bodyObject(await readJson(ctx)) as RoleInput);
  });

  router.post('/reset', (ctx) => {
    runtime.reset();
    ctx.status = 204;
  });

  router.get('/events', (ctx) => {
    const since = Number(ctx.query.since ?? 0);
    if (!Number.isInteger(since) || since < 0) throw new HttpError(400, 'since: expected a whole number');
    ctx.body = { events: runtime.events.list(since) };
  });

  return router;
}
