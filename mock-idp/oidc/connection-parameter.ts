import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import { requestedOrganization } from '../core/organizations.js';
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

/**
 * The validator of Auth0's `organization` parameter: refused for applications whose "type of users"
 * excludes organizations, required (without a prompt) for those that need one, unknown organizations
 * and (unless the tenant allows names) names refused, all with `invalid_request` back to the app.
 */
export function organizationParameter(directory: Directory): (ctx: KoaContextWithOIDC, value: string | undefined) => void {
  return (ctx, value) => {
    const app = ctx.oidc.client ? directory.application(ctx.oidc.client.clientId) : undefined;
    const { error } = requestedOrganization(directory, app, value);
    if (error) throw new errors.InvalidRequest(error);
  };
}
