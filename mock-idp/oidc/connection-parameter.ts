import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import { DEFAULTS } from '../core/tenant/defaults.js';

/**
 * Auth0's answer to `/authorize?connection=` naming a connection the tenant
 * does not have, or has disabled: `invalid_request` "the connection was not
 * found", redirected to the application's callback (seen in auth0/auth0.js#822).
 */
export const CONNECTION_NOT_FOUND = 'the connection was not found';

/** Is `name` a connection users of this tenant can sign in with: the database connection or an enabled social one? */
export function isEnabledConnection(directory: Directory, name: string): boolean {
  return name === DEFAULTS.databaseConnection || directory.tenant.socialConnections.some((c) => c.enabled && c.name === name);
}

/**
 * The validator of Auth0's `connection` parameter (oidc-provider's `extraParams`):
 * it runs once the client and redirect_uri are checked, so its error goes back to the app.
 */
export function connectionParameter(directory: Directory): (ctx: KoaContextWithOIDC, value: string | undefined) => void {
  return (_ctx, value) => {
    if (value !== undefined && !isEnabledConnection(directory, value)) throw new errors.InvalidRequest(CONNECTION_NOT_FOUND);
  };
}
