import { unblockUser } from '../../core/tenant/edits.js';
import { type Endpoint, noContent, param } from './endpoint.js';
import { userById } from './users.js';

/** Brute-force protection's blocks of a user (not the `blocked` flag, which PATCH /users/{id} sets). */
export const USER_BLOCK_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/user-blocks/:id',
    scopes: ['read:users'],
    handle(ctx, state) {
      const user = userById(state, param(ctx, 'id'));
      ctx.body = { blocked_for: state.bruteForce.blocked().filter((b) => b.sub === user.sub).map((b) => ({ identifier: user.email, ip: b.ip })) };
    },
  },
  {
    method: 'DELETE',
    path: '/user-blocks/:id',
    scopes: ['update:users'],
    handle(ctx, state) {
      unblockUser(state, userById(state, param(ctx, 'id')).sub);
      noContent(ctx);
    },
  },
];
