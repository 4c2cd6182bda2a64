import type { Configuration } from 'oidc-provider';
import type { Directory } from '../core/directory.js';

type JwtCustomizer = NonNullable<NonNullable<NonNullable<Configuration['formats']>['customizers']>['jwt']>;

/**
 * Gives oidc-provider's JWT access tokens Auth0's shape:
 * `aud` = [API, `<issuer>userinfo`] when `openid` was granted, `azp`,
 * RBAC `permissions`, tenant custom claims, and for client credentials
 * `sub` = `<client_id>@clients`, `gty: "client-credentials"` and the client
 * grant's permissions as `scope`; a password grant's token says `gty: "password"`.
 */
export function accessTokenShape(directory: Directory): JwtCustomizer {
  return (ctx, token, jwt) => {
    const { payload } = jwt;
    const clientId = String(payload.client_id);
    const audience = String(payload.aud);
    delete payload.client_id;
    payload.azp = clientId;
    if (token.kind === 'ClientCredentials') {
      const granted = directory.clientGrantOf(clientId, audience) ?? [];
      const scope = typeof payload.scope === 'string' ? payload.scope.split(' ') : granted;
      payload.sub = `${clientId}@clients`;
      payload.scope = scope.join(' ');
      payload.gty = 'client-credentials';
      payload.permissions = scope;
      return;
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (scopes.includes('openid')) payload.aud = [audience, `${ctx.oidc.provider.issuer}userinfo`];
    const sub = String(payload.sub);
    const api = directory.api(audience);
    if (api?.rbac.enabled && api.rbac.addPermissionsInAccessToken) payload.permissions = directory.permissionsOf(sub, audience);
    if ('gty' in token && token.gty === 'password') payload.gty = 'password';
    Object.assign(payload, directory.person(sub)?.claims);
  };
}
