import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { MockState } from '../../core/state.js';
import { clientAddress } from '../../oidc/client-address.js';
import { signInResult } from './authorize-parameters.js';

/**
 * The interaction result of a sign-in once the tenant's post-login Actions ran for it: the login
 * (signInResult), or the Actions' refusal, which oidc-provider sends to the application's callback
 * (`error=access_denied&error_description=<reason>`) with no session created.
 */
export async function signInAfterActions(state: MockState, ctx: Context, params: Record<string, unknown>, promptName: string, login: NonNullable<InteractionResults['login']>): Promise<InteractionResults> {
  const actions = state.actions;
  if (actions) {
    const query = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string'));
    const outcome = await actions.postLogin({
      sub: login.accountId,
      clientId: String(params.client_id),
      protocol: 'oidc-basic-profile',
      requestedScopes: String(params.scope ?? '').split(' ').filter(Boolean),
      audience: typeof params.audience === 'string' ? params.audience : undefined,
      request: { ip: clientAddress(ctx.req, ctx.app.proxy), hostname: ctx.hostname, user_agent: ctx.get('user-agent'), query },
    });
    if (!outcome.ok) return { error: outcome.failure.code, error_description: outcome.failure.description };
  }
  return signInResult(promptName, login);
}
