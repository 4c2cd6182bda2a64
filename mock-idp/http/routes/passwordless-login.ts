import type Router from '@koa/router';
import type { Context } from 'koa';
import type { MockState } from '../../core/state.js';
import { passwordlessSignIn } from '../../core/tenant/edits.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { passwordlessPage } from '../views/passwordless-page.js';
import { MAGIC_LINK_COOKIE } from './passwordless.js';
import { isSignInPrompt } from './authorize-parameters.js';
import { completeSignIn } from './post-login.js';
import type { InteractionSteps } from './interaction-steps.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The login step of an authorization a magic link started (`/passwordless/verify_redirect` set the cookie):
 * signs the link's user in, or ends at the application's callback with the link's error. False when this
 * login attempt did not come from a magic link of this application.
 */
export async function finishMagicLink(state: MockState, steps: InteractionSteps, ctx: Context, uid: string, promptName: string, params: Record<string, unknown>): Promise<boolean> {
  const ticket = ctx.cookies.get(MAGIC_LINK_COOKIE, { signed: false });
  if (!ticket) return false;
  ctx.cookies.set(MAGIC_LINK_COOKIE, null, { path: '/interaction' });
  const clientId = String(params.client_id);
  const outcome = state.passwordless.takeMagicLogin(ticket, clientId);
  if (!outcome) return false;
  if (!('sub' in outcome)) {
    await steps.finish(ctx, outcome);
    return true;
  }
  state.events.add({ type: 'login.success', clientId, sub: outcome.sub, detail: { connection: 'email', magicLink: true } });
  await completeSignIn({ state, csrf: steps.csrf, finish: steps.finish }, ctx, { uid, params, promptName }, { accountId: outcome.sub });
  return true;
}

/**
 * Universal Login's passwordless path ("Email me a code" on the login page):
 * `GET /interaction/:uid/passwordless` asks for an email, `POST` with it sends a code
 * to the outbox and asks for the code, `POST` with `email` and `code` checks it
 * (core/passwordless.ts: 180 s, the latest code, 3 tries) and completes the login.
 */
export function passwordlessLoginRoutes(router: Router, state: MockState, csrf: InteractionCsrf, steps: InteractionSteps): void {
  const render = (ctx: Context, uid: string, clientId: string, input: { email?: string; error?: string } = {}) => {
    ctx.type = 'html';
    ctx.body = passwordlessPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, ...input });
  };

  router.get('/passwordless', async (ctx) => {
    const { uid, prompt, params } = await steps.details(ctx);
    if (!isSignInPrompt(prompt.name)) fail(400, 'this login attempt is not waiting for credentials');
    render(ctx, uid, String(params.client_id));
  });

  router.post('/passwordless', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { uid, prompt, params } = await steps.details(ctx);
    if (!isSignInPrompt(prompt.name)) fail(400, 'this login attempt is not waiting for credentials');
    const clientId = String(params.client_id);
    const email = (form.get('email') ?? '').trim();
    if (!EMAIL.test(email)) {
      ctx.status = 400;
      return render(ctx, uid, clientId, { error: 'Enter a valid email address.' });
    }
    const code = form.get('code');
    if (code === null) {
      state.passwordless.send('email', email, state.directory.application(clientId)?.name ?? clientId);
      return render(ctx, uid, clientId, { email });
    }
    const checked = state.passwordless.check('email', email, code, () => passwordlessSignIn(state, 'email', email));
    if (checked.outcome !== 'ok') {
      state.events.add({ type: 'login.failed', clientId, error: 'invalid_grant', detail: { connection: 'email', email, reason: checked.outcome } });
      ctx.status = 401;
      // A wrong code may be typed again; an expired or spent one needs a new code.
      return checked.outcome === 'wrong'
        ? render(ctx, uid, clientId, { email, error: 'Wrong email or verification code.' })
        : render(ctx, uid, clientId, { error: checked.outcome === 'expired' ? 'The code has expired: ask for a new one.' : "You've reached the maximum number of attempts: ask for a new code." });
    }
    state.events.add({ type: 'login.success', clientId, sub: checked.sub, detail: { connection: 'email' } });
    await completeSignIn({ state, csrf, finish: steps.finish }, ctx, { uid, params, promptName: prompt.name }, { accountId: checked.sub });
  });
}
