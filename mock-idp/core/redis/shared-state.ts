import { randomUUID } from 'node:crypto';
import { checkSharedSnapshot } from '../persistence/snapshot.js';
import { StateConflict } from '../errors.js';
import type { MockState, SharedSnapshot } from '../state.js';
import { mergeChanges } from './merge.js';
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
 * How many times a write that lost the compare-and-set is merged into the newer document and tried again,
 * after a random pause that doubles each time (up to 5 ms, 10 ms, … 320 ms): a replica writing a burst of
 * changes wins every race against one that merges first, until the burst is over.
 */
const WRITE_ATTEMPTS = 8;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt - 1, 6)));

/** A write waiting in the queue, and the failure its callers get instead when their changes were undone meanwhile. */
interface QueuedWrite {
  done: Promise<void>;
  failure?: StateConflict;
}

/**
 * The mock's own run-time state shared by replicas on Redis: the tenant as edited at run time (users,
 * roles, metadata, organizations), the signing keys after a rotation, the cookie keys, the clock's
 * offset, the outbox and its links, brute-force counts, MFA and passwordless state. One versioned document (a state snapshot
 * without its store, core/persistence/snapshot.ts) at `P state`, written with compare-and-set after
 * every change; `P state:changed` announces each new version and every other replica loads it.
 *
 * A replica's changes not yet written are kept across a load: what changed since the document it last read
 * or wrote (`#base`) is merged into the newer one (redis/merge.ts). Two replicas changing it at the same
 * moment: the write that loses the compare-and-set merges its change into the winner's document and tries
 * again (a `state.conflict` event); after WRITE_ATTEMPTS, or when the merged state is refused (the same
 * email on two new users), the change is undone here and its callers get StateConflict (HTTP 409).
 */
/** Why a merged change was refused: it no longer fits what another replica wrote. */
const misfit = (err: unknown) => `the change no longer fits the shared state another replica wrote at the same moment (${(err as Error).message})`;

export class SharedState {
  #version = 0;
  /** The document at `#version`, as this replica last read or wrote it. */
  #base: SharedSnapshot | undefined;
  /** Changes made since `#base` was taken (a write then exports the state; without, `#base` is the state). */
  #dirty = false;
  /** Applying another replica's document: its changes are not written back. */
  #applying = false;
  #next: QueuedWrite | undefined;
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
    // Nobody's call waits on a load: a failure is logged (the next announcement or write loads again).
    this.state.track(this.#enqueue(() => this.#load()).catch((err: unknown) => console.error('mock-idp: loading the shared state failed:', err)));
  }

  /** One write per batch of changes; every change's caller waits for it (and gets its failure). */
  #changed(): void {
    if (this.#applying) return;
    this.#dirty = true;
    if (!this.#next) {
      const next: QueuedWrite = {
        done: this.#enqueue(async () => {
          if (this.#next === next) this.#next = undefined;
          if (next.failure) throw next.failure;
          await this.#write();
        }),
      };
      this.#next = next;
    }
    this.state.track(this.#next.done);
  }

  async #read(): Promise<{ version: number; snapshot: SharedSnapshot } | undefined> {
    const { v, doc } = await this.client.hGetAll(this.#key);
    if (v === undefined || doc === undefined) return undefined;
    return { version: Number(v), snapshot: checkSharedSnapshot(JSON.parse(doc), `redis ${this.#key}`) };
  }

  /** Loads the document if it is newer than this replica's; false when there is none. */
  async #load(): Promise<boolean> {
    const read = await this.#read();
    if (!read) return false;
    if (read.version > this.#version) this.#take(read.version, read.snapshot);
    return true;
  }

