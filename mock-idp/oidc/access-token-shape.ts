import type { Configuration } from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import { organizationClaims, type LoginOrganizations } from '../core/organizations.js';
import { applyDialect, shapeOfApi } from '../core/token-dialect.js';
import { scopeAfterActions } from './actions.js';

type JwtCustomizer = NonNullable<NonNullable<NonNullable<Configuration['formats']>['customizers']>['jwt']>;

/**
 * Gives oidc-provider's JWT access tokens Auth0's shape, in the token dialect
 * of their API (`apis[].tokenDialect`): header `typ` (`JWT` or `at+jwt`),
 * `azp` or `client_id`, `jti` only in RFC 9068, `permissions` in the `_authz`
 * dialects (RBAC permissions of the user, the client grant's for client
 * credentials); `aud` = [API, `<issuer>userinfo`] when `openid` was granted,
 * tenant custom claims, and for client credentials `sub` =
 * `<client_id>@clients` and the client grant's permissions as `scope`;
 * the Actions' addScope / removeScope change `scope`; a login through an
 * organization adds `org_id` (`org_name`) and the member's organization roles' permissions.
 */
export function accessTokenShape(directory: Directory, organizations: LoginOrganizations): JwtCustomizer {
  return (ctx, token, jwt) => {
    const { payload } = jwt;
    const clientId = String(payload.client_id);
    const audience = String(payload.aud);
    const api = directory.api(audience);
    const shape = shapeOfApi(api);
    jwt.header = { typ: shape.typ };
    if (token.kind === 'ClientCredentials') {
      const granted = directory.clientGrantOf(clientId, audience) ?? [];
      const scope = scopeAfterActions(token, typeof payload.scope === 'string' ? payload.scope.split(' ') : granted);
      payload.sub = `${clientId}@clients`;
      payload.scope = scope.join(' ');
      applyDialect(payload, shape, clientId, 'client-credentials', () => scope);
      return;
    }
    const scopes = scopeAfterActions(token, typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    if (scopes.length) payload.scope = scopes.join(' ');
    if (scopes.includes('openid')) payload.aud = [audience, `${ctx.oidc.provider.issuer}userinfo`];
    const sub = String(payload.sub);
    const gty = 'gty' in token && token.gty === 'password' ? 'password' : undefined;
    // Auth0 computes permissions with RBAC on only.
    const orgId = organizations.get(sub, clientId);
    applyDialect(payload, shape, clientId, gty, () => (api?.rbac.enabled ? directory.permissionsOf(sub, audience, orgId) : undefined));
    Object.assign(payload, directory.person(sub)?.claims, organizationClaims(directory, orgId));
  };
}
