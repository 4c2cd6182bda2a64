import Router from '@koa/router';
import type { Context } from 'koa';
import type { MockState } from '../../core/state.js';
import { readForm } from '../../oidc/body.js';
import { fail } from '../errors.js';
import { continueSignIn } from './post-login.js';
import type { InteractionSteps } from './interaction-steps.js';

/** A POSTed `/continue` (Auth0 recommends POST for a session token): its form, else nothing. */
async function formOf(ctx: Context): Promise<URLSearchParams | undefined> {
  return ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded') ? readForm(ctx) : undefined;
}

const stateOf = (ctx: Context, form: URLSearchParams | undefined): string | undefined => {
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : (form?.get('state') ?? undefined);
  return state === '' ? undefined : state;
};

/**
 * Auth0's `/continue?state=` (GET or POST), where the site a post-login Action redirected to sends the
 * browser back. The paused login is found by its `state` and the browser is sent on to its login attempt
 * (`/interaction/<uid>/continue`, where oidc-provider's interaction cookie is sent): 303 for a GET, 307
 * for a POST so that the browser sends its body (a session token) again. An unknown or expired state is
 * Auth0's `invalid_request`.
 */
export function continueRoute(state: MockState): Router {
  const router = new Router({ sensitive: true });
  const handle = async (ctx: Context) => {
    const continueState = stateOf(ctx, await formOf(ctx));
    if (!continueState) fail(400, 'Missing required parameter: state', 'invalid_request');
    const paused = state.actions?.paused(continueState);
    if (!paused) fail(400, 'the state of this /continue is unknown or expired: start again from the application', 'invalid_request');
    const query = new URLSearchParams(ctx.querystring);
    query.set('state', continueState);
    ctx.status = ctx.method === 'POST' ? 307 : 303;
    ctx.redirect(`/interaction/${encodeURIComponent(paused.uid)}/continue?${query}`);
  };
  router.get('/continue', handle);
  router.post('/continue', handle);
  return router;
}

/** `GET|POST /interaction/:uid/continue?state=`: the paused login resumes (post-login.ts `continueSignIn`). */
export function continueRoutes(router: Router, steps: InteractionSteps): void {
  const handle = async (ctx: Context) => {
    const form = await formOf(ctx);
    const attempt = await steps.signingIn(ctx, 'a redirect to come back', 'invalid_request');
    const continueState = stateOf(ctx, form);
    if (!continueState) fail(400, 'Missing required parameter: state', 'invalid_request');
    const body = form ? Object.fromEntries(form) : {};
    await continueSignIn(steps, ctx, attempt, continueState, body);
  };
  router.get('/continue', handle);
  router.post('/continue', handle);
}