  /**
   * Takes another replica's document with this replica's unwritten changes merged in. A merged state
   * the tenant refuses: the other's document as it is, the changes undone, and StateConflict thrown
   * (the queued write's callers get it too: their changes were among those undone).
   */
  #take(version: number, theirs: SharedSnapshot): void {
    const base = this.#base;
    const ours = this.#dirty || !base ? this.#export() : base;
    const merged = base && this.#dirty ? this.#merge(base, ours, theirs) : theirs;
    this.#applying = true;
    try {
      try {
        this.state.importShared(merged, ours);
      } catch (err) {
        if (merged === theirs) throw err;
        this.state.importShared(theirs, ours);
        this.#base = theirs;
        this.#version = version;
        this.#dirty = false;
        throw this.#undone(misfit(err));
      }
    } finally {
      this.#applying = false;
    }
    this.#base = theirs;
    this.#version = version;
  }

  /** `ours` (changed since `base`) merged into `theirs`; a document without a tenant has the seed's (its edits are told from the seed). */
  #merge(base: SharedSnapshot, ours: SharedSnapshot, theirs: SharedSnapshot): SharedSnapshot {
    const edited = [base, ours, theirs].some((s) => s.tenant !== undefined);
    const seeded = (s: SharedSnapshot): SharedSnapshot => (s.tenant || !edited ? s : { ...s, tenant: this.state.seedTenant });
    return mergeChanges(seeded(base), seeded(ours), seeded(theirs));
  }

  /** The changes not written are undone: the queued write's callers fail too. */
  #undone(reason: string): StateConflict {
    const conflict = new StateConflict(`${reason}; it was not applied`);
    if (this.#next) this.#next.failure = conflict;
    this.#next = undefined;
    this.state.events.add({ type: 'state.conflict', error: 'concurrent_change', detail: { version: this.#version, reason } });
    return conflict;
  }

  /** This replica's shared state as JSON (what the document holds). */
  #export(): SharedSnapshot {
    return JSON.parse(this.#exportText()) as SharedSnapshot;
  }

  #exportText(): string {
    return JSON.stringify(this.state.exportShared());
  }

  /**
   * Writes this replica's state as the next version. When another replica wrote first: this replica's
   * changes (since `#base`) are merged into the newer document, which is checked and written in its
   * place (WRITE_ATTEMPTS in all); this replica takes the merged document once it is written.
   */
  async #write(): Promise<void> {
    const exportedText = this.#exportText();
    const exported = JSON.parse(exportedText) as SharedSnapshot;
    this.#dirty = false;
    let doc = exported;
    let version = this.#version;
    for (let attempt = 1; ; attempt++) {
      const text = doc === exported ? exportedText : JSON.stringify(doc);
      const answer = Number(await COMPARE_AND_SET.run(this.client, [this.#key], [version, text, this.#channel, this.#origin]));
      if (answer > 0) {
        if (doc !== exported) this.#adopt(doc, exported);
        this.#base = doc;
        this.#version = answer;
        return;
      }
      if (attempt > 1) await backoff(attempt - 1);
      const read = await this.#read();
      if (!read) {
        // The document is gone (deleted by hand): this replica's state is the whole of it.
        version = 0;
        continue;
      }
      const base = this.#base;
      if (base === undefined) {
        // Joining: another replica published first; its document is the tenant's.
        this.#take(read.version, read.snapshot);
        return;
      }
      if (attempt >= WRITE_ATTEMPTS) {
        this.#dirty = false;
        this.#take(read.version, read.snapshot);
        throw this.#undone(`other replicas changed the shared state ${attempt} times while this one tried to write its change`);
      }
      const merged = this.#merge(base, exported, read.snapshot);
      try {
        this.state.checkShared(merged);
      } catch (err) {
        this.#dirty = false;
        this.#take(read.version, read.snapshot);
        throw this.#undone(misfit(err));
      }
      this.state.events.add({ type: 'state.conflict', detail: { version: read.version, attempt, merged: true } });
      doc = merged;
      version = read.version;
    }
  }

  /** Takes the merged document just written, with the changes made here since `exported` on top. */
  #adopt(written: SharedSnapshot, exported: SharedSnapshot): void {
    const local = this.#dirty ? this.#export() : exported;
    this.#applying = true;
    try {
      this.state.importShared(this.#dirty ? this.#merge(exported, local, written) : written, local);
    } finally {
      this.#applying = false;
    }
  }

  /** Writes what is pending and stops following the others. */
  async close(): Promise<void> {
    await this.state.settled().catch(() => {});
    await this.subscriber.unsubscribe(this.#channel).catch(() => {});
    this.subscriber.destroy();
  }
}
