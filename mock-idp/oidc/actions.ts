import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { ActionFailure, TokenChanges } from '../core/actions/types.js';
import type { MockState } from '../core/state.js';
import { clientAddress } from './client-address.js';
import { PASSWORD_GRANTS } from './grant-types/password.js';

type ExtraTokenClaims = NonNullable<Configuration['extraTokenClaims']>;
type IssuedToken = Parameters<ExtraTokenClaims>[1];

/** Auth0's `event.transaction.protocol` of the token requests that run the post-login trigger. */
const RUNS_POST_LOGIN: Record<string, string> = {
  refresh_token: 'oauth2-refresh-token',
  [PASSWORD_GRANTS[0]]: 'oauth2-password',
  [PASSWORD_GRANTS[1]]: 'oauth2-password',
};

/** A denied or failed trigger at the token endpoint: Auth0's error (403 `access_denied` for users; the deny's code, 400, for client credentials). */
class ActionRefused extends errors.OIDCProviderError {
  constructor(failure: ActionFailure, status: number) {
    super(status, failure.code);
    Object.assign(this, { error_description: failure.description });
  }
}

const stringParam = (ctx: KoaContextWithOIDC, name: string): string | undefined => {
  const value = ctx.oidc.params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The changes of the trigger run for each token being issued (read again by the JWT customizer for `scope`). */
const changesOfToken = new WeakMap<object, TokenChanges>();

/** The scope of an access token after the Actions' addScope / removeScope. */
export function scopeAfterActions(token: object, scopes: string[]): string[] {
  const changes = changesOfToken.get(token);
  if (!changes) return scopes;
  const removed = new Set(changes.removeScopes);
  return [...new Set([...scopes, ...changes.addScopes])].filter((s) => !removed.has(s));
}

/**
 * oidc-provider's documented `extraTokenClaims`: the access token claims of the tenant's Actions.
 * Client credentials run the credentials-exchange trigger; refresh-token and password grants run
 * the post-login trigger (as Auth0 does); tokens of an interactive login take the changes of the
 * post-login run of that login (core/actions, run by the login routes).
 */
export function actionTokenClaims(state: MockState): ExtraTokenClaims {
  return async (ctx, token: IssuedToken) => {
    const actions = state.actions;
    if (!actions) return undefined;
    // The hot path of client-credentials issuance: no credentials-exchange action, nothing to run or build.
    if (token.kind === 'ClientCredentials' && state.tenant.actions.credentialsExchange.length === 0) return undefined;
    const request = { ip: clientAddress(ctx.req, ctx.app.proxy), hostname: ctx.hostname, user_agent: ctx.get('user-agent'), body: {} };
    const requestedScopes = (stringParam(ctx, 'scope') ?? '').split(' ').filter(Boolean);
    let changes: TokenChanges | undefined;
    if (token.kind === 'ClientCredentials') {
      const audience = String((token as { aud?: unknown }).aud ?? token.resourceServer?.identifier() ?? stringParam(ctx, 'audience') ?? '');
      const outcome = await actions.credentialsExchange({ clientId: String(token.clientId), audience, requestedScopes, request });
      if (!outcome.ok) throw new ActionRefused(outcome.failure, 400);
      changes = outcome.changes;
    } else {
      const sub = (token as { accountId?: string }).accountId;
      const clientId = String(token.clientId);
      if (!sub) return undefined;
      const protocol = RUNS_POST_LOGIN[stringParam(ctx, 'grant_type') ?? ''];
      if (protocol) {
        const outcome = await actions.postLogin({ sub, clientId, protocol, requestedScopes: requestedScopes.length ? requestedScopes : String(token.scope ?? '').split(' '), audience: token.resourceServer?.identifier(), request });
        // Without a login attempt (uid) the runner turns a redirect into a failure: no 'redirect' outcome here.
        if (outcome.ok !== true) throw new ActionRefused(outcome.ok === false ? outcome.failure : { code: 'interaction_required', description: 'redirect' }, 403);
        if (outcome.multifactor) state.events.add({ type: 'action.mfa_ignored', sub, clientId, error: 'not_interactive', detail: { protocol } });
        changes = outcome.changes;
      } else {
        changes = actions.changesFor(sub, clientId);
      }
    }
    if (!changes) return undefined;
    changesOfToken.set(token, changes);
    return Object.keys(changes.accessToken).length ? structuredClone(changes.accessToken) : undefined;
  };
}
