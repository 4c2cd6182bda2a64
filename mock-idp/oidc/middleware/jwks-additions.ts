import type { Context, Middleware } from 'koa';
import { ROUTES } from '../routes.js';

/**
 * Adds keys to oidc-provider's JWKS answer (its `keys` from the key ring are kept as they are):
 * the unparseable key the relying-party harness publishes for RP-14 while that case runs.
 */
export function jwksAdditions(additions: () => readonly object[]): Middleware {
  return async (ctx: Context, next) => {
    await next();
    if (ctx.method !== 'GET' || ctx.path !== ROUTES.jwks || ctx.status !== 200) return;
    const extra = additions();
    const body = ctx.body as { keys?: unknown } | null;
    if (extra.length === 0 || body === null || typeof body !== 'object' || !Array.isArray(body.keys)) return;
    ctx.body = { ...body, keys: [...body.keys, ...extra] };
  };
}
