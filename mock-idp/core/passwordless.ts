import { randomInt } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Directory } from './directory.js';
import type { Outbox } from './outbox.js';
import { DEFAULTS } from './tenant/defaults.js';
import type { User } from './tenant/schema.js';

/** Auth0's passwordless connections. */
export const PASSWORDLESS_CONNECTIONS = ['email', 'sms'] as const;
export type PasswordlessConnection = (typeof PASSWORDLESS_CONNECTIONS)[number];

/** What checking a passwordless code gave. */
export type PasswordlessCheck = { outcome: 'ok'; user: User } | { outcome: 'wrong' | 'expired' | 'too-many' };

interface SentCode {
  code: string;
  expiresAt: number;
  failures: number;
}

/**
 * Passwordless one-time codes (`POST /passwordless/start`): one per connection and
 * address, the latest replacing any before it, expiring on the mock's clock, spent by a
 * right code or by Auth0's 3 wrong ones. Codes go to the outbox (SMS too, addressed to
 * the phone number). Sign-in is for the tenant's database users with that email or `phoneNumber`.
 */
export class PasswordlessCodes {
  readonly #codes = new Map<string, SentCode>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly outbox: Outbox,
    private readonly max: number = DEFAULTS.maxPendingEntries,
  ) {}

  /** Sends a new code to `address` (an email, or an E.164 phone number for sms); returns it. */
  send(connection: PasswordlessConnection, address: string, appName: string): string {
    const { codeLength, codeLifetime } = DEFAULTS.passwordless;
    const code = String(randomInt(10 ** codeLength)).padStart(codeLength, '0');
    const expiresAt = this.clock.now() + codeLifetime * 1000;
    const key = keyOf(connection, address);
    this.#codes.delete(key);
    this.#codes.set(key, { code, expiresAt, failures: 0 });
    for (const oldest of this.#codes.keys()) {
      if (this.#codes.size <= this.max) break;
      this.#codes.delete(oldest);
    }
    this.outbox.add({
      to: address.trim(),
      kind: 'passwordless_code',
      subject: connection === 'sms' ? 'SMS' : `Welcome to ${appName}`,
      text: `Your verification code is: ${code}. It expires in ${codeLifetime / 60} minutes.`,
      links: [],
      code,
      expires: new Date(expiresAt).toISOString(),
    });
    return code;
  }

  /** Checks a code for `address`; a right one is spent and names the user (none: 'wrong', as Auth0 says nothing more). */
  check(directory: Directory, connection: PasswordlessConnection, address: string, code: string): PasswordlessCheck {
    const key = keyOf(connection, address);
    const sent = this.#codes.get(key);
    if (!sent) return { outcome: 'wrong' };
    if (this.clock.now() >= sent.expiresAt) {
      this.#codes.delete(key);
      return { outcome: 'expired' };
    }
    const user = connection === 'email' ? directory.userByEmail(address) : directory.tenant.users.find((u) => u.phoneNumber === address.trim());
    if (code.trim() !== sent.code || !user) {
      sent.failures++;
      if (sent.failures < DEFAULTS.passwordless.maxAttempts) return { outcome: 'wrong' };
      this.#codes.delete(key);
      return { outcome: 'too-many' };
    }
    this.#codes.delete(key);
    return { outcome: 'ok', user };
  }

  clear(): void {
    this.#codes.clear();
  }
}

const keyOf = (connection: PasswordlessConnection, address: string) => `${connection}:${address.trim().toLowerCase()}`;
