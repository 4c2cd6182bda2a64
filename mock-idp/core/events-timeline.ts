import { Clock } from './clock.js';
import type { EventLog, MockEvent } from './events.js';
import type { Lifetime } from './token-lifetimes.js';

export type TimelineToken = 'id_token' | 'access_token' | 'refresh_token';

/**
 * What a timeline entry says happened:
 * - `login`, `logout`: a login session began or ended;
 * - `issued`: a token was issued (`token`, its `issuedAt`, `expiresAt`, the `lifetime` that applied and its setting);
 * - `rotated`: a refresh token was exchanged and replaced (the new one is the next `issued` entry of the family);
 * - `reuse_detected`: a rotated refresh token was used again; `family_revoked` follows (the whole family is dead);
 * - `revoked`: a token or family ended otherwise (`/oauth/revoke`, the admin API revoking the user);
 * - `keys`: the signing keys changed (a rotation: tokens signed before stay valid while their key is published);
 * - `clock`: time travel moved the mock's clock.
 */
export type TimelineKind = 'login' | 'logout' | 'issued' | 'rotated' | 'reuse_detected' | 'family_revoked' | 'revoked' | 'keys' | 'clock';

export interface TimelineEntry {
  seq: number;
  /** On the mock's clock, as `MockEvent.at`. */
  at: string;
  kind: TimelineKind;
  token?: TimelineToken;
  clientId?: string;
  sub?: string;
  /** The user's email, when the mock knows the user. */
  user?: string;
  /** The login session (`sid` of the ID token), when the token belongs to one. */
  session?: string;
  /** The token family: the grant the tokens were issued under (a refresh token's rotations share it). */
  family?: string;
  audience?: string | string[];
  issuedAt?: string;
  expiresAt?: string;
  lifetime?: Lifetime;
  /** Refresh tokens: the family's absolute end, and how many rotations led to this one. */
  refresh?: { idle: Lifetime; absolute: Lifetime; absoluteExpiresAt: string; rotations: number };
  /** The signing key's id (`kid`), for issued JWTs and key changes. */
  kid?: string;
  /** Why, in words (`keys`: which change; `revoked`: by what). */
  note?: string;
}

export interface TimelineFilter {
  /** A sub or email. */
  user?: string | undefined;
  session?: string | undefined;
  client?: string | undefined;
  since?: number | undefined;
}

/** The events of the log that belong on the timeline, as its entries. */
function fromEvent(event: MockEvent): Omit<TimelineEntry, 'seq' | 'at'> | undefined {
  const who = { ...(event.clientId ? { clientId: event.clientId } : {}), ...(event.sub ? { sub: event.sub } : {}) };
  switch (event.type) {
    case 'login.success':
      return { kind: 'login', ...who };
    case 'logout.success':
    case 'end_session.success':
      return { kind: 'logout', ...who, note: event.type === 'logout.success' ? '/v2/logout' : '/oidc/logout' };
    case 'user.revoked':
      return { kind: 'revoked', ...who, note: 'the admin API revoked the user: sessions ended, refresh tokens revoked' };
    case 'keys.rotated':
      return { kind: 'keys', kid: String(event.detail?.active), note: 'signing key rotated: new tokens are signed with this key; the previous key stays in the JWKS until retired' };
    case 'keys.published':
      return { kind: 'keys', ...(event.detail?.next ? { kid: String(event.detail.next) } : {}), note: 'next signing key published in the JWKS' };
    case 'keys.retired':
      return { kind: 'keys', note: 'a signing key was retired: tokens it signed no longer validate once APIs refetch the JWKS' };
    case 'clock.advanced':
      return { kind: 'clock', note: `the mock's clock moved ${String(event.detail?.by)} s forward` };
    default:
      return undefined;
  }
}

/**
 * For each session and token family: when each token was issued and expires, with the lifetime that applied
 * and where it came from; rotations, reuse detection and the revocation it caused, logouts, key rotations.
 * Fed by the oidc layer (tokens) and by the event log (logins, logouts, keys); bounded, cleared with it.
 */
export class Timeline {
  #entries: TimelineEntry[] = [];
  readonly #byFamily = new Map<string, TimelineEntry[]>();
  #seq = 0;

  constructor(
    events: EventLog,
    private readonly userOf: (sub: string) => string | undefined,
    private readonly size: number,
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
  ) {
    events.onAdd((event) => {
      if (event.type === 'reset') return this.clear();
      const entry = fromEvent(event);
      if (entry) this.add(entry);
    });
  }

  add(entry: Omit<TimelineEntry, 'seq' | 'at'>): TimelineEntry {
    const user = entry.sub ? this.userOf(entry.sub) : undefined;
    const full: TimelineEntry = { seq: ++this.#seq, at: new Date(this.clock.now()).toISOString(), ...entry, ...(user && !entry.user ? { user } : {}) };
    const family = full.family === undefined ? undefined : this.#familyEntries(full.family);
    // The session of a family is learnt from its ID token's `sid`: the family's earlier entries get it too.
    if (full.session && family) for (const e of family) e.session ??= full.session;
    this.#entries.push(full);
    family?.push(full);
    if (this.#entries.length > this.size) this.#drop(this.#entries.shift()!);
    return full;
  }

  /** The entries of a family, oldest first (kept beside the list: a token's entry reads them, not the whole timeline). */
  #familyEntries(family: string): TimelineEntry[] {
    const known = this.#byFamily.get(family);
    if (known) return known;
    const entries: TimelineEntry[] = [];
    this.#byFamily.set(family, entries);
    return entries;
  }

  /** Forgets the oldest entry in its family's list too (it is that list's first). */
  #drop(oldest: TimelineEntry): void {
    if (oldest.family === undefined) return;
    const family = this.#byFamily.get(oldest.family);
    family?.shift();
    if (family?.length === 0) this.#byFamily.delete(oldest.family);
  }

  /** The entries after `since`, oldest first; a user (sub or email), session or client keeps theirs. */
  list(filter: TimelineFilter = {}): TimelineEntry[] {
    const user = filter.user?.toLowerCase();
    // seq only grows: the entries after `since` are a tail of the list.
    const since = filter.since ?? 0;
    let from = this.#entries.length;
    while (from > 0 && this.#entries[from - 1]!.seq > since) from--;
    const keep = (e: TimelineEntry) =>
      (user === undefined || e.sub?.toLowerCase() === user || e.user?.toLowerCase() === user) &&
      (filter.session === undefined || e.session === filter.session) &&
      (filter.client === undefined || e.clientId === filter.client);
    const result: TimelineEntry[] = [];
    for (let i = from; i < this.#entries.length; i++) if (keep(this.#entries[i]!)) result.push(this.#entries[i]!);
    return result;
  }

  /** The seq of the newest entry (0 before any). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** What the timeline knows of a token family (its client, user and session), from its entries. */
  familyOf(family: string): Pick<TimelineEntry, 'session' | 'sub' | 'clientId'> {
    const known: Pick<TimelineEntry, 'session' | 'sub' | 'clientId'> = {};
    for (const e of this.#byFamily.get(family) ?? []) {
      if (e.session) known.session ??= e.session;
      if (e.sub) known.sub ??= e.sub;
      if (e.clientId) known.clientId ??= e.clientId;
    }
    return known;
  }

  clear(): void {
    this.#entries = [];
    this.#byFamily.clear();
  }
}
