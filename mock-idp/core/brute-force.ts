import { randomBytes } from 'node:crypto';
import { Clock } from './clock.js';
import { DEFAULTS } from './tenant/defaults.js';

/** The tenant's `bruteForceProtection` setting (Auth0's Attack Protection > Brute-force Protection). */
export interface BruteForceSettings {
  enabled: boolean;
  maxAttempts: number;
}

/** Auth0's message when a user is blocked from an address (the login page and the password grant show it). */
export const BLOCKED_MESSAGE = 'Your account has been blocked after multiple consecutive login attempts.';

/** A user and the address the failed logins came from: the pair Auth0's default mode (`count_per_identifier_and_ip`) counts. */
export interface BlockedPair {
  sub: string;
  ip: string;
}

export type FailureOutcome =
  /** Counted, not (yet) blocked; or protection is off. */
  | { blocked: false; failures: number }
  /** This failure reached the limit: the pair is blocked; `ticket` unblocks it (the link Auth0 would email). */
  | { blocked: true; failures: number; ticket: string };

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The counter as JSON (core/persistence): one row per user and address with failures counted. */
export type BruteForceSnapshot = Array<{ sub: string; ip: string; count: number; last: number; ticket?: string | undefined }>;

const keyOf = (sub: string, ip: string) => JSON.stringify([sub, normalizeAddress(ip)]);

/**
 * Consecutive failed logins per user and client address, as Auth0 counts
 * them: at the tenant's limit the pair is blocked until its unblock ticket is
 * used or an administrator unblocks the user; a successful login resets the
 * count. Whether a pair is blocked is read against the live settings, so
 * turning protection off (or raising the limit) lets the user in again, as
 * raising Auth0's threshold does. As on Auth0, a block also lifts by itself
 * 30 days after the pair's last failed login (on the mock's clock, so time
 * travel lifts it). Kept in memory, and in the data directory with `--data-dir`.
 */
export class BruteForceCounter {
  /** Consecutive failures per pair, and when the last one was (ms on the mock's clock). */
  readonly #failures = new Map<string, { count: number; last: number }>();
  /** Unblock ticket → pair, and pair → its ticket. */
  readonly #tickets = new Map<string, BlockedPair>();
  readonly #ticketOf = new Map<string, string>();

  constructor(
    private readonly settings: () => BruteForceSettings,
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
    private readonly onChange: () => void = () => {},
  ) {}

  /** The failures counted for a pair; a pair whose last failure is older than Auth0's block lifetime starts again. */
  #countOf(key: string): number {
    const failures = this.#failures.get(key);
    if (!failures) return 0;
    if (this.clock.now() - failures.last < DEFAULTS.bruteForceBlockLifetime * 1000) return failures.count;
    this.#forget(key);
    return 0;
  }

  isBlocked(sub: string, ip: string): boolean {
    const { enabled, maxAttempts } = this.settings();
    return enabled && this.#countOf(keyOf(sub, ip)) >= maxAttempts;
  }

  /** A failed login of `sub` from `ip`. Nothing is counted while protection is off. */
  fail(sub: string, ip: string): FailureOutcome {
    const { enabled, maxAttempts } = this.settings();
    if (!enabled) return { blocked: false, failures: 0 };
    const key = keyOf(sub, ip);
    const failures = this.#countOf(key) + 1;
    this.#failures.set(key, { count: failures, last: this.clock.now() });
    this.onChange();
    if (failures < maxAttempts) return { blocked: false, failures };
    let ticket = this.#ticketOf.get(key);
    if (!ticket) {
      ticket = randomBytes(24).toString('base64url');
      this.#ticketOf.set(key, ticket);
      this.#tickets.set(ticket, { sub, ip: normalizeAddress(ip) });
    }
    return { blocked: true, failures, ticket };
  }

  /** A successful login: the count of that pair starts again. */
  succeed(sub: string, ip: string): void {
    this.#forget(keyOf(sub, ip));
  }

  /** Uses an unblock ticket (once): the pair it was issued for, or undefined for an unknown or used ticket. */
  redeem(ticket: string): BlockedPair | undefined {
    const pair = this.#tickets.get(ticket);
    if (pair) this.#forget(keyOf(pair.sub, pair.ip));
    return pair;
  }

  /** Unblocks a user from every address (the admin API); returns the addresses that had failures counted. */
  unblockUser(sub: string): string[] {
    const addresses: string[] = [];
    for (const key of [...this.#failures.keys()]) {
      const [keySub, ip] = JSON.parse(key) as [string, string];
      if (keySub !== sub) continue;
      if (this.isBlocked(keySub, ip)) addresses.push(ip);
      this.#forget(key);
    }
    return addresses;
  }

  /** The pairs blocked now. */
  blocked(): BlockedPair[] {
    return [...this.#failures.keys()].map((key) => JSON.parse(key) as [string, string]).filter(([sub, ip]) => this.isBlocked(sub, ip)).map(([sub, ip]) => ({ sub, ip }));
  }

  clear(): void {
    this.#failures.clear();
    this.#tickets.clear();
    this.#ticketOf.clear();
    this.onChange();
  }

  /** The counted failures (with their unblock tickets), as JSON. */
  exportState(): BruteForceSnapshot {
    return [...this.#failures].map(([key, { count, last }]) => {
      const [sub, ip] = JSON.parse(key) as [string, string];
      const ticket = this.#ticketOf.get(key);
      return { sub, ip, count, last, ...(ticket !== undefined ? { ticket } : {}) };
    });
  }

  importState(snapshot: BruteForceSnapshot): void {
    this.#failures.clear();
    this.#tickets.clear();
    this.#ticketOf.clear();
    for (const { sub, ip, count, last, ticket } of snapshot) {
      const key = keyOf(sub, ip);
      this.#failures.set(key, { count, last });
      if (ticket === undefined) continue;
      this.#ticketOf.set(key, ticket);
      this.#tickets.set(ticket, { sub, ip: normalizeAddress(ip) });
    }
    this.onChange();
  }

  #forget(key: string): void {
    if (this.#failures.delete(key)) this.onChange();
    const ticket = this.#ticketOf.get(key);
    if (ticket) this.#tickets.delete(ticket);
    this.#ticketOf.delete(key);
  }
}
