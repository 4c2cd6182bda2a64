import type { Middleware } from 'koa';
import { StateConflict } from '../../core/errors.js';
import type { MockState } from '../../core/state.js';

/**
 * oidc-provider answers its own endpoints itself, past the mock's Koa app: with the state in Redis, the
 * shared-state changes of this request (a brute-force count, an MFA token, a login's organization) are
 * written before its answer goes out, so that the next request may reach another replica. A change that
 * could not be written (StateConflict) is answered 409 `concurrent_change` instead. In memory nothing is pending.
 */
export function settleWrites(state: Pick<MockState, 'unsettled' | 'settled'>): Middleware {
  return async (ctx, next) => {
    await next();
    if (!state.unsettled) return;
    try {
      await state.settled();
    } catch (err) {
      if (!(err instanceof StateConflict)) throw err;
      ctx.status = 409;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'concurrent_change', error_description: err.message };
    }
  };
}
