import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { sendPasswordResetEmail, signUp } from '../../core/database-connection.js';
import { DuplicateUser, InvalidInput, SignupDisabled, WeakPassword } from '../../core/errors.js';
import { passwordPolicyText } from '../../core/password-policy.js';
import type { MockState } from '../../core/state.js';
import { passwordPolicyOf } from '../../core/tenant/edits.js';
import type { OidcHost } from '../../oidc/host.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { forgotPasswordPage, signupPage } from '../views/signup-page.js';
import { isSignInPrompt } from './authorize-parameters.js';
import { interactionSteps } from './interaction-steps.js';
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
  const steps = interactionSteps(state, oidc, csrf);

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
    const { params, prompt } = await steps.details(ctx);
    // An invitation for someone without an account opens the sign-up screen with their email, as Auth0's does.
    const invitation = invitationOf(state, params);
    const invitedNewcomer = invitation !== undefined && state.directory.findPerson(invitation.inviteeEmail) === undefined;
    if (!isSignInPrompt(prompt.name) || (params.screen_hint !== 'signup' && !invitedNewcomer) || state.tenant.databaseConnection.disableSignup) return next();
    renderSignup(ctx, String(params.client_id), invitedNewcomer ? { email: invitation.inviteeEmail } : {});
  });

  router.get('/signup', async (ctx) => {
    renderSignup(ctx, String((await steps.signingIn(ctx, 'a sign-up')).params.client_id));
  });

  router.post('/signup', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const attempt = await steps.signingIn(ctx, 'a sign-up');
    const clientId = String(attempt.params.client_id);
    const email = (form.get('email') ?? '').trim();
    try {
      const user = signUp(state, { email, password: form.get('password') ?? '' }, clientId);
      await completeSignIn(steps, ctx, attempt, { accountId: user.sub });
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
    await steps.signingIn(ctx, 'a password reset');
    ctx.type = 'html';
    ctx.body = forgotPasswordPage({ uid: ctx.params.uid!, csrfToken: csrf.token(ctx.params.uid!) });
  });

  router.post('/forgot-password', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { params } = await steps.signingIn(ctx, 'a password reset');
    // The same answer whether or not the account exists.
    sendPasswordResetEmail(state, form.get('email') ?? '', String(params.client_id));
    ctx.type = 'html';
    ctx.body = forgotPasswordPage({ uid: ctx.params.uid!, csrfToken: csrf.token(ctx.params.uid!), sent: true });
  });

  return router;
}
