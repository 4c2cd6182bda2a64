import { Clock } from './clock.js';
import { DEFAULTS } from './tenant/defaults.js';

/** What oidc-provider stores per entry (its `AdapterPayload`), as far as the store reads it. */
export interface StoredPayload {
  [key: string]: unknown;
  grantId?: string;
  accountId?: string;
  clientId?: string;
  uid?: string;
  userCode?: string;
  jti?: string;
  consumed?: unknown;
}

interface Entry {
  payload: StoredPayload;
  expiresAt: number | undefined;
}

/** The store as plain JSON (core/persistence): each live entry with its expiry (ms on the mock's clock), and the refresh-token families. */
export interface StoreSnapshot {
  entries: Array<[model: string, id: string, payload: StoredPayload, expiresAt: number | null]>;
  families: Array<[grantId: string, previous: { id: string; at: number }]>;
}

/** A value, or a promise of it: the in-memory store answers at once, the Redis one later. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What `consume` found: `consumed` (this use consumed it, or it is the previous refresh token of its
 * family within the reuse interval), `reused` (it was consumed already: another use won the race, or
 * it is replayed; for refresh tokens and authorization codes the grant is then revoked), `missing`.
 */
export type ConsumeOutcome = 'consumed' | 'reused' | 'missing';

/** Models whose lost consume race is a reuse: the grant is revoked, as oidc-provider does for a replayed one. */
export const REUSE_REVOKES: ReadonlySet<string> = new Set(['RefreshToken', 'AuthorizationCode']);

/**
 * The provider's storage as the rest of the mock uses it: oidc-provider's models (through the
 * oidc layer's adapter) and the lookups and revocations the tenant edits need. Two
 * implementations: `Store` (in memory, answers synchronously) and core/redis's `RedisStore`
 * (shared by replicas). Callers await every answer.
 */
export interface StateStore {
  get(name: string, id: string): Awaitable<StoredPayload | undefined>;
  upsert(name: string, id: string, payload: StoredPayload, expiresIn: number): Awaitable<void>;
  findByUid(name: string, uid: string): Awaitable<StoredPayload | undefined>;
  findByUserCode(name: string, userCode: string): Awaitable<StoredPayload | undefined>;
  /** A refresh token, with the reuse interval applied (the family's previous token reads as unconsumed within it). */
  findRefreshToken(id: string): Awaitable<StoredPayload | undefined>;
  /** Consumes an entry atomically: of racing uses exactly one gets `consumed` (outside a reuse interval). */
  consume(name: string, id: string): Awaitable<ConsumeOutcome>;
  destroy(name: string, id: string): Awaitable<void>;
  revokeByGrantId(grantId: string): Awaitable<void>;
  sessionsOf(accountId: string): Awaitable<StoredPayload[]>;
  revokeUser(accountId: string): Awaitable<void>;
  clear(): Awaitable<void>;
  /** Only a store held in this process can be exported as JSON (a state snapshot); a shared one cannot. */
  exportState?(): StoreSnapshot;
  importState?(snapshot: StoreSnapshot): void;
}

/** What the store needs to know to apply Auth0's refresh-token reuse interval. */
export type ReuseIntervalOf = (clientId: string) => number;

/** The refresh token most recently consumed by a rotation of a family, and when (ms, mock's clock) it was first consumed. */
export type PreviousToken = { id: string; at: number };

/**
 * Auth0's reuse interval on a refresh token as found (both stores): within the application's interval after
 * the rotation that consumed it, the family's previous token reads as unconsumed; any other one as stored.
 */
export function asReusable(id: string, payload: StoredPayload | undefined, previous: PreviousToken | undefined, reuseIntervalOf: ReuseIntervalOf, now: number): StoredPayload | undefined {
  if (!payload?.consumed || !payload.clientId || previous?.id !== id) return payload;
  const interval = reuseIntervalOf(payload.clientId) * 1000;
  if (interval <= 0 || now - previous.at > interval) return payload;
  const { consumed: _consumed, ...unconsumed } = payload;
  return unconsumed;
}

interface RefreshFamily {
  previous?: PreviousToken;
}

/**
 * Seconds an entry of these models outlives its expiry in the store. oidc-provider checks
 * the payload's own `exp`, so a kept entry is never used; a device code found expired is
 * answered `expired_token`, one not found `invalid_grant`.
 */
export const KEPT_AFTER_EXPIRY: Record<string, number> = { DeviceCode: DEFAULTS.expiredDeviceCodeKept };

/** Expired entries are swept once every this many writes. */
const SWEEP_EVERY = 1_000;

/** A map of sets, for the indexes. */
class Index<K, V> {
  readonly #map = new Map<K, Set<V>>();
  add(key: K, value: V): void {
    const set = this.#map.get(key);
    if (set) set.add(value);
    else this.#map.set(key, new Set([value]));
  }
  remove(key: K, value: V): void {
    const set = this.#map.get(key);
    if (set?.delete(value) && set.size === 0) this.#map.delete(key);
  }
  get(key: K): ReadonlySet<V> {
    return this.#map.get(key) ?? new Set();
  }
  clear(): void {
    this.#map.clear();
  }
}

