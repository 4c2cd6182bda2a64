import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { passwordLogin } from '../../core/password-login.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { releasedClaims } from '../../core/claims.js';
import { clientAddress } from '../client-address.js';
import { TooManyAttempts, UserBlocked, WrongCredentials } from '../errors.js';
import { applyRequestedScopes } from '../granted-scopes.js';
import { resourceIndicators } from '../resource-servers.js';
import type { Directory } from '../../core/directory.js';
import type { User } from '../../core/tenant/schema.js';

/** Auth0's resource owner password grant, and its variant naming the connection (`realm`). */
export const PASSWORD_GRANTS = ['password', 'http://auth0.com/oauth/grant-type/password-realm'] as const;
export const PASSWORD_GRANT_PARAMETERS = ['username', 'password', 'scope', 'audience', 'realm'];

/** What `provider.registerGrantType` takes: the grant's handler. */
export type GrantHandler = Parameters<Provider['registerGrantType']>[1];

/** A non-empty string parameter of the token request. */
export const param = (ctx: KoaContextWithOIDC, name: string): string | undefined => {
  const value = ctx.oidc.params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * `grant_type=password` (and `password-realm`) as on Auth0: a highly trusted
 * application sends the user's credentials and gets the same tokens a login
 * would give (RBAC scope and permissions for `audience`, an ID token with
 * `openid`, a rotating refresh token with `offline_access`). The application
 * must list the grant in `grantTypes`; oidc-provider has already
 * authenticated it. Failed attempts count towards brute-force protection
 * (429 `too_many_attempts` once the user is blocked from the caller's
 * address). Registered with oidc-provider's `registerGrantType`.
 */
export function passwordGrant(state: MockState, directory: Directory): GrantHandler {
  const resources = resourceIndicators(directory);
  return async (ctx) => {
    const { client } = ctx.oidc;
    if (!client) throw new errors.InvalidClient('client authentication failed');
    const username = param(ctx, 'username');
    const password = param(ctx, 'password');
    if (!username || !password) throw new errors.InvalidRequest(`missing required parameter '${username ? 'password' : 'username'}'`);
    if (param(ctx, 'grant_type') === PASSWORD_GRANTS[1]) {
      const realm = param(ctx, 'realm');
      if (realm !== DEFAULTS.databaseConnection) throw new errors.InvalidRequest(realm ? `unknown realm '${realm}': the users of this tenant are in '${DEFAULTS.databaseConnection}'` : "missing required parameter 'realm'");
    }
    // The same brute-force counter as the login page, per user and the caller's address.
    const login = passwordLogin(state, { username, password, ip: clientAddress(ctx.req, ctx.app.proxy), clientId: client.clientId, via: 'password grant' });
    if (login.outcome === 'wrong-credentials') throw new WrongCredentials();
    if (login.outcome === 'too-many-attempts') throw new TooManyAttempts();
    if (login.outcome === 'user-blocked') throw new UserBlocked();
    const { user } = login;

    // MFA on (the tenant policy, or an Action's requirement): Auth0's 403 mfa_required with an MFA token for the /mfa API and the mfa-* grants.
    if (state.mfa.required({ user, clientId: client.clientId })) {
      const mfaToken = state.mfa.issueToken({ sub: user.sub, clientId: client.clientId, scope: param(ctx, 'scope') ?? '', audience: param(ctx, 'audience') });
      state.events.add({ type: 'mfa.challenged', clientId: client.clientId, sub: user.sub, error: 'mfa_required' });
      ctx.status = 403;
      ctx.body = { error: 'mfa_required', error_description: 'Multifactor authentication required', mfa_token: mfaToken };
      return;
    }
    await issueUserTokens(ctx, directory, resources, user, { scope: param(ctx, 'scope'), audience: param(ctx, 'audience'), amr: ['pwd'], gty: 'password', idTokenClaims: state.actions?.changesFor(user.sub, client.clientId)?.idToken }, state.clock.nowSeconds());
  };
}

/**
 * The tokens a grant for a user gives, as a login would: RBAC scope and permissions for `audience`,
 * an ID token with `openid` (its `amr`: how the user authenticated), a rotating refresh token with
 * `offline_access`. Shared by the password grant and the MFA grants that complete it.
 */
export async function issueUserTokens(
  ctx: KoaContextWithOIDC,
  directory: Directory,
  resources: ReturnType<typeof resourceIndicators>,
  user: Pick<User, 'sub'>,
  request: { scope: string | undefined; audience: string | undefined; amr: string[]; gty: string; idTokenClaims?: Record<string, unknown> | undefined },
  authTime: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { client, provider } = ctx.oidc;
  if (!client) throw new errors.InvalidClient('client authentication failed');
  const { audience, amr, gty } = request;
  // Unknown APIs answer 403 access_denied "Service not found", as on the other grants; before anything is saved.
  const resourceServer = audience ? new provider.ResourceServer(audience, await resources.getResourceServerInfo!(ctx, audience, client)) : undefined;
  const requested = new Set((request.scope ?? '').split(' ').filter(Boolean));
  const grant = new provider.Grant({ accountId: user.sub, clientId: client.clientId });
  applyRequestedScopes(grant, { accountId: user.sub, scope: [...requested].join(' '), audiences: audience ? [audience] : [] }, directory);
  const grantId = await grant.save();
  const oidcScope = grant.getOIDCScopeFiltered(requested);
  const oidcScopes = oidcScope.split(' ');

  const at = new provider.AccessToken({ accountId: user.sub, client, grantId, gty });
  if (audience && resourceServer) {
    at.resourceServer = resourceServer;
    at.scope = grant.getResourceScopeFiltered(audience, requested);
  } else {
    at.scope = oidcScope;
  }
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  let refreshToken: string | undefined;
  if (oidcScopes.includes('offline_access') && client.grantTypeAllowed('refresh_token')) {
    const scope = [...new Set([...oidcScopes, ...(at.scope ?? '').split(' ')])].filter(Boolean).join(' ');
    const rt = new provider.RefreshToken({ accountId: user.sub, client, grantId, gty, scope, rotations: 0, authTime, amr, ...(audience ? { resource: audience } : {}) });
    ctx.oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
  }

  let idToken: string | undefined;
  if (oidcScopes.includes('openid')) {
    const token = new provider.IdToken({ sub: user.sub }, { ctx });
    // The claims the granted scopes release, as in an ID token of the code flow (no sid: there is no login session).
    const person = directory.person(user.sub);
    for (const [name, value] of Object.entries({ ...(person ? releasedClaims(person, oidcScopes) : {}), ...request.idTokenClaims, sub: user.sub, auth_time: authTime, ...(amr.length ? { amr } : {}) })) token.set(name, value);
    idToken = String(await token.issue({ use: 'idtoken' }));
  }

  ctx.body = {
    access_token: accessToken,
    ...(idToken ? { id_token: idToken } : {}),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: at.scope,
    expires_in: at.expiration,
    token_type: at.tokenType,
    ...extra,
  };
}
