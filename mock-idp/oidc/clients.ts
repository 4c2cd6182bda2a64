import type { ClientMetadata } from 'oidc-provider';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Application } from '../core/tenant/schema.js';

/**
 * Auth0's response types, as far as oidc-provider 9 serves them: every one but
 * `token` alone, which oidc-provider removed in v7 (docs/auth0-differences.md).
 * The implicit and hybrid ones need a `nonce` (OIDC Core 3.2.2.1, 3.3.2.11).
 */
export const RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const;

/** A tenant application as oidc-provider client metadata (Auth0 defaults: `client_secret_post`, code flow). */
export function toClientMetadata(app: Application): ClientMetadata {
  const isPublic = app.appType === 'spa' || app.appType === 'native';
  const interactive = app.appType !== 'm2m';
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.clientSecret !== undefined ? { client_secret: app.clientSecret } : {}),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod ?? DEFAULTS.tokenEndpointAuthMethod[isPublic ? 'public' : 'confidential'],
    application_type: app.appType === 'native' ? 'native' : 'web',
    grant_types: [...(app.grantTypes ?? DEFAULTS.grantTypes[app.appType])],
    // oidc-provider adds the implicit grant itself for the types that need it.
    response_types: interactive ? [...RESPONSE_TYPES] : [],
    redirect_uris: app.callbacks,
    post_logout_redirect_uris: app.allowedLogoutUrls,
    // Auth0's logout tokens name the session as well as the user.
    ...(app.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    id_token_signed_response_alg: 'RS256',
  };
}
