import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInput } from '../../core/errors.js';
import { signInSocialIdentity } from '../../core/tenant/edits.js';
import type { SocialConnection } from '../../core/tenant/schema.js';
import { fail } from '../errors.js';
import { socialProviderPage } from '../views/social-provider-page.js';
import type { InteractionSteps } from './interaction-steps.js';
import { completeSignIn } from './post-login.js';

/**
 * The simulated social connections: the login page's one-click buttons (the connection's fixed user)
 * and the simulated provider page, `GET /interaction/:uid/social/:connection`, where a tester picks a
 * known identity or types a new one (email, name, email_verified) whose first login creates the user.
 */
export function socialRoutes(router: Router, steps: InteractionSteps): void {
  const { state, csrf } = steps;
  const enabledConnection = (name: string | null | undefined): SocialConnection => {
    const connection = state.directory.tenant.socialConnections.find((c) => c.enabled && c.name === name);
    if (!connection) fail(400, `no enabled social connection "${name ?? ''}"`);
    return connection;
  };
  const render = (ctx: Context, uid: string, clientId: string, connection: SocialConnection, problem?: { error: string; typed: { email: string; name: string; emailVerified: boolean } }) => {
    ctx.type = 'html';
    ctx.body = socialProviderPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, connection, error: problem?.error, typed: problem?.typed });
  };

  router.get('/social/:connection', async (ctx) => {
    const { uid, params } = await steps.signingIn(ctx);
    render(ctx, uid, String(params.client_id), enabledConnection(ctx.params.connection));
  });

  router.post('/social', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const attempt = await steps.signingIn(ctx);
    const connection = enabledConnection(form.get('connection'));
    const account = form.get('account');
    const email = form.get('email');
    if (account !== null) {
      if (![connection.user, ...connection.users].some((u) => u.sub === account)) fail(400, `"${account}" is not an account of ${connection.name}`);
      return completeSignIn(steps, ctx, attempt, { accountId: account });
    }
    // No account and no email: the login page's one-click button, the connection's fixed user.
    if (email === null) return completeSignIn(steps, ctx, attempt, { accountId: connection.user.sub });
    const typed = { email, name: form.get('name') ?? '', emailVerified: form.get('email_verified') === 'true' };
    let sub: string;
    try {
      sub = signInSocialIdentity(state, connection.name, typed).sub;
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      ctx.status = 400;
      return render(ctx, attempt.uid, String(attempt.params.client_id), connection, { error: 'Enter a valid email address.', typed });
    }
    return completeSignIn(steps, ctx, attempt, { accountId: sub });
  });
}
