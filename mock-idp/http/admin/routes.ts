import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { isUsableSigningKey, type PrivateJwk } from '../../core/keys.js';
import type { MockState } from '../../core/state.js';
import { createUser, deleteUser, revokeUser, unblockUser, updateUser, upsertRole, type RoleInput, type UserInput } from '../../core/tenant/edits.js';
import { parseDuration } from '../../core/clock.js';
import { InvalidInput, UnknownUser } from '../../core/errors.js';
import { currentOtp } from '../../core/mfa.js';
import { checkSnapshot, keyRingSnapshotSchema } from '../../core/persistence/snapshot.js';
import { invitationBody, invite } from '../management/organizations.js';
import type { User } from '../../core/tenant/schema.js';
import { readForm, readJson } from '../../oidc/body.js';
import { CSRF_FIELD } from '../csrf.js';
import { asHttpError, HttpError } from '../errors.js';
import { sameSecret } from './guard.js';
import { timelineAnswer } from './timeline.js';
import { DEBUGGER_SCRIPT_SOURCES, debuggerPage, type DebuggerView } from '../views/debugger-page.js';
import { allowSources } from '../../oidc/csp.js';

/**
 * What the admin API serves from the tools layer (mint, explain, faults),
 * passed in by the composition root so that http/ imports nothing above it.
 * Each validates its own input and throws mock-idp's domain errors.
 */
export interface AdminTools {
  mintToken(input: unknown): Promise<unknown>;
  explainToken(input: unknown): Promise<unknown>;
  /** The explainer's verdict as an HTML section of the debugger page. */
  explainTokenHtml(input: { token: string; audience?: string }): Promise<string>;
  faults(): Promise<unknown>;
  /** Plants a fault into one login (the relying-party conformance harness), keyed by its state and client. */
  planLoginFault(input: unknown): Promise<unknown>;
  /** A back-channel logout token, valid or forged (RP-24), for one application's session. */
  forgeLogoutToken(input: unknown): Promise<unknown>;
}

/** The largest state `POST /_mock/state` takes (a state holds every session and token). */
const STATE_BODY_LIMIT = 64 * 1024 * 1024;

/** The `error` code of a debugger form posted without the page's CSRF token (403). */
export const CSRF_REFUSED = 'invalid_csrf_token';

/** A user as the admin API answers it: everything but the password (the login page's one-click list shows test credentials). */
function publicUser({ password: _password, ...user }: User): Omit<User, 'password'> {
  return user;
}

