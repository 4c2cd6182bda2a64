import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Actions } from './actions/types.js';
import { BruteForceCounter } from './brute-force.js';
import { Clock } from './clock.js';
import { Directory } from './directory.js';
import { EventLog } from './events.js';
import { Timeline } from './events-timeline.js';
import { MultiFactor } from './mfa.js';
import { KeyRing, type KeyInfo, type PrivateJwk } from './keys.js';
import { LoginFaults, type UnparseableJwk } from './login-faults.js';
import { OfflineRequests } from './offline-requests.js';
import { Invitations, LoginOrganizations } from './organizations.js';
import { EmailLinks, Outbox } from './outbox.js';
import { PasswordlessCodes } from './passwordless.js';
import { STATE_FORMAT, STATE_VERSION, type StateSnapshot } from './persistence/snapshot.js';
import { Store, type ReuseIntervalOf, type StateStore, type StoredPayload } from './store.js';
import { MockIdpError } from './errors.js';
import { DEFAULTS } from './tenant/defaults.js';
import { parseTenant } from './tenant/load.js';
import type { Tenant, TenantInput } from './tenant/schema.js';

/**
 * Builds what depends on the tenant and keys (the oidc-provider instance) for
 * a candidate directory. It throws to refuse the change; otherwise it returns
 * the step that makes the new build live, run only once every builder agreed.
 */
export type Rebuild = (directory: Directory) => () => void;

/** The run-time state replicas share beside the store (core/redis/shared-state.ts): a state snapshot without its `store`. */
export type SharedSnapshot = Omit<StateSnapshot, 'store'>;

/** The writes of one caller (a request, or the in-process API): the first failure among them, until `settled()` reports it. */
interface WriteScope {
  failure?: unknown;
}

/** Builds the store a mock keeps oidc-provider's models in (default: in memory). */
export type StoreFactory = (reuseIntervalOf: ReuseIntervalOf, clock: Clock) => StateStore;

/** The store is shared (Redis): its entries cannot be exported as one JSON state from one replica. */
export class StateNotExportable extends MockIdpError {
  declare readonly code: 'ERR_STATE_SHARED';
  constructor() {
    super('ERR_STATE_SHARED', 'this mock keeps its state in Redis: a state snapshot (export, import) is for a mock that keeps it in memory or a data directory');
  }
}

/** What follows a login session the mock ended itself (the oidc layer's back-channel logout); it never throws. */
export type SessionEndHook = (session: StoredPayload) => Promise<void>;

/**
 * The live state of one mock IdP: the tenant (a Directory), the signing keys,
 * the store, the event log. No HTTP and no oidc-provider here: the oidc layer
 * registers a Rebuild and is rebuilt whenever the tenant or the keys change.
 */
