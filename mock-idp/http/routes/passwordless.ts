import Router from '@koa/router';
import type { Context } from 'koa';
import { E164_PHONE, EMAIL_ADDRESS, isPasswordlessConnection, type MagicLinkOutcome, passwordlessFailure, passwordlessId } from '../../core/passwordless.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { checkPasswordlessCode } from '../../core/tenant/edits.js';
import type { Application } from '../../core/tenant/schema.js';
import { BodyError, readFields } from '../../oidc/body.js';
import { fail } from '../errors.js';



/** `authParams` of /passwordless/start: string parameters for the magic link's authorization (undefined: not such an object). */
function authParamsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
}

/** The parameters of the link that belong to the link itself, not to the authorization it starts. */
const LINK_OWN = ['client_id', 'connection', 'email', 'verification_code'];

/**
 * Auth0's magic link: `/passwordless/verify_redirect` with the authorization parameters (`authParams` of the
 * start request; by default Auth0's `response_type=code`, `scope=openid` and the application's first callback),
 * the connection, the email and the code.
 */
function magicLink(issuer: string, app: Application, email: string, code: string, authParams: Record<string, string>): string {
  const url = new URL('passwordless/verify_redirect', issuer);
  const own = Object.fromEntries(Object.entries(authParams).filter(([name]) => !LINK_OWN.includes(name)));
  const params = { response_type: 'code', scope: 'openid', ...(app.callbacks[0] ? { redirect_uri: app.callbacks[0] } : {}), ...own, client_id: app.clientId, connection: 'email', email, verification_code: code };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/** The cookie that carries an opened magic link's ticket to the login step of the authorization it starts. */
export const MAGIC_LINK_COOKIE = 'mock_idp_magic_link';

/**
 * `GET /passwordless/verify_redirect` (a magic link opened): the code is checked as the passwordless grant
 * checks it (it is spent, latest only, 180 s, 3 tries), and the browser goes on to `/authorize` with the
 * link's authorization parameters (and `prompt=login`, so that the link's user is the one signed in). The
 * login step then signs the user in, or sends Auth0's error to the application's callback (`error=unauthorized`,
 * "The verification code has expired. Please try to login again."): oidc-provider checks the client,
 * the redirect URI and the response type there, as for any authorization.
 */
function verifyRedirect(state: MockState, ctx: Context): void {
  ctx.set('cache-control', 'no-store');
  const query = Object.fromEntries(Object.entries(ctx.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const app = state.directory.application(query.client_id ?? '');
  if (!app) fail(400, 'Unknown client: this link names no application of the tenant', 'invalid_request');
  if (query.connection !== 'email') fail(400, 'the connection was not found', 'invalid_request');
  const email = (query.email ?? '').trim();
  const code = query.verification_code ?? '';
  if (!EMAIL_ADDRESS.test(email) || !code) fail(400, 'this link has no email or verification code', 'invalid_request');
  const checked = checkPasswordlessCode(state, 'email', email, code);
  const outcome: MagicLinkOutcome = checked.outcome === 'ok' ? { sub: checked.sub } : { error: 'unauthorized', error_description: passwordlessFailure('email', checked.outcome) };
  state.events.add({ type: checked.outcome === 'ok' ? 'passwordless.link_opened' : 'login.failed', clientId: app.clientId, ...('sub' in outcome ? { sub: outcome.sub } : { error: 'unauthorized' }), detail: { connection: 'email', reason: checked.outcome } });
  const ticket = state.passwordless.holdMagicLogin(app.clientId, outcome, DEFAULTS.passwordless.linkHandoff);
  ctx.cookies.set(MAGIC_LINK_COOKIE, ticket, { path: '/interaction', httpOnly: true, sameSite: 'lax', signed: false, maxAge: DEFAULTS.passwordless.linkHandoff * 1000, secure: ctx.secure });
  const authorize = new URL('authorize', state.issuer);
  for (const [name, value] of Object.entries(query)) if (!LINK_OWN.includes(name) || name === 'client_id') authorize.searchParams.set(name, value);
  authorize.searchParams.set('prompt', 'login');
  ctx.redirect(authorize.pathname + authorize.search);
}

/**
 * `POST /passwordless/start` (Auth0's Authentication API): `connection` `email` (with `email`)
 * or `sms` (with `phone_number`), `send` `code` or (email only, the default there) `link`; the code
 * or magic link goes to the outbox, an SMS addressed to the phone number. A code is then exchanged with the grant
 * `http://auth0.com/oauth/grant-type/passwordless/otp` (oidc/grant-types/passwordless.ts).
 */
export function passwordlessRoutes(state: MockState): Router {
  const router = new Router({ sensitive: true });
  router.post('/passwordless/start', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    const refuse = (status: number, error: string, description: string) => {
      ctx.status = status;
      ctx.body = { error, error_description: description };
    };
    let body: Record<string, unknown>;
    try {
      body = await readFields(ctx);
    } catch (err) {
      if (err instanceof BodyError) return refuse(err.status, 'bad.request', err.message);
      throw err;
    }
    const clientId = typeof body.client_id === 'string' ? body.client_id : '';
    const app = state.directory.application(clientId);
    if (!app) return refuse(400, 'bad.client_id', 'Missing required property: client_id');
    if (app.clientSecret !== undefined && body.client_secret !== undefined && body.client_secret !== app.clientSecret) return refuse(401, 'access_denied', 'Unauthorized');
    const connection = body.connection;
    if (!isPasswordlessConnection(connection)) return refuse(400, 'bad.connection', 'Connection does not exist');
    // Auth0: without `send` an email carries a link; SMS carry codes only (the old link_ios / link_android are gone).
    const send = body.send ?? (connection === 'email' ? 'link' : 'code');
    if (send !== 'code' && send !== 'link') return refuse(400, 'bad.send', 'send must be "code" or "link"');
    if (send === 'link' && connection !== 'email') return refuse(400, 'bad.send', 'Only "code" is supported for SMS');
    const authParams = authParamsOf(body.authParams);
    if (!authParams) return refuse(400, 'bad.authParams', 'authParams must be an object of strings');
    if (connection === 'email') {
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      if (!EMAIL_ADDRESS.test(email)) return refuse(400, 'bad.email', 'Missing required property: email');
      if (send === 'link') state.passwordless.sendLink(email, app.name, (code) => magicLink(state.issuer, app, email, code, authParams));
      else state.passwordless.send('email', email, app.name);
      ctx.body = { _id: passwordlessId(email), email, email_verified: false };
      return;
    }
    const phone = typeof body.phone_number === 'string' ? body.phone_number.trim() : '';
    if (!E164_PHONE.test(phone)) return refuse(400, 'bad.phone_number', 'Missing required property: phone_number');
    state.passwordless.send(connection, phone, app.name);
    ctx.body = { _id: passwordlessId(phone), phone_number: phone, phone_verified: false, request_language: null };
  });
  router.get('/passwordless/verify_redirect', (ctx) => verifyRedirect(state, ctx));
  return router;
}
