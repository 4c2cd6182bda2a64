import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInput } from '../../core/errors.js';
import type { MockState } from '../../core/state.js';
import { signInSocialIdentity } from '../../core/tenant/edits.js';
import type { SocialConnection } from '../../core/tenant/schema.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { socialProviderPage } from '../views/social-provider-page.js';
import { isSignInPrompt } from './authorize-parameters.js';
import type { InteractionSteps } from './interaction-steps.js';
import { completeSignIn } from './post-login.js';

/** Signs the connection's person in (the fixed user unless `sub` names another of its people) and continues the authorization. */
export async function finishSocialLogin(state: MockState, steps: InteractionSteps, ctx: Context, promptName: string, clientId: string, connection: SocialConnection, sub = connection.user.sub): Promise<void> {
  state.events.add({ type: 'login.success', clientId, sub, detail: { connection: connection.name } });
  const { uid, params } = await steps.details(ctx);
  await completeSignIn({ state, csrf: steps.csrf, finish: steps.finish }, ctx, { uid, params, promptName }, { accountId: sub });
}

/**
 * The simulated social connections: the login page's one-click buttons (the connection's fixed user)
 * and the simulated provider page, `GET /interaction/:uid/social/:connection`, where a tester picks a
 * known identity or types a new one (email, name, email_verified) whose first login creates the user.
 */
export function socialRoutes(router: Router, state: MockState, csrf: InteractionCsrf, steps: InteractionSteps): void {
  const enabledConnection = (name: string | null | undefined): SocialConnection => {
    const connection = state.directory.tenant.socialConnections.find((c) => c.enabled && c.name === name);
    if (!connection) fail(400, `no enabled social connection "${name ?? ''}"`);
    return connection;
  };
  const signingIn = async (ctx: Context) => {
    const found = await steps.details(ctx);
    if (!isSignInPrompt(found.prompt.name)) fail(400, 'this login attempt is not waiting for credentials');
    return found;
  };
  const render = (ctx: Context, uid: string, clientId: string, connection: SocialConnection, problem?: { error: string; typed: { email: string; name: string; emailVerified: boolean } }) => {
    ctx.type = 'html';
    ctx.body = socialProviderPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, connection, error: problem?.error, typed: problem?.typed });
  };

  router.get('/social/:connection', async (ctx) => {
    const { uid, params } = await signingIn(ctx);
    render(ctx, uid, String(params.client_id), enabledConnection(ctx.params.connection));
  });

  router.post('/social', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { uid, prompt, params } = await signingIn(ctx);
    const clientId = String(params.client_id);
    const connection = enabledConnection(form.get('connection'));
    const account = form.get('account');
    const email = form.get('email');
    if (account !== null) {
      if (![connection.user, ...connection.users].some((u) => u.sub === account)) fail(400, `"${account}" is not an account of ${connection.name}`);
      return finishSocialLogin(state, steps, ctx, prompt.name, clientId, connection, account);
    }
    if (email === null) return finishSocialLogin(state, steps, ctx, prompt.name, clientId, connection);
    const typed = { email, name: form.get('name') ?? '', emailVerified: form.get('email_verified') === 'true' };
    try {
      const { sub } = signInSocialIdentity(state, connection.name, typed);
      return await finishSocialLogin(state, steps, ctx, prompt.name, clientId, connection, sub);
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      ctx.status = 400;
      return render(ctx, uid, clientId, connection, { error: 'Enter a valid email address.', typed });
    }
  });
}