/** `Model\nid`: one entry of the store. */
type Ref = string;
const ref = (model: string, id: string): Ref => `${model}\n${id}`;
const unref = (r: Ref): [string, string] => {
  const i = r.indexOf('\n');
  return [r.slice(0, i), r.slice(i + 1)];
};

/**
 * The provider's storage: one in-memory store per mock, shared by every
 * oidc-provider instance it builds (keys rotate by rebuilding the provider,
 * state survives). Entries are indexed by what they are looked up and revoked
 * by (grant, account, uid, user code), so revoking a user or a token family
 * costs what it touches, not the store's size. It also implements Auth0's
 * refresh-token reuse interval: within the interval after a rotation, the
 * immediately previous refresh token of a family may be exchanged again, any
 * number of times (each answer carries a new refresh token), without tripping
 * reuse detection; an older one, or the previous one after the interval, trips it.
 */
export class Store implements StateStore {
  readonly #models = new Map<string, Map<string, Entry>>();
  readonly #families = new Map<string, RefreshFamily>();
  readonly #byGrant = new Index<string, Ref>();
  /** Grant ids per account, and the account's login sessions. */
  readonly #grantsOf = new Index<string, string>();
  readonly #sessionsOf = new Index<string, string>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  /** Entries anyone can create without credentials, oldest first (a Set keeps insertion order). */
  readonly #pending = new Set<Ref>();
  #writes = 0;

  constructor(
    private readonly reuseIntervalOf: ReuseIntervalOf,
    private readonly limits: { maxPending: number; onEvicted?: (count: number) => void; onChange?: () => void } = { maxPending: Number.POSITIVE_INFINITY },
    /** The mock's clock: entries expire, and reuse intervals run, on its time (time travel moves them). */
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
  ) {}

