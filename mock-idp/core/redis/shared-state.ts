import { randomUUID } from 'node:crypto';
import { checkSharedSnapshot } from '../persistence/snapshot.js';
import type { MockState } from '../state.js';
import { LuaScript, type RedisConnection } from './client.js';

/**
 * Writes the document if its version is still the one this replica read, and tells the others.
 * KEYS: document. ARGV: expected version, document, channel, origin. Answers the new version, or
 * minus the current one when another replica wrote first.
 */
const COMPARE_AND_SET = new LuaScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return -v end
redis.call('HSET', KEYS[1], 'v', v + 1, 'doc', ARGV[2])
redis.call('PUBLISH', ARGV[3], (v + 1) .. ' ' .. ARGV[4])
return v + 1
`);

/**
 * The mock's own run-time state shared by replicas on Redis: the tenant as edited at run time (users,
 * roles, metadata, organizations), the signing keys after a rotation, the cookie keys, the clock's
 * offset, the outbox and its links, brute-force counts, MFA and passwordless state. One versioned document (a state snapshot
 * without its store, core/persistence/snapshot.ts) at `P state`, written with compare-and-set after
 * every change; `P state:changed` announces each new version and every other replica loads it.
 *
 * Two replicas changing it at the same moment: the second write finds a newer version, takes the
 * other's document and drops its own change (reported on the console and as a `state.conflict` event).
 */
export class SharedState {
  #version = 0;
  /** Applying another replica's document: its changes are not written back. */
  #applying = false;
  #scheduled = false;
  /** Loads and writes, one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #origin = randomUUID();
  readonly #key: string;
  readonly #channel: string;

  private constructor(
    private readonly state: MockState,
    private readonly client: RedisConnection,
    private readonly subscriber: RedisConnection,
    prefix: string,
  ) {
    this.#key = `${prefix}state`;
    this.#channel = `${prefix}state:changed`;
  }

  /**
   * Joins the replicas of `prefix`: takes their document when there is one (before oidc-provider is built:
   * the keys and cookie keys come from there), else publishes this mock's; then follows every change.
   */
  static async attach(state: MockState, client: RedisConnection, prefix: string): Promise<SharedState> {
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    const shared = new SharedState(state, client, subscriber, prefix);
    await subscriber.subscribe(shared.#channel, (message) => shared.#announced(message));
    if (!(await shared.#load())) await shared.#write();
    state.onChange(() => shared.#changed());
    return shared;
  }

  /** The version of the document this replica holds. */
  get version(): number {
    return this.#version;
  }

  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => {});
    return run;
  }

  #announced(message: string): void {
    const [version, origin] = message.split(' ');
    if (origin === this.#origin || Number(version) <= this.#version) return;
    this.state.track(this.#enqueue(() => this.#load()));
  }

  #changed(): void {
    if (this.#applying || this.#scheduled) return;
    this.#scheduled = true;
    this.state.track(
      this.#enqueue(async () => {
        this.#scheduled = false;
        await this.#write();
      }),
    );
  }

  /** Loads the document if it is newer than this replica's; false when there is none. */
  async #load(): Promise<boolean> {
    const { v, doc } = await this.client.hGetAll(this.#key);
    if (v === undefined || doc === undefined) return false;
    if (Number(v) <= this.#version) return true;
    const snapshot = checkSharedSnapshot(JSON.parse(doc), `redis ${this.#key}`);
    this.#applying = true;
    try {
      this.state.importShared(snapshot);
    } finally {
      this.#applying = false;
    }
    this.#version = Number(v);
    return true;
  }

  /** Writes this replica's state as the next version; false (and the other's document taken) when another wrote first. */
  async #write(): Promise<boolean> {
    const doc = JSON.stringify(this.state.exportShared());
    const answer = Number(await COMPARE_AND_SET.run(this.client, [this.#key], [this.#version, doc, this.#channel, this.#origin]));
    if (answer > 0) {
      this.#version = answer;
      return true;
    }
    if (this.#version > 0) {
      console.error(`mock-idp: another replica changed the shared state (version ${-answer}) at the same moment; its change is kept, this one's is dropped`);
      this.state.events.add({ type: 'state.conflict', error: 'concurrent_change', detail: { version: -answer } });
    }
    await this.#load();
    return false;
  }

  /** Writes what is pending and stops following the others. */
  async close(): Promise<void> {
    await this.state.settled();
    await this.subscriber.unsubscribe(this.#channel).catch(() => {});
    this.subscriber.destroy();
  }
}
