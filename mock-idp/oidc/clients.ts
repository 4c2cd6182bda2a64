import type { ClientMetadata } from 'oidc-provider';
import type { Application } from '../core/tenant/schema.js';

/** Auth0's default grant types per application type (the password grants are opt-in, as on Auth0). */
const GRANT_TYPES: Record<Application['appType'], string[]> = {
  regular_web: ['authorization_code', 'refresh_token'],
  spa: ['authorization_code', 'refresh_token'],
  native: ['authorization_code', 'refresh_token'],
  m2m: ['client_credentials'],
};

/** A tenant application as oidc-provider client metadata (Auth0 defaults: `client_secret_post`, code flow). */
export function toClientMetadata(app: Application): ClientMetadata {
  const isPublic = app.appType === 'spa' || app.appType === 'native';
  const interactive = app.appType !== 'm2m';
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.clientSecret !== undefined ? { client_secret: app.clientSecret } : {}),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod ?? (isPublic ? 'none' : 'client_secret_post'),
    application_type: app.appType === 'native' ? 'native' : 'web',
    grant_types: app.grantTypes ?? GRANT_TYPES[app.appType],
    response_types: interactive ? ['code'] : [],
    redirect_uris: app.callbacks,
    post_logout_redirect_uris: app.allowedLogoutUrls,
    id_token_signed_response_alg: 'RS256',
  };
}
