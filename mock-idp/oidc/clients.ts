import type { ClientAuthMethod, ClientMetadata, ResponseType } from 'oidc-provider';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Application } from '../core/tenant/schema.js';

/**
 * Auth0's response types as oidc-provider 9 serves them. `token` alone, which
 * oidc-provider removed in v7, runs as `id_token token` (token-only-response.ts).
 * The implicit and hybrid ones need a `nonce` (OIDC Core 3.2.2.1, 3.3.2.11).
 */
export const RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const;

/** What discovery lists in `response_types_supported`: Auth0's types, `token` alone included. */
export const ADVERTISED_RESPONSE_TYPES = ['code', 'token', ...RESPONSE_TYPES.slice(1)] as const;

/** The token endpoint authentication method of an application (Auth0 defaults: `client_secret_post`, `none` for SPA and native). */
function authMethodOf(app: Application): ClientAuthMethod {
  const isPublic = app.appType === 'spa' || app.appType === 'native';
  return app.tokenEndpointAuthMethod ?? DEFAULTS.tokenEndpointAuthMethod[isPublic ? 'public' : 'confidential'];
}

/** A public client: it authenticates with no secret at the token endpoint. */
export function isPublicApplication(app: Application): boolean {
  return authMethodOf(app) === 'none';
}

/**
 * The response types an interactive application may ask for, from its grant
 * types as on Auth0: `code` needs `authorization_code`, a token or ID token
 * from /authorize needs `implicit` (the hybrid types need both).
 */
function responseTypesOf(grantTypes: readonly string[]): ResponseType[] {
  const code = grantTypes.includes('authorization_code');
  const implicit = grantTypes.includes('implicit');
  return RESPONSE_TYPES.filter((type) => (type.includes('code') ? code : true) && (type === 'code' || implicit));
}

/** A tenant application as oidc-provider client metadata. */
export function toClientMetadata(app: Application): ClientMetadata {
  const interactive = app.appType !== 'm2m';
  const grantTypes = app.grantTypes ?? DEFAULTS.grantTypes[app.appType];
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.clientSecret !== undefined ? { client_secret: app.clientSecret } : {}),
    token_endpoint_auth_method: authMethodOf(app),
    application_type: app.appType === 'native' ? 'native' : 'web',
    // oidc-provider adds `implicit` itself for the front-channel response types; listed here, it
    // would refuse http and localhost URLs for it (the mock's apps are local).
    grant_types: grantTypes.filter((type) => type !== 'implicit'),
    response_types: interactive ? responseTypesOf(grantTypes) : [],
    redirect_uris: app.callbacks,
    post_logout_redirect_uris: app.allowedLogoutUrls,
    // Auth0's logout tokens name the session as well as the user.
    ...(app.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    id_token_signed_response_alg: 'RS256',
  };
}
