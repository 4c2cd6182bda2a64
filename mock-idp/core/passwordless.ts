import { createHash, randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { BoundedMap } from './bounded-map.js';
import type { Clock } from './clock.js';
import type { Outbox } from './outbox.js';
import { DEFAULTS } from './tenant/defaults.js';

/** Auth0's passwordless connections. */
export const PASSWORDLESS_CONNECTIONS = ['email', 'sms'] as const;
export type PasswordlessConnection = (typeof PASSWORDLESS_CONNECTIONS)[number];

export const isPasswordlessConnection = (value: unknown): value is PasswordlessConnection => (PASSWORDLESS_CONNECTIONS as readonly unknown[]).includes(value);

/**
 * An address a passwordless email may go to (the login page's "Email me a code", `/passwordless/start`, a magic
 * link): the tenant schema's own rule (zod's `z.email()` pattern), so an address accepted here can become a user.
 */
export const EMAIL_ADDRESS = z.regexes.email;
/** A phone number in E.164 (`+15555550100`): the SMS connection's addresses. */
export const E164_PHONE = /^\+[1-9]\d{6,14}$/;

/** What checking a passwordless code gave. */
export type PasswordlessCheck = { outcome: 'ok'; sub: string } | { outcome: 'wrong' | 'expired' | 'too-many' };

/** Auth0's id of a passwordless identity (`_id` of /passwordless/start's answer, and the user's `email|<id>` / `sms|<id>`): stable per address. */
export const passwordlessId = (address: string) => createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 24);

/** Where a magic link leads once opened: the user it signs in, or Auth0's error for the application's callback. */
export type MagicLinkOutcome = { sub: string } | { error: string; error_description: string };

/** Auth0's `error_description` for a passwordless code that did not sign anyone in (the grant, a magic link). */
export function passwordlessFailure(connection: PasswordlessConnection, outcome: Exclude<PasswordlessCheck['outcome'], 'ok'>): string {
  return {
    wrong: `Wrong ${connection === 'email' ? 'email' : 'phone number'} or verification code.`,
    expired: 'The verification code has expired. Please try to login again.',
    'too-many': "You've reached the maximum number of attempts. Please try to login again.",
  }[outcome];
}

/** A sent passwordless code as a restart keeps it: `[connection:address, code]` (core/persistence). */
export type PasswordlessSnapshot = Array<[key: string, SentCode]>;

interface SentCode {
  code: string;
  expiresAt: number;
  failures: number;
}

/**
 * Passwordless one-time codes (`POST /passwordless/start`): one per connection and
 * address, the latest replacing any before it, expiring on the mock's clock, spent by a
 * right code or by Auth0's 3 wrong ones. Codes go to the outbox (SMS too, addressed to
 * the phone number). Who signs in is the caller's (core/tenant/edits.ts `passwordlessSignIn`).
 */
export class PasswordlessCodes {
  readonly #codes: BoundedMap<string, Omit<SentCode, 'expiresAt'>>;
  /** Opened magic links waiting for their authorization to reach the login step (a cookie carries the ticket). */
  readonly #magicLogins: BoundedMap<string, { clientId: string; outcome: MagicLinkOutcome }>;

  constructor(
    clock: Pick<Clock, 'now'>,
    private readonly outbox: Outbox,
    max: number = DEFAULTS.maxPendingEntries,
    /** Called after every change a restart keeps (the codes; opened magic links are not kept). */
    private readonly onChange: () => void = () => {},
  ) {
    this.#codes = new BoundedMap(max, clock);
    this.#magicLogins = new BoundedMap(max, clock);
  }

