import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { REUSE_REVOKES, type StateStore, type StoredPayload } from '../core/store.js';

/** What oidc-provider says when it finds a used code or refresh token itself (grants/authorization_code.js, refresh_token.js). */
const REUSED: Record<string, string> = { RefreshToken: 'refresh token already used', AuthorizationCode: 'authorization code already consumed' };

/**
 * oidc-provider's adapter contract on the mock's store (in memory or Redis), one instance per model.
 * oidc-provider finds a token, checks it is unused, then consumes it: two uses racing (two replicas,
 * or two requests in one process) can both pass the check. The store consumes atomically, and the
 * loser is answered as the replay it is: `invalid_grant`, its grant already revoked by the store
 * (and so is a use whose token was revoked between its find and its consume).
 */
export function adapterOn(store: StateStore): (name: string) => Adapter {
  return (name) => ({
    upsert: async (id, payload, expiresIn) => store.upsert(name, id, payload as StoredPayload, expiresIn ?? 0),
    find: async (id) => (await (name === 'RefreshToken' ? store.findRefreshToken(id) : store.get(name, id))) as AdapterPayload | undefined,
    findByUserCode: async (userCode) => (await store.findByUserCode(name, userCode)) as AdapterPayload | undefined,
    findByUid: async (uid) => (await store.findByUid(name, uid)) as AdapterPayload | undefined,
    consume: async (id) => {
      const outcome = await store.consume(name, id);
      // Missing: found a moment ago, revoked since (another use's reuse detection revoked the family).
      if (outcome !== 'consumed' && REUSE_REVOKES.has(name)) throw new errors.InvalidGrant(REUSED[name] ?? 'grant already used');
    },
    destroy: async (id) => store.destroy(name, id),
    revokeByGrantId: async (grantId) => store.revokeByGrantId(grantId),
  });
}
