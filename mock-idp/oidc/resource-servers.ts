import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import { AudienceDenied } from './errors.js';

type ResourceIndicators = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

/** OIDC scopes an API's access token may carry in `scope`, as on Auth0. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** `audience` from the authorization request, or from the token request body (where oidc-provider does not check it for repeats). */
function audienceParam(ctx: KoaContextWithOIDC): string | undefined {
  const value = ctx.oidc.params?.audience ?? (ctx.oidc.body as Record<string, unknown> | undefined)?.audience;
  if (Array.isArray(value)) throw new errors.InvalidRequest("'audience' parameter must not be provided twice");
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Auth0 refuses a client-credentials request for scopes its client grant does not give (it does not narrow them silently). */
function checkRequestedScopes(ctx: KoaContextWithOIDC, granted: readonly string[]): void {
  const requested = typeof ctx.oidc.params?.scope === 'string' ? ctx.oidc.params.scope.split(' ').filter(Boolean) : [];
  const missing = requested.filter((s) => !granted.includes(s));
  if (missing.length) throw new AudienceDenied(`Client has not been granted scopes: ${missing.join(' ')}`);
}

/**
 * Auth0's `audience` parameter, on oidc-provider's resource indicators: the
 * audience names the API (resource server) whose JWT access token is issued.
 * Without an audience, a user flow gets an opaque /userinfo token (as on
 * Auth0) and client credentials are refused.
 */
export function resourceIndicators(directory: Directory): ResourceIndicators {
  return {
    enabled: true,
    useGrantedResource: () => true,
    defaultResource(ctx) {
      const audience = audienceParam(ctx);
      if (ctx.oidc.params?.grant_type === 'client_credentials' && audience === undefined) {
        throw new AudienceDenied('No audience parameter was provided, and no default audience has been configured');
      }
      return audience as string;
    },
    getResourceServerInfo(ctx, indicator, client) {
      const api = directory.api(indicator);
      if (!api) {
        // Endpoints answering in JSON say 403 access_denied; /authorize redirects the error to the app.
        if (ctx.oidc.route === 'token' || ctx.oidc.route === 'device_authorization') throw new AudienceDenied(`Service not found: ${indicator}`);
        throw new errors.AccessDenied(`Service not found: ${indicator}`);
      }
      const permissions = api.permissions.map((p) => p.value);
      let scope = [...OIDC_SCOPES, ...permissions].join(' ');
      if (ctx.oidc.params?.grant_type === 'client_credentials') {
        const granted = directory.clientGrantOf(client.clientId, api.identifier);
        if (!granted) {
          throw new AudienceDenied(`Client is not authorized to access "${api.identifier}". You need to create a "client-grant" associated to this API.`);
        }
        checkRequestedScopes(ctx, granted);
        scope = granted.join(' ');
      }
      return {
        audience: api.identifier,
        scope,
        accessTokenFormat: 'jwt',
        accessTokenTTL: api.tokenLifetime,
        jwt: { sign: { alg: api.signingAlgorithm } },
      };
    },
  };
}
