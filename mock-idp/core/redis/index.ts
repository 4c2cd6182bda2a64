import type { Clock } from '../clock.js';
import type { MockState, StoreFactory } from '../state.js';
import type { ReuseIntervalOf } from '../store.js';
import { connectRedis, defaultRedisPrefix, RedisStateError, type RedisConnection } from './client.js';
import { SharedState } from './shared-state.js';
import { RedisStore } from './store.js';

export { defaultRedisPrefix, RedisStateError, RedisStore, SharedState };

/** One mock's link to the redis-server its replicas share (loaded only with `--redis`). */
export interface RedisLink {
  readonly prefix: string;
  readonly client: RedisConnection;
  /** The store factory for MockState: oidc-provider's models in Redis under `prefix`. */
  readonly store: StoreFactory;
  /** Joins the replicas' shared state (before oidc-provider is built on `state`). */
  share(state: MockState): Promise<void>;
  close(): Promise<void>;
}

/** Connects to `url` for the tenant of `issuer` (keys under `prefix`, default `mock-idp:<issuer>:`). */
export async function linkRedis(url: string, issuer: string, prefix = defaultRedisPrefix(issuer)): Promise<RedisLink> {
  const client = await connectRedis(url);
  let shared: SharedState | undefined;
  return {
    prefix,
    client,
    store: (reuseIntervalOf: ReuseIntervalOf, clock: Clock) => new RedisStore(client, prefix, reuseIntervalOf, clock),
    share: async (state) => {
      shared = await SharedState.attach(state, client, prefix);
    },
    close: async () => {
      await shared?.close();
      await client.close().catch(() => client.destroy());
    },
  };
}
