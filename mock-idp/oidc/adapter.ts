import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Store, StoredPayload } from '../core/store.js';

/** oidc-provider's adapter contract on the mock's store, one instance per model. */
export function adapterOn(store: Store): (name: string) => Adapter {
  return (name) => ({
    upsert: async (id, payload, expiresIn) => store.upsert(name, id, payload as StoredPayload, expiresIn ?? 0),
    find: async (id) => (name === 'RefreshToken' ? store.findRefreshToken(id) : store.get(name, id)) as AdapterPayload | undefined,
    findByUserCode: async (userCode) => store.findByUserCode(name, userCode) as AdapterPayload | undefined,
    findByUid: async (uid) => store.findByUid(name, uid) as AdapterPayload | undefined,
    consume: async (id) => store.consume(name, id),
    destroy: async (id) => store.destroy(name, id),
    revokeByGrantId: async (grantId) => store.revokeByGrantId(grantId),
  });
}
