import Router from '@koa/router';
import { sendPasswordResetEmail, signUp, type SignUpInput } from '../../core/database-connection.js';
import { DuplicateUser, InvalidInput, SignupDisabled, WeakPassword } from '../../core/errors.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import type { User } from '../../core/tenant/schema.js';
import { BodyError, readFields } from '../../oidc/body.js';

/** Auth0's answer to a request it cannot parse: `{ error: "bad.<field>", error_description }`, 400. */
class BadField extends Error {
  constructor(
    readonly field: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Auth0's sign-up refusals: `{ name, code, description, statusCode }` (a weak password adds `message` and `policy`). */
const signupError = (code: string, description: string) => ({ name: 'BadRequestError', code, description, statusCode: 400 });

function required(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === '') throw new BadField(field, `Missing required property: ${field}`);
  if (typeof value !== 'string') throw new BadField(field, `Invalid type: ${typeof value} (expected string)`);
  return value;
}

function optional(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadField(field, `Invalid type: ${typeof value} (expected string)`);
  return value;
}

/** Auth0's limits on `user_metadata` at sign-up: at most ten properties, names up to 100 characters, string values up to 500. */
function userMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value);
  const entries = ok ? Object.entries(value) : [];
  if (!ok || entries.length > 10 || entries.some(([k, v]) => k.length > 100 || typeof v !== 'string' || v.length > 500)) {
    throw new BadField('user_metadata', 'user_metadata must be an object of at most 10 properties, names up to 100 characters and string values up to 500');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** client_id and connection, as every /dbconnections call needs them: a known application and the database connection. */
function clientAndConnection(state: MockState, body: Record<string, unknown>): string {
  const clientId = required(body, 'client_id');
  if (!state.directory.application(clientId)) throw new BadField('client_id', `Unknown client: ${clientId}`);
  const connection = required(body, 'connection');
  if (connection !== DEFAULTS.databaseConnection) throw new BadField('connection', 'Connection does not exist');
  return clientId;
}

/** The sign-up answer: the new user's id without its `auth0|` prefix, as Auth0's `_id`, and the profile fields given. */
function signedUp(user: User, input: SignUpInput): Record<string, unknown> {
  return {
    _id: user.sub.replace(/^auth0\|/, ''),
    email_verified: user.emailVerified,
    email: user.email,
    ...(input.givenName !== undefined ? { given_name: user.givenName } : {}),
    ...(input.familyName !== undefined ? { family_name: user.familyName } : {}),
    ...(input.name !== undefined ? { name: user.name } : {}),
    ...(input.nickname !== undefined ? { nickname: user.nickname } : {}),
    ...(input.picture !== undefined ? { picture: user.picture } : {}),
    ...(input.userMetadata !== undefined ? { user_metadata: user.userMetadata } : {}),
  };
}

/**
 * Auth0's Authentication API for database connections: `POST /dbconnections/signup`
 * (creates the user, 200 with `_id`, `email`, `email_verified` and the profile given)
 * and `POST /dbconnections/change_password` (mails a reset link to the outbox; the
 * same 200 text whether or not the email has an account). Bodies are JSON (or a form).
 */
export function dbConnectionsRoutes(state: MockState): Router {
  const router = new Router({ prefix: '/dbconnections', sensitive: true });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (err) {
      if (err instanceof BodyError) {
        ctx.status = err.status;
        ctx.body = { error: 'bad.request', error_description: err.message };
        return;
      }
      if (!(err instanceof BadField)) throw err;
      ctx.status = 400;
      ctx.body = { error: `bad.${err.field}`, error_description: err.description };
    }
  });

  router.post('/signup', async (ctx) => {
    const body = await readFields(ctx);
    const clientId = clientAndConnection(state, body);
    const input: SignUpInput = {
      email: required(body, 'email'),
      password: required(body, 'password'),
      name: optional(body, 'name'),
      givenName: optional(body, 'given_name'),
      familyName: optional(body, 'family_name'),
      nickname: optional(body, 'nickname'),
      picture: optional(body, 'picture'),
      userMetadata: userMetadata(body.user_metadata),
    };
    try {
      ctx.body = signedUp(signUp(state, input, clientId), input);
    } catch (err) {
      state.events.add({ type: 'signup.failed', clientId, error: err instanceof Error && 'code' in err ? String(err.code) : 'refused', detail: { email: input.email, ...(err instanceof InvalidInput ? { problem: err.message } : {}) } });
      ctx.status = 400;
      if (err instanceof SignupDisabled) ctx.body = { error: 'public signup is disabled' };
      else if (err instanceof WeakPassword) ctx.body = { name: 'PasswordStrengthError', message: 'Password is too weak', code: 'invalid_password', description: err.failure.description, policy: err.failure.policy, statusCode: 400 };
      else if (err instanceof DuplicateUser) ctx.body = state.tenant.databaseConnection.userExistsError ? signupError('user_exists', 'The user already exists.') : signupError('invalid_signup', 'Invalid sign up');
      else if (err instanceof InvalidInput) ctx.body = signupError('invalid_signup', 'Invalid sign up');
      else throw err;
    }
  });

  router.post('/change_password', async (ctx) => {
    const body = await readFields(ctx);
    const clientId = clientAndConnection(state, body);
    sendPasswordResetEmail(state, required(body, 'email'), clientId);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = "We've just sent you an email to reset your password.";
  });

  return router;
}