/** A private RSA signing key as `POST /_mock/keys/rotate` takes it. */
const privateRsaJwk = z.looseObject({ kty: z.literal('RSA'), kid: z.string().min(1), ...Object.fromEntries(['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((name) => [name, z.string().min(1)])) });

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: expected a JSON object');
  return body as Record<string, unknown>;
}

/**
 * The admin HTTP API under /_mock/: run-time control for CI in any language.
 * Guarded in http/app.ts (loopback only by default; an optional admin token).
 * A refused change changes nothing.
 */
export function adminRoutes(state: MockState, tools: AdminTools): Router {
  const router = new Router({ prefix: '/_mock', sensitive: true });
  router.use(async (_ctx, next) => {
    try {
      await next();
      // A change that ended sessions (revoke, block, delete) answers once their back-channel logouts are sent.
      await state.sessionEndsSettled();
    } catch (err) {
      throw asHttpError(err);
    }
  });

  // The debugger page's forms carry this token (a hidden field), checked on POST: another site cannot read the page to learn it.
  const csrfToken = randomBytes(32).toString('base64url');
  const view = (ctx: Context, extra: Partial<DebuggerView> = {}): string => {
    // Its one script (the timeline's live view), by hash, and the JSON it reads from this origin.
    allowSources(ctx, 'script-src', DEBUGGER_SCRIPT_SOURCES);
    allowSources(ctx, 'connect-src', ["'self'"]);
    return debuggerPage({
      issuer: state.issuer,
      tenant: state.tenant,
      keys: state.keys.list(),
      events: state.events.list().slice(-30).reverse(),
      emails: state.outbox.list().slice(-20).reverse(),
      blocked: state.bruteForce.blocked().map(({ sub, ip }) => ({ user: state.directory.findUser(sub)?.email ?? sub, ip })),
      clock: state.clock.read(),
      otp: state.tenant.users.flatMap((u) => {
        const reading = state.mfa.current(u);
        return reading ? [{ user: u.email, sub: u.sub, code: reading.code, expiresIn: reading.expires_in, enrolled: reading.enrolled }] : [];
      }),
      csrfToken,
      ...extra,
    });
  };

  // The debugger page: what the mock holds and did, a token explainer (a plain form) and the live timeline (its one script).
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = view(ctx);
  });
  router.post('/', async (ctx) => {
    const form = await readForm(ctx);
    if (!sameSecret(form.get(CSRF_FIELD) ?? '', csrfToken)) throw new HttpError(403, 'the debugger form needs the CSRF token of the page it came from: reload /_mock/ and submit again', CSRF_REFUSED);
    const token = form.get('token') ?? '';
    const audience = form.get('audience')?.trim() || undefined;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = view(ctx, { explained: { token, audience, html: await tools.explainTokenHtml({ token, ...(audience ? { audience } : {}) }) } });
    } catch (caught) {
      const err = asHttpError(caught);
      if (!(err instanceof HttpError)) throw err;
      ctx.status = err.status;
      ctx.body = view(ctx, { error: err.message });
    }
  });

  router.post('/explain', async (ctx) => {
    ctx.body = await tools.explainToken(await readJson(ctx));
    ctx.set('Cache-Control', 'no-store');
  });

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok', issuer: state.issuer, keys: state.keys.list() };
  });

  router.post('/tokens', async (ctx) => {
    ctx.body = await tools.mintToken(await readJson(ctx));
    ctx.set('Cache-Control', 'no-store');
  });

  router.post('/login-faults', async (ctx) => {
    ctx.body = await tools.planLoginFault(await readJson(ctx));
    ctx.status = 201;
  });

  router.post('/logout-tokens', async (ctx) => {
    ctx.body = await tools.forgeLogoutToken(await readJson(ctx));
  });

  router.get('/faults', async (ctx) => {
    ctx.body = await tools.faults();
  });

  router.get('/keys', (ctx) => {
    ctx.body = { keys: state.keys.list(), jwksFetches: state.jwksFetches };
  });
  router.post('/keys/publish', async (ctx) => {
    await readJson(ctx);
    ctx.body = { keys: await state.publishNextKey() };
  });
  // `{ "key": private JWK }` rotates to that key (the conformance harness's, generated ahead of time); `{}` to the next key or a new one.
  router.post('/keys/rotate', async (ctx) => {
    const { key, ...rest } = bodyObject(await readJson(ctx));
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new HttpError(400, `${unknown}: unknown field (expected { "key": a private RSA JWK with kid } or {})`);
    if (key === undefined) {
      ctx.body = { keys: await state.rotateKeys() };
      return;
    }
    const jwk = privateRsaJwk.safeParse(key);
    if (!jwk.success || !isUsableSigningKey(jwk.data as unknown as PrivateJwk)) throw new HttpError(400, 'key: expected a working private RSA JWK of 2048 bits or more, with kid (kty RSA, n, e, d, p, q, dp, dq, qi)');
    try {
      ctx.body = { keys: await state.rotateKeys(jwk.data as unknown as PrivateJwk) };
    } catch (err) {
      throw new HttpError(400, `key: the mock cannot sign with it: ${(err as Error).message}`);
    }
  });
  // The key ring with its private keys, as `GET /_mock/state` has it under `keys` (which a mock on Redis cannot export whole): what keys/restore takes.
  router.get('/keys/snapshot', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = state.exportKeys();
  });
  // The key ring with its private keys is in `GET /_mock/keys/snapshot` (and `GET /_mock/state`'s `keys`); this puts such a ring back.
  router.post('/keys/restore', async (ctx) => {
    const parsed = keyRingSnapshotSchema.safeParse(await readJson(ctx));
    if (!parsed.success) throw new HttpError(400, 'expected the "keys" of GET /_mock/state: { "keys": [private JWKs with kid and d], "next": kid or null }');
    const unusable = parsed.data.keys.find((k) => !isUsableSigningKey(k as unknown as PrivateJwk));
    if (unusable) throw new HttpError(400, `keys: "${unusable.kid}" is not a working RSA key pair (2048 bits or more)`);
    try {
      ctx.body = { keys: state.restoreKeys(parsed.data as Parameters<MockState['restoreKeys']>[0]) };
    } catch (err) {
      throw new HttpError(400, `the mock cannot sign with these keys: ${(err as Error).message}`);
    }
  });
  // RP-14: a key no client can parse, published beside the real ones until POST /_mock/keys/retire { kid }.
  router.post('/keys/unparseable', async (ctx) => {
    await readJson(ctx);
    const key = state.publishUnparseableKey();
    ctx.status = 201;
    ctx.body = { kid: key.kid, key };
  });
  router.post('/keys/retire', async (ctx) => {
    const { kid } = bodyObject(await readJson(ctx));
    if (kid !== undefined && typeof kid !== 'string') throw new HttpError(400, 'kid: expected a string');
    ctx.body = { keys: state.retireKey(kid) };
  });

  router.get('/users', (ctx) => {
    ctx.body = { users: state.tenant.users.map(publicUser) };
  });
  router.get('/users/:id', (ctx) => {
    const user = state.directory.findUser(ctx.params.id!);
    if (!user) throw new UnknownUser(ctx.params.id!, 'id');
    ctx.body = publicUser(user);
  });
  router.post('/users', async (ctx) => {
    ctx.status = 201;
    ctx.body = publicUser(createUser(state, bodyObject(await readJson(ctx)) as UserInput));
  });
  router.patch('/users/:id', async (ctx) => {
    ctx.body = publicUser(updateUser(state, ctx.params.id!, bodyObject(await readJson(ctx)) as Partial<UserInput>));
  });
  router.delete('/users/:id', (ctx) => {
    deleteUser(state, ctx.params.id!);
    ctx.status = 204;
  });
  // The current one-time code of the user's OTP authenticator (enrolled or being enrolled): what a CI test types at the MFA step.
  router.get('/users/:id/otp', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = currentOtp(state, ctx.params.id!);
  });
  router.post('/users/:id/revoke', (ctx) => {
    revokeUser(state, ctx.params.id!);
    ctx.status = 204;
  });
  // Lifts brute-force blocks of the user from every address (Auth0's DELETE /api/v2/user-blocks/{id}).
  router.post('/users/:id/unblock', (ctx) => {
    unblockUser(state, ctx.params.id!);
    ctx.status = 204;
  });

  router.get('/roles', (ctx) => {
    ctx.body = { roles: state.tenant.roles };
  });
  router.post('/roles', async (ctx) => {
    ctx.body = upsertRole(state, bodyObject(await readJson(ctx)) as RoleInput);
  });

  // Organization invitations as the Management API makes them (same body and answer), without a Management token.
  router.post('/organizations/:id/invitations', async (ctx) => {
    const parsed = invitationBody.safeParse(await readJson(ctx));
    if (!parsed.success) throw new InvalidInput(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    ctx.status = 201;
    ctx.body = invite(state, ctx.params.id!, parsed.data);
  });

  router.post('/reset', (ctx) => {
    state.reset();
    ctx.status = 204;
  });

  // The whole run-time state (tenant edits, sessions, tokens, keys, outbox): GET exports it, POST imports one (`mock-idp state export|import --issuer`).
  router.get('/state', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = state.exportSnapshot();
  });
  router.post('/state', async (ctx) => {
    const snapshot = checkSnapshot(await readJson(ctx, STATE_BODY_LIMIT), 'the request body');
    state.importSnapshot(snapshot);
    ctx.body = { imported: { savedAt: snapshot.savedAt, entries: snapshot.store.entries.length, users: state.tenant.users.length } };
  });

  // Time travel: GET says how far ahead the mock is; POST { "advance": 2592000 | "30d" } moves it forward (never back).
  router.get('/clock', (ctx) => {
    ctx.body = state.clock.read();
  });
  router.post('/clock', async (ctx) => {
    const { advance, ...rest } = bodyObject(await readJson(ctx));
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new HttpError(400, `${unknown}: unknown field (expected { "advance": seconds or a duration such as "30d" })`);
    if (advance === undefined) throw new HttpError(400, 'advance: required (seconds, or a duration such as "30d")');
    state.advanceClock(parseDuration(advance));
    ctx.body = state.clock.read();
  });

  // The outbox: the emails mock-idp kept instead of sending them, oldest first; `?to=` keeps one address's.
  router.get('/emails', (ctx) => {
    const { to } = ctx.query;
    if (to !== undefined && typeof to !== 'string') throw new HttpError(400, 'to: give one email address');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { emails: state.outbox.list({ to }) };
  });

  router.get('/timeline', (ctx) => {
    ctx.body = timelineAnswer(state, ctx);
  });

  router.get('/events', (ctx) => {
    const since = Number(ctx.query.since ?? 0);
    if (!Number.isInteger(since) || since < 0) throw new HttpError(400, 'since: expected a whole number');
    ctx.body = { events: state.events.list(since) };
  });

  return router;
}