  /** The unexpired codes, oldest first. */
  exportState(): PasswordlessSnapshot {
    return [...this.#codes.entries()].map(([key, sent, expiresAt]) => [key, { ...sent, expiresAt: expiresAt ?? 0 }]);
  }

  importState(codes: PasswordlessSnapshot): void {
    this.clear();
    for (const [key, { expiresAt, ...sent }] of codes) this.#codes.set(key, sent, expiresAt);
    this.onChange();
  }

  /** Sends a new code to `address` (an email, or an E.164 phone number for sms); returns it. */
  send(connection: PasswordlessConnection, address: string, appName: string): string {
    const { code, expiresAt } = this.#issue(connection, address);
    this.outbox.add({
      to: address.trim(),
      kind: 'passwordless_code',
      subject: connection === 'sms' ? 'SMS' : `Welcome to ${appName}`,
      text: `Your verification code is: ${code}. It expires in ${DEFAULTS.passwordless.codeLifetime / 60} minutes.`,
      links: [],
      code,
      expires: new Date(expiresAt).toISOString(),
    });
    return code;
  }

  /**
   * Emails a magic link: a new code (replacing any before it, as a code would) inside the link
   * `linkTo(code)` builds (`/passwordless/verify_redirect?…&verification_code=<code>`); returns the link.
   */
  sendLink(email: string, appName: string, linkTo: (code: string) => string): string {
    const { code, expiresAt } = this.#issue('email', email);
    const link = linkTo(code);
    this.outbox.add({
      to: email.trim(),
      kind: 'passwordless_link',
      subject: `Welcome to ${appName}`,
      text: `Click and confirm that you want to sign in to ${appName}. This link will expire in ${DEFAULTS.passwordless.codeLifetime / 60} minutes: ${link}`,
      links: [link],
      expires: new Date(expiresAt).toISOString(),
    });
    return link;
  }

  #issue(connection: PasswordlessConnection, address: string): { code: string; expiresAt: number } {
    const { codeLength, codeLifetime } = DEFAULTS.passwordless;
    const code = String(randomInt(10 ** codeLength)).padStart(codeLength, '0');
    const expiresAt = this.#codes.setFor(keyOf(connection, address), { code, failures: 0 }, codeLifetime);
    this.onChange();
    return { code, expiresAt };
  }

  /** Keeps what an opened magic link gave until the login step of its authorization takes it (`lifetimeSeconds`); returns the ticket. */
  holdMagicLogin(clientId: string, outcome: MagicLinkOutcome, lifetimeSeconds: number): string {
    const ticket = randomBytes(24).toString('base64url');
    this.#magicLogins.setFor(ticket, { clientId, outcome }, lifetimeSeconds);
    return ticket;
  }

  /** The outcome an opened magic link left for this application's login step, once (undefined: unknown, expired or another application's). */
  takeMagicLogin(ticket: string, clientId: string): MagicLinkOutcome | undefined {
    const held = this.#magicLogins.lookup(ticket);
    if (!held || held.value.clientId !== clientId) return undefined;
    this.#magicLogins.delete(ticket);
    return held.expired ? undefined : held.value.outcome;
  }

  /**
   * Checks a code for `address`; a right one is spent and signs in whom `signIn` names (the address's user,
   * created on a first login; undefined when nobody may sign in, e.g. sign-ups disabled: then it counts as
   * wrong, as Auth0 says nothing more).
   */
  check(connection: PasswordlessConnection, address: string, code: string, signIn: () => string | undefined): PasswordlessCheck {
    const key = keyOf(connection, address);
    const found = this.#codes.lookup(key);
    if (!found) return { outcome: 'wrong' };
    this.onChange();
    if (found.expired) {
      this.#codes.delete(key);
      return { outcome: 'expired' };
    }
    const sent = found.value;
    const sub = code.trim() === sent.code ? signIn() : undefined;
    if (sub === undefined) {
      sent.failures++;
      if (sent.failures < DEFAULTS.passwordless.maxAttempts) return { outcome: 'wrong' };
      this.#codes.delete(key);
      return { outcome: 'too-many' };
    }
    this.#codes.delete(key);
    return { outcome: 'ok', sub };
  }

  clear(): void {
    this.#codes.clear();
    this.#magicLogins.clear();
  }
}

const keyOf = (connection: PasswordlessConnection, address: string) => `${connection}:${address.trim().toLowerCase()}`;