export class MockState {
  /** The mock's notion of now (time travel): everything below reads the time from it. */
  readonly clock = new Clock();
  readonly keys: KeyRing;
  readonly store: StateStore;
  readonly events = new EventLog(DEFAULTS.eventLogSize, this.clock);
  /** Tokens issued, rotated, revoked per session and family, logins, logouts, key changes (`GET /_mock/timeline`). */
  readonly timeline = new Timeline(this.events, (sub) => this.#directory.person(sub)?.email, DEFAULTS.timelineSize, this.clock);
  /** prompt=none requests that asked for offline_access (see core/offline-requests.ts). */
  readonly offlineRequests = new OfflineRequests(this.clock);
  readonly cookieKeys = [randomBytes(32).toString('base64url')];
  /** Consecutive failed logins per user and address (the tenant's `bruteForceProtection`), for the login page and the password grant. */
  readonly bruteForce = new BruteForceCounter(() => this.#directory.tenant.bruteForceProtection, this.clock, () => this.#changed());
  /** MFA: who must give a one-time code, users' OTP secrets, wrong codes. */
  readonly mfa = new MultiFactor(() => this.#directory.tenant, this.clock, DEFAULTS.maxPendingEntries, () => this.#changed());
  /** Faults planted into single logins by the relying-party conformance harness. */
  readonly loginFaults = new LoginFaults(this.clock);
  /** When this mock started: the creation time of tenant users whose entry gives none. */
  readonly startedAt = new Date().toISOString();
  /** The emails mock-idp would have sent (verification, password reset, unblock), kept instead. */
  readonly outbox = new Outbox(DEFAULTS.outboxSize, undefined, this.clock, () => this.#changed());
  /** Passwordless one-time codes (email and SMS), sent to the outbox. */
  readonly passwordless = new PasswordlessCodes(this.clock, this.outbox, DEFAULTS.maxPendingEntries, () => this.#changed());
  /** The tickets of the links in those emails (they expire on the mock's clock). */
  readonly emailLinks = new EmailLinks(DEFAULTS.maxEmailLinks, this.clock, () => this.#changed());
  /** GET requests of the JWKS served so far (how often relying parties fetched the keys). */
  jwksFetches = 0;
  /** The organization of each user's last login to each application (`org_id` of its tokens). */
  readonly loginOrganizations = new LoginOrganizations(() => this.#changed());
  /** Pending invitations to organizations (Management API), accepted by the invitee's login or sign-up. */
  readonly invitations = new Invitations(() => this.clock.now(), () => this.#changed());
  /** The tenant's Actions (core/actions/run.ts), installed by startMockIdp; none without it. */
  actions: Actions | undefined;
  #directory: Directory;
  /** Whether the tenant was changed at run time (a state snapshot then carries it). */
  #tenantEdited = false;
  readonly #changeListeners: Array<() => void> = [];
  readonly #rebuilds: Rebuild[] = [];
  readonly #sessionEndHooks: SessionEndHook[] = [];
  /** Session-end hooks still running (back-channel logout requests in flight). */
  readonly #ending = new Set<Promise<void>>();
  /** Writes still going to a shared store (Redis) that a request's answer waits for (`settled()`). */
  readonly #pending = new Set<Promise<unknown>>();
  /** Whose writes these are: each request runs in its own scope (`scoped`), in-process calls share one. */
  readonly #scopes = new AsyncLocalStorage<WriteScope>();
  readonly #unscoped: WriteScope = {};

  constructor(
    readonly issuer: string,
    private readonly initialTenant: Tenant,
    private readonly initialKeys: readonly PrivateJwk[],
    store?: StoreFactory,
  ) {
    this.#directory = new Directory(initialTenant, { issuer });
    this.keys = new KeyRing(initialKeys);
    const reuseIntervalOf: ReuseIntervalOf = (clientId) => this.#directory.application(clientId)?.refreshToken.reuseInterval ?? 0;
    this.store = store
      ? store(reuseIntervalOf, this.clock)
      : new Store(reuseIntervalOf, {
          maxPending: DEFAULTS.maxPendingEntries,
          onEvicted: (count) => this.#noteEvicted(count),
          onChange: () => this.#changed(),
        }, this.clock);
  }

  /**
   * Runs one caller's work (an HTTP request) in a scope of its own: `settled()` inside it reports the
   * failure of the writes its own changes started, not another request's.
   */
  scoped<T>(work: () => Promise<T>): Promise<T> {
    return this.#scopes.run({}, work);
  }

  #scope(): WriteScope {
    return this.#scopes.getStore() ?? this.#unscoped;
  }

  /**
   * Keeps a write to a shared store in flight until it settles. A failure (StateConflict, Redis gone) is
   * kept for the scope that started it: its `settled()` throws it.
   */
  track(work: Promise<unknown>): void {
    const scope = this.#scope();
    const running = work
      .catch((err: unknown) => {
        // In process nobody may ask: said on the console too.
        if (scope === this.#unscoped) console.error('mock-idp: a state write failed (idp.settled() rejects with it):', err);
        scope.failure ??= err;
      })
      .finally(() => this.#pending.delete(running));
    this.#pending.add(running);
  }

  /** Whether writes are in flight, or one of this scope's failed (the HTTP layer then waits for them before it answers). */
  get unsettled(): boolean {
    return this.#pending.size > 0 || this.#scope().failure !== undefined;
  }

  /**
   * Resolves once every tracked write has settled (those started meanwhile too); then throws the first
   * failure of a write this scope started (once: a second call resolves).
   */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    const scope = this.#scope();
    const { failure } = scope;
    if (failure === undefined) return;
    delete scope.failure;
    throw failure;
  }

  /** Registers what follows every change of the state (the data directory's writer); it must not throw. */
  onChange(listener: () => void): void {
    this.#changeListeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#changeListeners) listener();
  }

  /** The whole run-time state as JSON (core/persistence/snapshot.ts): what `--data-dir` keeps and `state export` moves. */
  exportSnapshot(): StateSnapshot {
    if (!this.store.exportState) throw new StateNotExportable();
    return { ...this.exportShared(), store: this.store.exportState() };
  }

  /** The key ring with its private keys, as a state snapshot holds it (`restoreKeys` puts it back); in every state mode, Redis included. */
  exportKeys(): StateSnapshot['keys'] {
    const keys = this.keys.snapshot();
    return { keys: keys.keys, next: keys.next ?? null };
  }

  /** The run-time state but the store: what replicas on Redis share (core/redis/shared-state.ts). */
  exportShared(): SharedSnapshot {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      savedAt: new Date().toISOString(),
      issuer: this.issuer,
      seed: this.seedDigest,
      clockOffset: this.clock.offset,
      ...(this.#tenantEdited ? { tenant: structuredClone(this.tenant) as TenantInput } : {}),
      keys: this.exportKeys(),
      cookieKeys: [...this.cookieKeys],
      outbox: this.outbox.exportState(),
      emailLinks: this.emailLinks.exportState(),
      bruteForce: this.bruteForce.exportState(),
      mfa: this.mfa.exportState(),
      passwordless: this.passwordless.exportState(),
      invitations: this.invitations.exportState(),
      loginOrganizations: this.loginOrganizations.exportState(),
    };
  }

  /** The seed tenant as a shared document carries a tenant (a JSON copy: defaults filled in). */
  get seedTenant(): TenantInput {
    return JSON.parse(JSON.stringify(this.initialTenant)) as TenantInput;
  }

  /** sha256 of the seed tenant: a snapshot's `seed`, to tell whether it grew from this tenant file. */
  get seedDigest(): string {
    // The seed never changes: hashed once, not on every write of the state.
    this.#seedDigest ??= createHash('sha256').update(JSON.stringify(this.initialTenant)).digest('hex');
    return this.#seedDigest;
  }
  #seedDigest: string | undefined;

  /**
   * Replaces the whole state with a checked snapshot (checkSnapshot). Its tenant (the seed's when it
   * has none) and keys are built first: a refused build (TenantConfigError) changes nothing.
   */
  importSnapshot(snapshot: StateSnapshot): void {
    if (!this.store.importState) throw new StateNotExportable();
    this.#importShared(snapshot);
    this.store.importState(snapshot.store);
    this.offlineRequests.clear();
    this.events.add({ type: 'state.imported', detail: { savedAt: snapshot.savedAt, entries: snapshot.store.entries.length } });
    this.#changed();
  }

  /**
   * Takes another replica's shared state (tenant, keys, cookie keys, clock, outbox, links, brute-force
   * counts). `current` is this replica's shared state as it stands (the shared document's copy): oidc-provider
   * is rebuilt only when the tenant, keys or cookie keys differ from it.
   */
  importShared(snapshot: SharedSnapshot, current: SharedSnapshot): void {
    this.#importShared(snapshot, current);
    this.#changed();
  }

  /** Throws what importing `snapshot` would (TenantConfigError for a tenant it refuses), changing nothing. */
  checkShared(snapshot: SharedSnapshot): void {
    if (snapshot.tenant) new Directory(parseTenant(structuredClone(snapshot.tenant), 'state tenant'), { issuer: this.issuer });
  }

  /** Imports `snapshot`; with `current`, rebuilds only when the tenant or the keys differ from it. */
  #importShared(snapshot: SharedSnapshot, current?: SharedSnapshot): void {
    const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);
    if (!current || !same(current.tenant, snapshot.tenant) || !same(current.keys, snapshot.keys) || !same(current.cookieKeys, snapshot.cookieKeys)) {
      const directory = snapshot.tenant ? new Directory(parseTenant(structuredClone(snapshot.tenant), 'state tenant'), { issuer: this.issuer }) : new Directory(this.initialTenant, { issuer: this.issuer });
      const before = this.keys.snapshot();
      const cookieKeys = [...this.cookieKeys];
      this.keys.restore({ keys: structuredClone(snapshot.keys.keys), next: snapshot.keys.next ?? undefined });
      // oidc-provider reads the cookie keys when it is built: the same array, its content replaced.
      this.cookieKeys.splice(0, this.cookieKeys.length, ...snapshot.cookieKeys);
      try {
        this.#applyKeys(before, directory);
      } catch (err) {
        this.cookieKeys.splice(0, this.cookieKeys.length, ...cookieKeys);
        throw err;
      }
      this.#tenantEdited = snapshot.tenant !== undefined;
    }
    this.clock.restore(snapshot.clockOffset);
    this.outbox.importState(snapshot.outbox);
    this.emailLinks.importState(snapshot.emailLinks);
    this.bruteForce.importState(snapshot.bruteForce);
    // Files written before MFA was kept have neither: nothing enrolled at run time, no codes pending.
    this.mfa.importState(snapshot.mfa ?? { enrolled: [], recoveryCodes: [], emailFactor: [], failures: [], tokens: [], oobCodes: [] });
    this.passwordless.importState(snapshot.passwordless ?? []);
    this.invitations.importState(snapshot.invitations ?? []);
    this.loginOrganizations.importState(snapshot.loginOrganizations ?? []);
  }

  #evicted = 0;
  /** One event for the first eviction and one per thousand after it: the log says so without being flooded. */
  #noteEvicted(count: number): void {
    const before = this.#evicted;
    this.#evicted += count;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.#evicted / 1000)) {
      this.events.add({ type: 'store.evicted', error: 'too_many_pending', detail: { evicted: this.#evicted, limit: DEFAULTS.maxPendingEntries } });
    }
  }

  get directory(): Directory {
    return this.#directory;
  }

  get tenant(): Tenant {
    return this.#directory.tenant;
  }

  /** Registers something built from the tenant and keys, and builds it now. */
  onRebuild(rebuild: Rebuild): void {
    rebuild(this.#directory)();
    this.#rebuilds.push(rebuild);
  }

  /** Rebuilds what depends on the tenant without changing it (an Action set an ID-token claim the provider must learn to release). */
  rebuild(): void {
    this.#apply(this.#directory);
  }

  /** Registers what must follow a login session the mock ends itself (`endSessionsOf`). */
  onSessionEnd(hook: SessionEndHook): void {
    this.#sessionEndHooks.push(hook);
  }

  /**
   * Ends a user's login sessions and revokes every grant and refresh token they hold, then runs the
   * session-end hooks for each ended session (back-channel logout) in the background: `sessionEndsSettled()`
   * waits for them.
   */
  endSessionsOf(accountId: string): void {
    const ending = async () => {
      const sessions = (await this.store.sessionsOf(accountId)).map((s) => structuredClone(s));
      await this.store.revokeUser(accountId);
      for (const session of sessions) {
        for (const hook of this.#sessionEndHooks) {
          const running = hook(session)
            .catch((err: unknown) => console.error('mock-idp: after ending a session:', err))
            .finally(() => this.#ending.delete(running));
          this.#ending.add(running);
        }
      }
    };
    const revoking = ending();
    this.track(revoking);
    const waited = revoking.catch(() => {}).finally(() => this.#ending.delete(waited));
    this.#ending.add(waited);
  }

  /** Resolves once every session-end hook started so far has finished. */
  async sessionEndsSettled(): Promise<void> {
    while (this.#ending.size > 0) await Promise.all([...this.#ending]);
  }

  /** Every builder builds for `directory` first; only when all succeed does it become the live tenant. */
  #apply(directory: Directory): void {
    const commits = this.#rebuilds.map((rebuild) => rebuild(directory));
    this.#directory = directory;
    for (const commit of commits) commit();
  }

  /** Rebuilds for keys just changed from `before`; a refused rebuild puts the keys back as they were. */
  #applyKeys(before: ReturnType<KeyRing['snapshot']>, directory = this.#directory): void {
    try {
      this.#apply(directory);
    } catch (err) {
      this.keys.restore(before);
      throw err;
    }
  }

  /**
   * Replaces the tenant after validating it. A refused tenant (TenantConfigError,
   * or a build that throws) changes nothing. Sessions, grants and refresh tokens are kept.
   */
  replaceTenant(input: TenantInput): Tenant {
    const directory = new Directory(parseTenant(structuredClone(input), 'tenant update'), { issuer: this.issuer });
    this.#apply(directory);
    this.#tenantEdited = true;
    this.events.add({ type: 'tenant.updated' });
    this.#changed();
    return directory.tenant;
  }

  /** Moves the mock's now forward by `seconds` (time travel); what would expire by then, expires. */
  advanceClock(seconds: number): void {
    const before = this.clock.offset;
    this.clock.advance(seconds);
    this.#changed();
    this.events.add({ type: 'clock.advanced', detail: { by: this.clock.offset - before, offset: this.clock.offset } });
  }

  /** Back to the start: the tenant and keys it started with, no sessions, grants or tokens, an empty event log and outbox, the real time. */
  reset(): void {
    const before = this.keys.snapshot();
    this.keys.reset(this.initialKeys);
    this.#applyKeys(before, new Directory(this.initialTenant, { issuer: this.issuer }));
    this.#tenantEdited = false;
    const clearing = this.store.clear();
    if (clearing instanceof Promise) this.track(clearing);
    this.clock.reset();
    this.offlineRequests.clear();
    this.loginOrganizations.clear();
    this.invitations.clear();
    this.bruteForce.clear();
    this.loginFaults.clear();
    this.outbox.clear();
    this.emailLinks.clear();
    this.mfa.clear();
    this.passwordless.clear();
    this.events.clear();
    this.jwksFetches = 0;
    this.events.add({ type: 'reset' });
    this.#changed();
  }

  /** Retires the oldest published keys past the cap, so rotating in a loop cannot grow the JWKS without bound. */
  #capKeys(): void {
    const retired: string[] = [];
    while (this.keys.list().length > DEFAULTS.maxPublishedKeys) {
      const oldest = this.keys.list().findLast((k) => k.status === 'published');
      if (!oldest) break;
      this.keys.retire(oldest.kid);
      retired.push(oldest.kid);
    }
    if (retired.length) this.events.add({ type: 'keys.retired', error: 'too_many_keys', detail: { retired, limit: DEFAULTS.maxPublishedKeys } });
  }

  /** A key ring change that adds a key: capped, then rebuilt (or put back). */
  async #addKey(change: () => Promise<unknown>): Promise<KeyInfo[]> {
    const before = this.keys.snapshot();
    await change();
    this.#capKeys();
    this.#applyKeys(before);
    this.#changed();
    return this.keys.list();
  }

  async rotateKeys(next?: PrivateJwk): Promise<KeyInfo[]> {
    const keys = await this.#addKey(() => this.keys.rotate(next));
    this.events.add({ type: 'keys.rotated', detail: { active: this.keys.active.kid } });
    return keys;
  }

  /** Publishes a next key in the JWKS without signing with it; `rotateKeys()` promotes it. */
  async publishNextKey(next?: PrivateJwk): Promise<KeyInfo[]> {
    const keys = await this.#addKey(() => this.keys.publishNext(next));
    this.events.add({ type: 'keys.published', detail: { next: keys.find((k) => k.status === 'next')?.kid } });
    return keys;
  }

  /**
   * Puts the key ring back as `exportSnapshot().keys` had it (the conformance harness undoing its
   * rotations on a mock other apps trust). A ring the provider refuses changes nothing and throws.
   */
  restoreKeys(snapshot: StateSnapshot['keys']): KeyInfo[] {
    const before = this.keys.snapshot();
    this.keys.restore({ keys: structuredClone(snapshot.keys), next: snapshot.next ?? undefined });
    this.#applyKeys(before);
    this.#changed();
    this.events.add({ type: 'keys.restored', detail: { active: this.keys.active.kid, published: this.keys.list().map((k) => k.kid) } });
    return this.keys.list();
  }

  /** Publishes a key no client can parse beside the real ones (RP-14); `retireKey(kid)` removes it. */
  publishUnparseableKey(): UnparseableJwk {
    const key = this.loginFaults.publishUnparseableKey();
    this.events.add({ type: 'keys.published', detail: { unparseable: key.kid } });
    return key;
  }

  retireKey(kid?: string): KeyInfo[] {
    if (kid !== undefined && this.loginFaults.withdrawKey(kid)) {
      this.events.add({ type: 'keys.retired', detail: { unparseable: kid } });
      return this.keys.list();
    }
    const before = this.keys.snapshot();
    const keys = this.keys.retire(kid);
    this.#applyKeys(before);
    this.#changed();
    this.events.add({ type: 'keys.retired', detail: { published: keys.map((k) => k.kid) } });
    return keys;
  }
}
