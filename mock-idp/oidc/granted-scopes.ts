import type { Configuration, Grant, KoaContextWithOIDC } from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import type { LoginOrganizations } from '../core/organizations.js';
import { OIDC_SCOPES } from './resource-servers.js';

export interface GrantRequest {
  accountId: string;
  /** The `scope` parameter of the authorization request. */
  scope: string | undefined;
  /** APIs (audiences) the request names. */
  audiences: string[];
  /** The organization the user logged in through: their roles in it add permissions. */
  organization?: string | undefined;
}

/**
 * What a user's grant holds, the Auth0 way: the requested OIDC scopes
 * (`offline_access` only where every requested API allows offline access)
 * and, per API, the requested permissions the user's roles give them when
 * RBAC is on (Auth0 grants the intersection of requested and assigned).
 */
export function applyRequestedScopes(grant: InstanceType<typeof Grant>, request: GrantRequest, directory: Directory): void {
  const requested = new Set((request.scope ?? '').split(' ').filter(Boolean));
  const apis = request.audiences.map((aud) => directory.api(aud)).filter((api) => api !== undefined);
  const offlineAllowed = apis.every((api) => api.allowOfflineAccess);
  const oidcRequested = OIDC_SCOPES.filter((s) => requested.has(s));
  const oidc = oidcRequested.filter((s) => s !== 'offline_access' || offlineAllowed);
  const without = (all: readonly string[], granted: readonly string[]) => all.filter((s) => !granted.includes(s)).join(' ');
  // Denied scopes are recorded as rejected, so no consent prompt asks for them again (Auth0 drops them silently).
  if (oidc.length) grant.addOIDCScope(oidc.join(' '));
  if (oidc.length < oidcRequested.length) grant.rejectOIDCScope(without(oidcRequested, oidc));
  for (const api of apis) {
    const assigned = api.rbac.enabled ? new Set(directory.permissionsOf(request.accountId, api.identifier, request.organization)) : undefined;
    const permissionsRequested = api.permissions.map((p) => p.value).filter((p) => requested.has(p));
    const permissions = permissionsRequested.filter((p) => assigned === undefined || assigned.has(p));
    const all = [...oidcRequested, ...permissionsRequested];
    const granted = [...oidc, ...permissions];
    grant.addResourceScope(api.identifier, granted.join(' '));
    if (granted.length < all.length) grant.rejectResourceScope(api.identifier, without(all, granted));
  }
}

export function audiencesOf(ctx: KoaContextWithOIDC): string[] {
  return Object.keys(ctx.oidc.resourceServers ?? {});
}

/**
 * Consent is skipped for first-party applications (Auth0's default): their
 * grant is created or extended here with what the request asks. A
 * third-party application's grant is only what the user consented to.
 */
export function grantLoader(directory: Directory, organizations: LoginOrganizations): NonNullable<Configuration['loadExistingGrant']> {
  return async (ctx) => {
    const { client, session, provider } = ctx.oidc;
    if (!client || !session?.accountId) return undefined;
    const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (!directory.application(client.clientId)?.firstParty) return existing;
    const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    const organization = organizations.get(session.accountId, client.clientId);
    applyRequestedScopes(grant, { accountId: session.accountId, scope: ctx.oidc.params?.scope as string | undefined, audiences: audiencesOf(ctx), organization }, directory);
    await grant.save();
    return grant;
  };
}
