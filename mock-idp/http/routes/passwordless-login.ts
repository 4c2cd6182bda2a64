import type Router from '@koa/router';
import type { Context } from 'koa';
import { EMAIL_ADDRESS } from '../../core/passwordless.js';
import { checkPasswordlessCode } from '../../core/tenant/edits.js';
import { passwordlessPage } from '../views/passwordless-page.js';
import { MAGIC_LINK_COOKIE } from './passwordless.js';
import { completeSignIn } from './post-login.js';
import type { InteractionSteps, SignInAttempt } from './interaction-steps.js';

/**
 * The login step of an authorization a magic link started (`/passwordless/verify_redirect` set the cookie):
 * signs the link's user in, or ends at the application's callback with the link's error. False when this
 * login attempt did not come from a magic link of this application.
 */
export async function finishMagicLink(steps: InteractionSteps, ctx: Context, attempt: SignInAttempt): Promise<boolean> {
  const { state } = steps;
  const ticket = ctx.cookies.get(MAGIC_LINK_COOKIE, { signed: false });
  if (!ticket) return false;
  ctx.cookies.set(MAGIC_LINK_COOKIE, null, { path: '/interaction' });
  const clientId = String(attempt.params.client_id);
  const outcome = state.passwordless.takeMagicLogin(ticket, clientId);
  if (!outcome) return false;
  if (!('sub' in outcome)) {
    await steps.finish(ctx, outcome);
    return true;
  }
  await completeSignIn(steps, ctx, attempt, { accountId: outcome.sub }, { detail: { connection: 'email', magicLink: true } });
  return true;
}

/**
 * Universal Login's passwordless path ("Email me a code" on the login page):
 * `GET /interaction/:uid/passwordless` asks for an email, `POST` with it sends a code
 * to the outbox and asks for the code, `POST` with `email` and `code` checks it
 * (core/passwordless.ts: 180 s, the latest code, 3 tries) and completes the login.
 */
export function passwordlessLoginRoutes(router: Router, steps: InteractionSteps): void {
  const { state, csrf } = steps;
  const render = (ctx: Context, uid: string, clientId: string, input: { email?: string; error?: string } = {}) => {
    ctx.type = 'html';
    ctx.body = passwordlessPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, ...input });
  };

  router.get('/passwordless', async (ctx) => {
    const { uid, params } = await steps.signingIn(ctx);
    render(ctx, uid, String(params.client_id));
  });

  router.post('/passwordless', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const attempt = await steps.signingIn(ctx);
    const { uid, params } = attempt;
    const clientId = String(params.client_id);
    const email = (form.get('email') ?? '').trim();
    if (!EMAIL_ADDRESS.test(email)) {
      ctx.status = 400;
      return render(ctx, uid, clientId, { error: 'Enter a valid email address.' });
    }
    const code = form.get('code');
    if (code === null) {
      state.passwordless.send('email', email, state.directory.application(clientId)?.name ?? clientId);
      return render(ctx, uid, clientId, { email });
    }
    const checked = checkPasswordlessCode(state, 'email', email, code);
    if (checked.outcome !== 'ok') {
      state.events.add({ type: 'login.failed', clientId, error: 'invalid_grant', detail: { connection: 'email', email, reason: checked.outcome } });
      ctx.status = 401;
      // A wrong code may be typed again; an expired or spent one needs a new code.
      return checked.outcome === 'wrong'
        ? render(ctx, uid, clientId, { email, error: 'Wrong email or verification code.' })
        : render(ctx, uid, clientId, { error: checked.outcome === 'expired' ? 'The code has expired: ask for a new one.' : "You've reached the maximum number of attempts: ask for a new code." });
    }
    await completeSignIn(steps, ctx, attempt, { accountId: checked.sub }, { detail: { connection: 'email' } });
  });
}
