import type Router from '@koa/router';
import type { Context } from 'koa';
import { asksForMfa, MFA_ACR, TOO_MANY_CODES_MESSAGE } from '../../core/mfa.js';
import type { MockState } from '../../core/state.js';
import type { User } from '../../core/tenant/schema.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { mfaPage } from '../views/mfa-page.js';
import type { MultifactorRequest } from '../../core/actions/types.js';
import { signInResult } from './authorize-parameters.js';
import { type InteractionSteps, type SignInAttempt, type SignInEnd, type SignInOptions, signedIn } from './interaction-steps.js';

/** Universal Login's message for a wrong one-time code. */
const WRONG_CODE = 'The code you entered is invalid';

/**
 * Auth0's `amr` after a login with a second factor: `["mfa"]` (Auth0's docs: an app checks that `amr`
 * contains `mfa`). Auth0 adds `acr` (MFA_ACR) only when the app asked for it with `acr_values`.
 */
export const MFA_AMR = ['mfa'];

/** The login result of a right second factor: `amr: ["mfa"]`, and the multi-factor `acr` when `acr_values` asked for it. */
const mfaLogin = (accountId: string, params: Record<string, unknown>) => ({ accountId, amr: MFA_AMR, ...(asksForMfa(params.acr_values) ? { acr: MFA_ACR } : {}) });

function renderMfa(state: MockState, csrf: InteractionCsrf, ctx: Context, uid: string, clientId: string, user: User, error?: string) {
  const enrolment = state.mfa.secretOf(user) ? undefined : state.mfa.enrolment(user);
  ctx.type = 'html';
  ctx.body = mfaPage({
    uid,
    csrfToken: csrf.token(uid),
    appName: state.directory.application(clientId)?.name ?? clientId,
    email: user.email,
    sub: user.sub,
    error,
    ...(enrolment ? { enrolment: { secret: enrolment.secret, uri: enrolment.uri } } : {}),
  });
}

/**
 * The one-time-code step of a login whose post-login Actions are done (post-login.ts decides: an Action's
 * `api.multifactor.enable`, `acr_values` asking for the multi-factor policy, or the tenant policy): the code page (the enrolment screen for a user without
 * an authenticator); its POST completes the login.
 */
export async function startMfaStep(end: SignInEnd, ctx: Context, attempt: SignInAttempt, clientId: string, user: User, asked: MultifactorRequest | undefined, detail: SignInOptions['detail']): Promise<void> {
  const { state, csrf } = end;
  const { uid } = attempt;
  await end.note(ctx, { ...attempt.notes, mfa: { sub: user.sub, clientId, ...(detail ? { detail } : {}) } });
  state.events.add({ type: 'mfa.challenged', clientId, sub: user.sub, detail: { enrolment: !state.mfa.secretOf(user), ...(asked ? { action: asked.provider } : {}) } });
  renderMfa(state, csrf, ctx, uid, clientId, user);
}

/** `POST /interaction/:uid/mfa`: a wrong code shows the step again (401; 429 once locked), a right one completes the login with `amr: ["mfa"]`. */
export function mfaRoutes(router: Router, steps: InteractionSteps): void {
  const { state, csrf } = steps;
  router.post('/mfa', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { uid, promptName, params, notes } = await steps.signingIn(ctx, 'a one-time code');
    const waiting = notes.mfa;
    const user = waiting && state.directory.findUser(waiting.sub);
    if (!waiting || !user) fail(400, 'this login attempt is not waiting for a one-time code: start again from the application');
    const { clientId } = waiting;
    const outcome = state.mfa.check(user, (form.get('code') ?? '').trim());
    if (outcome !== 'ok') {
      state.events.add({ type: 'login.failed', clientId, sub: user.sub, error: outcome === 'too-many' ? 'too_many_attempts' : 'invalid_otp', detail: { factor: 'otp' } });
      ctx.status = outcome === 'too-many' ? 429 : 401;
      return renderMfa(state, csrf, ctx, uid, clientId, user, outcome === 'too-many' ? TOO_MANY_CODES_MESSAGE : WRONG_CODE);
    }
    // The Actions ran before this step: the login completes as they left it.
    signedIn(state, clientId, user.sub, { ...waiting.detail, mfa: 'otp' });
    await steps.finish(ctx, signInResult(promptName, mfaLogin(user.sub, params)));
  });
}
