import type { Clock } from './clock.js';

interface Held<V> {
  value: V;
  /** Ms on the mock's clock; undefined: until evicted. */
  expiresAt: number | undefined;
}

/**
 * A map that anyone can fill (pending logins, one-time codes, links, plans) kept bounded: at most
 * `capacity` entries (setting one more evicts the oldest), and an entry past its expiry on the mock's
 * clock reads as absent (time travel expires it) and is dropped when met.
 */
export class BoundedMap<K, V> {
  readonly #held = new Map<K, Held<V>>();

  constructor(
    readonly capacity: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  #live(key: K, held: Held<V> | undefined): held is Held<V> {
    if (!held) return false;
    if (held.expiresAt !== undefined && held.expiresAt <= this.clock.now()) {
      this.#held.delete(key);
      return false;
    }
    return true;
  }

  /** Keeps `value` until `expiresAt` (ms on the mock's clock; none: until evicted), as the newest entry. */
  set(key: K, value: V, expiresAt?: number): this {
    this.#held.delete(key);
    this.#held.set(key, { value, expiresAt });
    for (const oldest of this.#held.keys()) {
      if (this.#held.size <= this.capacity) break;
      this.#held.delete(oldest);
    }
    return this;
  }

  /** Keeps `value` for `seconds` from now on the mock's clock; answers the expiry (ms). */
  setFor(key: K, value: V, seconds: number): number {
    const expiresAt = this.clock.now() + seconds * 1000;
    this.set(key, value, expiresAt);
    return expiresAt;
  }

  get(key: K): V | undefined {
    const held = this.#held.get(key);
    return this.#live(key, held) ? held.value : undefined;
  }

  /** The entry, live or expired (left in place: the caller tells `expired` from unknown, and drops it). */
  lookup(key: K): { value: V; expired: boolean } | undefined {
    const held = this.#held.get(key);
    if (!held) return undefined;
    return { value: held.value, expired: held.expiresAt !== undefined && held.expiresAt <= this.clock.now() };
  }

  /** When the entry expires (ms on the mock's clock), if it is live and expires. */
  expiresAt(key: K): number | undefined {
    const held = this.#held.get(key);
    return this.#live(key, held) ? held.expiresAt : undefined;
  }

  has(key: K): boolean {
    return this.#live(key, this.#held.get(key));
  }

  delete(key: K): boolean {
    return this.#held.delete(key);
  }

  clear(): void {
    this.#held.clear();
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.#held.size;
  }

  /** The live entries, oldest first, with their expiry. */
  *entries(): IterableIterator<[K, V, number | undefined]> {
    const now = this.clock.now();
    for (const [key, { value, expiresAt }] of this.#held) if (expiresAt === undefined || expiresAt > now) yield [key, value, expiresAt];
  }

  /** The live values, oldest first. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }
}
