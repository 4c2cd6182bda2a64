import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/** What the store needs to know to apply Auth0's refresh-token reuse interval. */
export type ReuseIntervalOf = (clientId: string) => number;

interface RefreshFamily {
  /** The refresh token most recently consumed by a rotation, and when. */
  previous?: { id: string; at: number; reused: boolean };
}

const now = () => Date.now();

/** Expired entries are swept once every this many writes. */
const SWEEP_EVERY = 1_000;

/**
 * The provider's storage: one in-memory store shared by every provider
 * instance this process builds (keys rotate by rebuilding the provider, state
 * survives). Besides oidc-provider's adapter contract it answers "which grants
 * does this user have" and implements Auth0's refresh-token reuse interval:
 * the immediately previous refresh token of a family may be used once within
 * the interval without tripping reuse detection.
 */
export class Store {
  readonly #models = new Map<string, Map<string, Entry>>();
  readonly #families = new Map<string, RefreshFamily>();
  #writes = 0;

  constructor(private readonly reuseIntervalOf: ReuseIntervalOf) {}

  adapterFor = (name: string): Adapter => new ModelAdapter(this, name);

  model(name: string): Map<string, Entry> {
    let m = this.#models.get(name);
    if (!m) this.#models.set(name, (m = new Map()));
    return m;
  }

  get(name: string, id: string): AdapterPayload | undefined {
    const models = this.model(name);
    const entry = models.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      models.delete(id);
      return undefined;
    }
    return entry.payload;
  }

  upsert(name: string, id: string, payload: AdapterPayload, expiresIn: number): void {
    this.model(name).set(id, { payload, expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined });
    if (++this.#writes % SWEEP_EVERY === 0) this.sweep();
  }

  /** Drops expired entries nobody asked for again (codes, interactions, sessions), so memory stays flat under load. */
  sweep(): void {
    const at = now();
    for (const models of this.#models.values()) {
      for (const [id, entry] of models) if (entry.expiresAt !== undefined && entry.expiresAt <= at) models.delete(id);
    }
    for (const grantId of this.#families.keys()) {
      if (!this.#models.get('Grant')?.has(grantId)) this.#families.delete(grantId);
    }
  }

  /** Applies the reuse interval to a refresh token lookup. */
  findRefreshToken(id: string): AdapterPayload | undefined {
    const payload = this.get('RefreshToken', id);
    if (!payload?.consumed || !payload.grantId || !payload.clientId) return payload;
    const previous = this.#families.get(payload.grantId)?.previous;
    const interval = this.reuseIntervalOf(payload.clientId) * 1000;
    if (previous?.id === id && !previous.reused && interval > 0 && now() - previous.at <= interval) {
      const { consumed: _consumed, ...unconsumed } = payload;
      return unconsumed;
    }
    return payload;
  }

  consume(name: string, id: string): void {
    const payload = this.get(name, id);
    if (!payload) return;
    if (name === 'RefreshToken' && payload.grantId) {
      const family = this.#families.get(payload.grantId) ?? {};
      if (payload.consumed && family.previous?.id === id) family.previous.reused = true;
      else family.previous = { id, at: now(), reused: false };
      this.#families.set(payload.grantId, family);
    }
    payload.consumed = payload.consumed ?? Math.floor(now() / 1000);
  }

  destroy(name: string, id: string): void {
    this.model(name).delete(id);
  }

  revokeByGrantId(grantId: string): void {
    for (const models of this.#models.values()) {
      for (const [id, entry] of models) if (entry.payload.grantId === grantId) models.delete(id);
    }
    this.#families.delete(grantId);
  }

  /** Grant ids of every grant a user holds (sessions, codes, refresh tokens). */
  grantIdsOf(accountId: string): Set<string> {
    const ids = new Set<string>();
    for (const name of ['Grant', 'RefreshToken', 'AuthorizationCode', 'AccessToken']) {
      for (const { payload } of this.model(name).values()) {
        if (payload.accountId === accountId && payload.grantId) ids.add(payload.grantId);
        if (name === 'Grant' && payload.accountId === accountId && payload.jti) ids.add(payload.jti);
      }
    }
    return ids;
  }

  /** Removes a user's login sessions and every grant (and so refresh token) they hold. */
  revokeUser(accountId: string): void {
    for (const grantId of this.grantIdsOf(accountId)) {
      this.revokeByGrantId(grantId);
      this.model('Grant').delete(grantId);
    }
    const sessions = this.model('Session');
    for (const [id, { payload }] of sessions) if (payload.accountId === accountId) sessions.delete(id);
  }

  clear(): void {
    this.#models.clear();
    this.#families.clear();
  }
}

class ModelAdapter implements Adapter {
  constructor(private readonly store: Store, private readonly name: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.store.upsert(this.name, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.name === 'RefreshToken' ? this.store.findRefreshToken(id) : this.store.get(this.name, id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    for (const [id] of this.store.model(this.name)) {
      const payload = this.store.get(this.name, id);
      if (payload?.userCode === userCode) return payload;
    }
    return undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [id] of this.store.model(this.name)) {
      const payload = this.store.get(this.name, id);
      if (payload?.uid === uid) return payload;
    }
    return undefined;
  }

  async consume(id: string): Promise<void> {
    this.store.consume(this.name, id);
  }

  async destroy(id: string): Promise<void> {
    this.store.destroy(this.name, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.store.revokeByGrantId(grantId);
  }
}