  /** Login attempts in progress and sessions nobody signed in to: what an unauthenticated caller can make. */
  static #isPending(name: string, payload: StoredPayload): boolean {
    return name === 'Interaction' || (name === 'Session' && payload.accountId === undefined);
  }

  #trackPending(name: string, id: string, payload: StoredPayload): void {
    const r = ref(name, id);
    this.#pending.delete(r);
    if (!Store.#isPending(name, payload)) return;
    this.#pending.add(r);
    let evicted = 0;
    for (const oldest of this.#pending) {
      if (this.#pending.size <= this.limits.maxPending) break;
      this.destroy(...unref(oldest));
      evicted++;
    }
    if (evicted) this.limits.onEvicted?.(evicted);
  }

  #model(name: string): Map<string, Entry> {
    const known = this.#models.get(name);
    if (known) return known;
    const created = new Map<string, Entry>();
    this.#models.set(name, created);
    return created;
  }

  #index(name: string, id: string, payload: StoredPayload, add: boolean): void {
    const r = ref(name, id);
    const grantId = name === 'Grant' ? (payload.jti ?? id) : payload.grantId;
    const op = <K, V>(index: Index<K, V>, key: K | undefined, value: V) => key !== undefined && (add ? index.add(key, value) : index.remove(key, value));
    op(this.#byGrant, grantId, r);
    if (payload.accountId !== undefined) {
      if (grantId !== undefined) op(this.#grantsOf, payload.accountId, grantId);
      if (name === 'Session') op(this.#sessionsOf, payload.accountId, id);
    }
    for (const [map, key] of [[this.#byUid, payload.uid], [this.#byUserCode, payload.userCode]] as const) {
      if (key === undefined) continue;
      if (add) map.set(ref(name, key), id);
      else if (map.get(ref(name, key)) === id) map.delete(ref(name, key));
    }
  }

  /** How many entries the store holds (expired ones not yet swept included). */
  get size(): number {
    let n = 0;
    for (const models of this.#models.values()) n += models.size;
    return n;
  }

  get(name: string, id: string): StoredPayload | undefined {
    const entry = this.#models.get(name)?.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.destroy(name, id);
      return undefined;
    }
    return entry.payload;
  }

  upsert(name: string, id: string, payload: StoredPayload, expiresIn: number): void {
    const models = this.#model(name);
    const previous = models.get(id);
    if (previous) this.#index(name, id, previous.payload, false);
    const keptFor = expiresIn ? expiresIn + (KEPT_AFTER_EXPIRY[name] ?? 0) : 0;
    models.set(id, { payload, expiresAt: keptFor ? this.clock.now() + keptFor * 1000 : undefined });
    this.#index(name, id, payload, true);
    this.#trackPending(name, id, payload);
    if (++this.#writes % SWEEP_EVERY === 0) this.sweep();
    this.limits.onChange?.();
  }

  /** Drops expired entries nobody asked for again (codes, interactions, sessions), so memory stays flat under load. */
  sweep(): void {
    const at = this.clock.now();
    for (const [name, models] of this.#models) {
      for (const [id, entry] of models) if (entry.expiresAt !== undefined && entry.expiresAt <= at) this.destroy(name, id);
    }
    for (const grantId of this.#families.keys()) {
      if (!this.#models.get('Grant')?.has(grantId)) this.#families.delete(grantId);
    }
  }

  findByUid(name: string, uid: string): StoredPayload | undefined {
    const id = this.#byUid.get(ref(name, uid));
    return id === undefined ? undefined : this.get(name, id);
  }

  findByUserCode(name: string, userCode: string): StoredPayload | undefined {
    const id = this.#byUserCode.get(ref(name, userCode));
    return id === undefined ? undefined : this.get(name, id);
  }

  /** Applies the reuse interval to a refresh token lookup: the previous token of its family reads as unconsumed within it. */
  findRefreshToken(id: string): StoredPayload | undefined {
    const payload = this.get('RefreshToken', id);
    const previous = payload?.grantId === undefined ? undefined : this.#families.get(payload.grantId)?.previous;
    return asReusable(id, payload, previous, this.reuseIntervalOf, this.clock.now());
  }

  consume(name: string, id: string): ConsumeOutcome {
    const payload = this.get(name, id);
    if (!payload) return 'missing';
    if (payload.consumed !== undefined) {
      if (name === 'RefreshToken' && this.findRefreshToken(id)?.consumed === undefined) return 'consumed';
      // Another use consumed it between oidc-provider's find and this consume: a reuse, as if it came later.
      if (REUSE_REVOKES.has(name) && payload.grantId) this.revokeByGrantId(payload.grantId);
      return 'reused';
    }
    if (name === 'RefreshToken' && payload.grantId) {
      const family = this.#families.get(payload.grantId) ?? {};
      family.previous = { id, at: this.clock.now() };
      this.#families.set(payload.grantId, family);
    }
    payload.consumed = Math.floor(this.clock.now() / 1000);
    this.limits.onChange?.();
    return 'consumed';
  }

  destroy(name: string, id: string): void {
    const models = this.#models.get(name);
    const entry = models?.get(id);
    if (!entry) return;
    models!.delete(id);
    this.#index(name, id, entry.payload, false);
    this.#pending.delete(ref(name, id));
    this.limits.onChange?.();
  }

  /** Removes everything issued under one grant: its codes, tokens and the grant itself. */
  revokeByGrantId(grantId: string): void {
    for (const r of [...this.#byGrant.get(grantId)]) this.destroy(...unref(r));
    if (this.#families.delete(grantId)) this.limits.onChange?.();
  }

  /** Grant ids of every grant a user holds (sessions, codes, refresh tokens). */
  grantIdsOf(accountId: string): ReadonlySet<string> {
    return this.#grantsOf.get(accountId);
  }

  /** The user's login sessions, as stored. */
  sessionsOf(accountId: string): StoredPayload[] {
    return [...this.#sessionsOf.get(accountId)].flatMap((id): StoredPayload[] => {
      const session = this.get('Session', id);
      return session ? [session] : [];
    });
  }

  /** Removes a user's login sessions and every grant (and so refresh token) they hold. */
  revokeUser(accountId: string): void {
    for (const grantId of [...this.grantIdsOf(accountId)]) this.revokeByGrantId(grantId);
    for (const id of [...this.#sessionsOf.get(accountId)]) this.destroy('Session', id);
  }

  clear(): void {
    this.#models.clear();
    this.#families.clear();
    this.#byGrant.clear();
    this.#grantsOf.clear();
    this.#sessionsOf.clear();
    this.#byUid.clear();
    this.#byUserCode.clear();
    this.#pending.clear();
    this.limits.onChange?.();
  }

  /** The live entries and families, as JSON (expired entries are left out). */
  exportState(): StoreSnapshot {
    const at = this.clock.now();
    const entries: StoreSnapshot['entries'] = [];
    for (const [name, models] of this.#models) {
      for (const [id, { payload, expiresAt }] of models) if (expiresAt === undefined || expiresAt > at) entries.push([name, id, payload, expiresAt ?? null]);
    }
    const families: StoreSnapshot['families'] = [];
    for (const [grantId, { previous }] of this.#families) if (previous) families.push([grantId, { ...previous }]);
    return { entries, families };
  }

  /** Replaces everything with a snapshot's entries (indexes rebuilt). */
  importState(snapshot: StoreSnapshot): void {
    this.clear();
    for (const [name, id, payload, expiresAt] of structuredClone(snapshot.entries)) {
      this.#model(name).set(id, { payload, expiresAt: expiresAt ?? undefined });
      this.#index(name, id, payload, true);
      if (Store.#isPending(name, payload)) this.#pending.add(ref(name, id));
    }
    for (const [grantId, previous] of snapshot.families) this.#families.set(grantId, { previous: { ...previous } });
    this.limits.onChange?.();
  }
}
