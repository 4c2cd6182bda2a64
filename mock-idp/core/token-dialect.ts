import { DEFAULTS } from './tenant/defaults.js';
import type { Api, TokenDialect } from './tenant/schema.js';

/** What an access token of one Auth0 token dialect looks like (auth0.com/docs/secure/tokens/access-tokens/access-token-profiles). */
export interface DialectShape {
  readonly dialect: TokenDialect;
  /** The JOSE header `typ`: `JWT` for the Auth0 profile, `at+jwt` for RFC 9068. */
  readonly typ: 'JWT' | 'at+jwt';
  /** The claim naming the application: `azp` (Auth0 profile) or `client_id` (RFC 9068). */
  readonly clientClaim: 'azp' | 'client_id';
  /** RFC 9068 tokens carry a `jti`; the Auth0 profile's do not. */
  readonly jti: boolean;
  /** The Auth0 profile says how the token was obtained (`gty`); RFC 9068 does not use it. */
  readonly gty: boolean;
  /** The `_authz` dialects carry the `permissions` claim. */
  readonly permissions: boolean;
}

/**
 * The one source of truth for an API's dialect: `tokenDialect` when the tenant
 * gives it, else the "Add Permissions in the Access Token" toggle on the Auth0
 * profile (as Auth0's dashboard turns `access_token` into `access_token_authz`).
 */
export function tokenDialectOf(api: Pick<Api, 'tokenDialect' | 'rbac'> | undefined): TokenDialect {
  if (api?.tokenDialect !== undefined) return api.tokenDialect;
  const withPermissions = api?.rbac.addPermissionsInAccessToken ?? DEFAULTS.addPermissionsInAccessToken;
  return withPermissions ? DEFAULTS.tokenDialect.withPermissions : DEFAULTS.tokenDialect.withoutPermissions;
}

export function dialectShape(dialect: TokenDialect): DialectShape {
  const rfc9068 = dialect.startsWith('rfc9068_profile');
  return {
    dialect,
    typ: rfc9068 ? 'at+jwt' : 'JWT',
    clientClaim: rfc9068 ? 'client_id' : 'azp',
    jti: rfc9068,
    gty: !rfc9068,
    permissions: dialect.endsWith('_authz'),
  };
}

/** The shape of the access tokens of an API (the default dialect for an unknown one). */
export function shapeOfApi(api: Pick<Api, 'tokenDialect' | 'rbac'> | undefined): DialectShape {
  return dialectShape(tokenDialectOf(api));
}

/**
 * Puts an access token's payload in its API's token dialect: oidc-provider
 * writes RFC 9068 claims (`client_id`, `jti`); the Auth0 profile names the
 * client in `azp`, has no `jti` and says how the token was obtained in `gty`
 * (`gty` as given: `client-credentials`, `password`, or none for a login).
 * `permissions` only in the `_authz` dialects (and when `permissions()` gives them).
 */
export function applyDialect(payload: Record<string, unknown>, shape: DialectShape, clientId: string, gty: string | undefined, permissions: () => string[] | undefined): void {
  delete payload.client_id;
  delete payload.azp;
  payload[shape.clientClaim] = clientId;
  if (!shape.jti) delete payload.jti;
  if (shape.gty && gty !== undefined) payload.gty = gty;
  else delete payload.gty;
  const granted = shape.permissions ? permissions() : undefined;
  if (granted) payload.permissions = granted;
  else delete payload.permissions;
}
