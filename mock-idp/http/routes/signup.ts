import Router from '@koa/router';
import type { InteractionResults } from 'oidc-provider';
import type { Context, Next } from 'koa';
import { sendPasswordResetEmail, signUp } from '../../core/database-connection.js';
import { DuplicateUser, InvalidInput, SignupDisabled, WeakPassword } from '../../core/errors.js';
import { passwordPolicyText } from '../../core/password-policy.js';
import type { MockState } from '../../core/state.js';
import { passwordPolicyOf } from '../../core/tenant/edits.js';
import type { OidcHost } from '../../oidc/host.js';
import { readForm } from '../body.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { forgotPasswordPage, signupPage } from '../views/signup-page.js';
import { isSignInPrompt } from './authorize-parameters.js';
import { completeSignIn, invitationOf } from './post-login.js';

/** What the sign-up page says for each refusal (the duplicate is said plainly; see docs/auth0-differences.md). */
function refusal(err: unknown): { status: number; message: string; rules?: WeakPassword['failure']['description']['rules'] } | undefined {
  if (err instanceof WeakPassword) return { status: 400, message: 'Password is too weak', rules: err.failure.description.rules };
  if (err instanceof DuplicateUser) return { status: 400, message: 'The user already exists.' };
  if (err instanceof SignupDisabled) return { status: 403, message: 'Sign-ups are disabled for this application.' };
  if (err instanceof InvalidInput) return { status: 400, message: `This sign-up is not valid: ${err.message}` };
  return undefined;
}

/**
 * Universal Login's sign-up and "Forgot password?" screens, beside the login
 * page of the same login attempt (`/interaction/:uid/signup`,
 * `/interaction/:uid/forgot-password`), and `screen_hint=signup`, which opens
 * the sign-up screen first. A successful sign-up signs the new user in and
 * continues the authorization, as Auth0's does. Each POST carries the
 * interaction's CSRF token, as the login form's.
 */
export function signupRoutes(state: MockState, oidc: OidcHost, csrf: InteractionCsrf): Router {
  const router = new Router({ prefix: '/interaction/:uid', sensitive: true });

  /** The login attempt, which must be this page's and waiting for a login. */
  async function loginAttempt(ctx: Context) {
    const found = await oidc.provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== ctx.params.uid || !isSignInPrompt(found.prompt.name)) fail(400, 'this page belongs to another login attempt, or to one that is not waiting for a login: start again from the application');
    return found;
  }

  function renderSignup(ctx: Context, clientId: string, extra: { error?: string; rules?: WeakPassword['failure']['description']['rules']; email?: string } = {}) {
    if (state.tenant.databaseConnection.disableSignup) fail(403, 'Sign-ups are disabled for this application.', 'signup_disabled');
    ctx.type = 'html';
    ctx.body = signupPage({
      uid: ctx.params.uid!,
      csrfToken: csrf.token(ctx.params.uid!),
      appName: state.directory.application(clientId)?.name ?? clientId,
      policy: passwordPolicyText(passwordPolicyOf(state.tenant)),
      ...extra,
    });
  }

  // screen_hint=signup: the sign-up screen instead of the login page (while sign-ups are allowed).
  router.get('/', async (ctx: Context, next: Next) => {
    const { params, prompt } = await oidc.provider.interactionDetails(ctx.req, ctx.res);
    // An invitation for someone without an account opens the sign-up screen with their email, as Auth0's does.
    const invitation = invitationOf(state, params);
    const invitedNewcomer = invitation !== undefined && state.directory.findPerson(invitation.inviteeEmail) === undefined;
    if (!isSignInPrompt(prompt.name) || (params.screen_hint !== 'signup' && !invitedNewcomer) || state.tenant.databaseConnection.disableSignup) return next();
    renderSignup(ctx, String(params.client_id), invitedNewcomer ? { email: invitation.inviteeEmail } : {});
  });

  router.get('/signup', async (ctx) => {
    renderSignup(ctx, String((await loginAttempt(ctx)).params.client_id));
  });

  router.post('/signup', async (ctx) => {
    const form = await readForm(ctx);
    csrf.check(ctx, ctx.params.uid!, form);
    const { params, prompt } = await loginAttempt(ctx);
    const clientId = String(params.client_id);
    const email = (form.get('email') ?? '').trim();
    try {
      const user = signUp(state, { email, password: form.get('password') ?? '' }, clientId);
      const finish = async (c: Context, result: InteractionResults) => {
        const to = await oidc.provider.interactionResult(c.req, c.res, result, { mergeWithLastSubmission: false });
        c.status = 303;
        c.redirect(to);
      };
      await completeSignIn({ state, csrf, finish }, ctx, { uid: ctx.params.uid!, params, promptName: prompt.name }, { accountId: user.sub });
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      state.events.add({ type: 'signup.failed', clientId, error: err instanceof Error && 'code' in err ? String(err.code) : 'refused', detail: { email } });
      if (err instanceof SignupDisabled) fail(refused.status, refused.message, 'signup_disabled');
      ctx.status = refused.status;
      renderSignup(ctx, clientId, { error: refused.message, email, ...(refused.rules ? { rules: refused.rules } : {}) });
    }
  });

  router.get('/forgot-password', async (ctx) => {
    await loginAttempt(ctx);
    ctx.type = 'html';
    ctx.body = forgotPasswordPage({ uid: ctx.params.uid!, csrfToken: csrf.token(ctx.params.uid!) });
  });

  router.post('/forgot-password', async (ctx) => {
    const form = await readForm(ctx);
    csrf.check(ctx, ctx.params.uid!, form);
    const { params } = await loginAttempt(ctx);
    // The same answer whether or not the account exists.
    sendPasswordResetEmail(state, form.get('email') ?? '', String(params.client_id));
    ctx.type = 'html';
    ctx.body = forgotPasswordPage({ uid: ctx.params.uid!, csrfToken: csrf.token(ctx.params.uid!), sent: true });
  });

  return router;
}
