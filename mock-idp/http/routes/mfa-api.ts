import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { MfaTokenGrant } from '../../core/mfa.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import type { User } from '../../core/tenant/schema.js';
import { BodyError, readFields } from '../../oidc/body.js';

/** An answer of Auth0's MFA API: `{ error, error_description }` with its status. */
class MfaApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** Auth0's authenticator ids (`totp|dev_…`): stable per user and kind. */
const authenticatorId = (kind: string, user: User) => `${kind}|dev_${createHash('sha256').update(`${kind}:${user.sub}`).digest('base64url').slice(0, 16)}`;

/** `al***@example.com`: how Auth0 names an email authenticator. */
const maskedEmail = (email: string) => email.replace(/^(.{0,2})[^@]*/, '$1***');

/** A list parameter given as an array or a space-separated string. */
function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/**
 * Auth0's MFA API for applications that log users in with the password grant:
 * `GET /mfa/authenticators` and `POST /mfa/associate` (Bearer: the `mfa_token` of a
 * 403 `mfa_required`), `POST /mfa/challenge` (client credentials and the `mfa_token`
 * in the body). Email challenges put their 6-digit code in the outbox (`GET /_mock/emails`).
 */
export function mfaApiRoutes(state: MockState): Router {
  const router = new Router({ prefix: '/mfa', sensitive: true });
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof MfaApiError) {
        ctx.status = err.status;
        ctx.body = { error: err.error, error_description: err.message };
      } else if (err instanceof BodyError) {
        ctx.status = err.status;
        ctx.body = { error: 'invalid_request', error_description: err.message };
      } else throw err;
    }
    ctx.set('cache-control', 'no-store');
  });

  function grantOf(token: string | undefined): { grant: MfaTokenGrant; user: User } {
    if (!token) throw new MfaApiError(401, 'unauthorized', 'Authorization header or mfa_token is required');
    const grant = state.mfa.token(token);
    if (grant === 'expired') throw new MfaApiError(401, 'expired_token', 'mfa_token is expired');
    const user = grant && state.directory.findUser(grant.sub);
    if (!grant || !user) throw new MfaApiError(401, 'invalid_grant', 'Malformed mfa_token');
    return { grant, user };
  }

  const bearer = (ctx: Context) => /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];

  function sendEmailCode(user: User, mfaToken: string): string {
    const { oobCode, bindingCode } = state.mfa.challengeByEmail(user, mfaToken, DEFAULTS.mfa.oobCodeLifetime);
    state.outbox.add({
      to: user.email,
      kind: 'mfa_oob_code',
      subject: 'Your verification code',
      text: `Your verification code is ${bindingCode}. It expires in ${DEFAULTS.mfa.oobCodeLifetime / 60} minutes.`,
      links: [],
      code: bindingCode,
      expires: new Date(state.clock.now() + DEFAULTS.mfa.oobCodeLifetime * 1000).toISOString(),
    });
    return oobCode;
  }

  router.get('/authenticators', (ctx) => {
    const { user } = grantOf(bearer(ctx));
    const otp = state.mfa.secretOf(user) !== undefined;
    const email = state.mfa.hasEmailFactor(user);
    ctx.body = [
      ...(otp ? [{ id: authenticatorId('totp', user), authenticator_type: 'otp', active: true }] : []),
      ...(email ? [{ id: authenticatorId('email', user), authenticator_type: 'oob', oob_channel: 'email', name: maskedEmail(user.email), active: true }] : []),
      ...(otp || email ? [{ id: authenticatorId('recovery-code', user), authenticator_type: 'recovery-code', active: true }] : []),
    ];
  });

  router.post('/associate', async (ctx) => {
    const token = bearer(ctx);
    const { user } = grantOf(token);
    const body = await readFields(ctx);
    const types = list(body.authenticator_types);
    if (state.mfa.secretOf(user) !== undefined || state.mfa.hasEmailFactor(user)) throw new MfaApiError(400, 'access_denied', 'User is already enrolled.');
    if (types.includes('otp')) {
      const enrolment = state.mfa.enrolment(user);
      ctx.body = { authenticator_type: 'otp', secret: enrolment.secret, barcode_uri: enrolment.uri, recovery_codes: [state.mfa.recoveryCode(user)] };
      return;
    }
    if (types.includes('oob') && list(body.oob_channels).includes('email')) {
      state.mfa.enrolEmailFactor(user);
      ctx.body = { authenticator_type: 'oob', binding_method: 'prompt', oob_channel: 'email', oob_code: sendEmailCode(user, token!), recovery_codes: [state.mfa.recoveryCode(user)] };
      return;
    }
    throw new MfaApiError(400, 'invalid_request', 'authenticator_types must be ["otp"], or ["oob"] with oob_channels ["email"] (the channels mock-idp has)');
  });

  router.post('/challenge', async (ctx) => {
    const body = await readFields(ctx);
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    const app = state.directory.application(clientId);
    if (!app || (app.clientSecret !== undefined && body.client_secret !== app.clientSecret)) throw new MfaApiError(401, 'access_denied', 'Unauthorized');
    const mfaToken = typeof body.mfa_token === 'string' ? body.mfa_token : undefined;
    const { grant, user } = grantOf(mfaToken);
    if (grant.clientId !== clientId) throw new MfaApiError(401, 'invalid_grant', 'Malformed mfa_token');
    const types = list(body.challenge_type ?? 'otp oob');
    const wanted = typeof body.authenticator_id === 'string' ? body.authenticator_id : undefined;
    const emailOk = state.mfa.hasEmailFactor(user) && (wanted === undefined || wanted === authenticatorId('email', user));
    const otpOk = state.mfa.secretOf(user) !== undefined && (wanted === undefined || wanted === authenticatorId('totp', user));
    if (types.includes('otp') && otpOk) {
      ctx.body = { challenge_type: 'otp' };
      return;
    }
    if (types.includes('oob') && emailOk) {
      ctx.body = { challenge_type: 'oob', binding_method: 'prompt', oob_code: sendEmailCode(user, mfaToken!) };
      return;
    }
    throw new MfaApiError(400, 'unsupported_challenge_type', 'User is not enrolled with an authenticator of the requested challenge_type.');
  });

  return router;
}
