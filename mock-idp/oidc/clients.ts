import type { ClientMetadata } from 'oidc-provider';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Application } from '../core/tenant/schema.js';

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
    response_types: interactive ? ['code'] : [],
    redirect_uris: app.callbacks,
    post_logout_redirect_uris: app.allowedLogoutUrls,
    id_token_signed_response_alg: 'RS256',
  };
}
