/**
 * Route guard: the verified token must grant `permission`, read from Auth0's RBAC
 * `permissions` array claim, or failing that from the space-separated `scope` claim.
 */
import type { NextFunction, RequestHandler, Response } from 'express';
import type { Request as JwtRequest } from 'express-jwt';
import { AuthError } from './errors.js';

export function requirePermission(permission: string): RequestHandler {
  return (req: JwtRequest, _res: Response, next: NextFunction) => {
    if (req.auth === undefined) {
      // checkJwt did not run or let the request through (e.g. a CORS preflight).
      next(new AuthError({ kind: 'missing_token' }));
      return;
    }
    if (grantedPermissions(req.auth).has(permission)) {
      next();
      return;
    }
    next(
      new AuthError({
        kind: 'insufficient_scope',
        description: `The access token does not grant ${permission}`,
        scope: permission,
      }),
    );
  };
}

export function grantedPermissions(claims: Record<string, unknown>): Set<string> {
  const { permissions, scope } = claims;
  if (Array.isArray(permissions)) {
    return new Set(permissions.filter((p): p is string => typeof p === 'string'));
  }
  if (typeof scope === 'string') return new Set(scope.split(' ').filter(Boolean));
  return new Set();
}
