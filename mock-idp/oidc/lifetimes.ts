import type { Configuration } from 'oidc-provider';
import type { Clock } from '../core/clock.js';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Directory } from '../core/directory.js';
import { idTokenLifetime, refreshTokenExpiresIn } from '../core/token-lifetimes.js';

/**
 * Token and session lifetimes from the tenant: the ID token per application,
 * the access token per API, and Auth0's rotating refresh token: its absolute
 * lifetime counts from the first token of the family and is not extended by
 * rotation; each token also dies after the idle lifetime unless used
 * (counted on the mock's clock, which time travel moves).
 */
export function lifetimes(directory: Directory, clock: Pick<Clock, 'nowSeconds'>): NonNullable<Configuration['ttl']> {
  const policyOf = (clientId: string | undefined) => (clientId ? directory.application(clientId)?.refreshToken : undefined);
  return {
    IdToken: (_ctx, _token, client) => idTokenLifetime(directory, client.clientId).seconds,
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? DEFAULTS.userinfoAccessTokenLifetime,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? DEFAULTS.accessTokenLifetime,
    RefreshToken: (_ctx, token, client) => {
      const now = clock.nowSeconds();
      return refreshTokenExpiresIn(directory, client.clientId, token.iiat ?? now, now);
    },
    // Read from the grant itself: a consent grant is saved by the interaction routes, outside any provider request (no ctx).
    Grant: (_ctx, grant) => Math.max(DEFAULTS.sessionLifetime, policyOf(grant.clientId)?.absoluteLifetime ?? 0),
    // A session that holds no login (GET /activate's form) expires within minutes, so anonymous requests cannot pile them up.
    Session: (_ctx, session) => (session.accountId ? DEFAULTS.sessionLifetime : DEFAULTS.anonymousSessionLifetime),
    Interaction: DEFAULTS.interactionLifetime,
    AuthorizationCode: DEFAULTS.authorizationCodeLifetime,
    DeviceCode: DEFAULTS.deviceCodeLifetime,
  };
}

export function rotateRefreshToken(directory: Directory): NonNullable<Configuration['rotateRefreshToken']> {
  return (ctx) => directory.application(ctx.oidc.client?.clientId ?? '')?.refreshToken.rotation ?? DEFAULTS.refreshTokenRotation;
}
