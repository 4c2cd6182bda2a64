import { randomBytes } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';
import { Clock } from './clock.js';
import { InvalidEmailLink } from './errors.js';
import { DEFAULTS } from './tenant/defaults.js';

/** What an email is for; Auth0's template names in brackets. */
export type EmailKind =
  /** A link that sets `email_verified` (`verify_email`). */
  | 'verify_email'
  /** A link to a page that sets a new password (`reset_email`). */
  | 'reset_password'
  /** Brute-force protection's unblock link (`blocked_account`). */
  | 'blocked_account'
  /** An MFA email challenge's one-time code (`mfa_oob_code`); the code is in `code`. */
  | 'mfa_oob_code'
  /** A passwordless connection's one-time code (email, or SMS with the phone number as `to`); the code is in `code`. */
  | 'passwordless_code'
  /** A passwordless magic link (`send: "link"`): `links[0]` signs the user in to the application. */
  | 'passwordless_link'
  /** An invitation to join an organization, with its link (`user_invitation`). */
  | 'organization_invitation';

/** An email mock-idp would have sent, kept instead (as the Firebase Auth emulator keeps its out-of-band codes). */
export interface OutboxEmail {
  id: string;
  to: string;
  subject: string;
  kind: EmailKind;
  text: string;
  /** The links in `text`, in order (the first is the one to open). */
  links: string[];
  created_at: string;
  /** A one-time code the message carries (MFA email challenges), for a test to type. */
  code?: string;
  /** When the links stop working (absent: they do not expire). */
  expires?: string;
}

/**
 * The outbox: emails kept in memory, newest last, capped as the event log is
 * (the oldest are dropped), each also printed to the console. Nothing is sent.
 */
export class Outbox {
  #emails: OutboxEmail[] = [];

  constructor(
    private readonly size: number = DEFAULTS.outboxSize,
    private readonly print: (line: string) => void = (line) => console.log(line),
    /** `created_at` is the mock's time, as the `expires` of the links (time travel). */
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
    /** Called after every change (persistence: core/persistence). */
    private readonly onChange: () => void = () => {},
  ) {}

  add(email: Omit<OutboxEmail, 'id' | 'created_at'>): OutboxEmail {
    const kept: OutboxEmail = { id: randomBytes(9).toString('base64url'), created_at: new Date(this.clock.now()).toISOString(), ...email };
    this.#emails.push(kept);
    if (this.#emails.length > this.size) this.#emails.shift();
    this.onChange();
    this.print(`mock-idp: email (not sent) to ${kept.to}: "${kept.subject}"${kept.links.length ? ` ${kept.links.join(' ')}` : ''}`);
    return kept;
  }

  /** The kept emails, oldest first; `to` keeps those to one address (case-insensitive). */
  list(filter: { to?: string | undefined } = {}): OutboxEmail[] {
    const to = filter.to?.trim().toLowerCase();
    return to ? this.#emails.filter((e) => e.to.toLowerCase() === to) : [...this.#emails];
  }

  clear(): void {
    this.#emails = [];
    this.onChange();
  }

  exportState(): OutboxEmail[] {
    return structuredClone(this.#emails);
  }

  importState(emails: readonly OutboxEmail[]): void {
    this.#emails = structuredClone([...emails]).slice(-this.size);
    this.onChange();
  }
}

/** The links an email carries (verification, password reset): which user, for what, until when. */
export interface EmailLink {
  kind: 'verify_email' | 'reset_password';
  sub: string;
  expiresAt: number;
}

/**
 * Tickets of the links in emails: random, for one user and one purpose, with
 * an expiry; used once. Bounded (the oldest unused ones stop working first),
 * since `POST /dbconnections/change_password` needs no credentials.
 */
export class EmailLinks {
  readonly #links: BoundedMap<string, Omit<EmailLink, 'expiresAt'>>;

  constructor(
    max: number = DEFAULTS.maxEmailLinks,
    /** Links expire on the mock's clock, so time travel expires them. */
    clock: Pick<Clock, 'now'> = new Clock(),
    private readonly onChange: () => void = () => {},
  ) {
    this.#links = new BoundedMap(max, clock);
  }

  issue(kind: EmailLink['kind'], sub: string, lifetimeSeconds: number): { ticket: string; expiresAt: Date } {
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = this.#links.setFor(ticket, { kind, sub }, lifetimeSeconds);
    this.onChange();
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The user a ticket of this kind is for; throws InvalidEmailLink when it is unknown, used or expired. */
  peek(kind: EmailLink['kind'], ticket: string): string {
    const link = this.#links.lookup(ticket);
    if (!link || link.value.kind !== kind) throw new InvalidEmailLink('unknown');
    if (link.expired) {
      this.#links.delete(ticket);
      throw new InvalidEmailLink('expired');
    }
    return link.value.sub;
  }

  /** As peek, and the ticket is spent. */
  redeem(kind: EmailLink['kind'], ticket: string): string {
    const sub = this.peek(kind, ticket);
    this.#links.delete(ticket);
    this.onChange();
    return sub;
  }

  clear(): void {
    this.#links.clear();
    this.onChange();
  }

  /** The unexpired tickets, oldest first, as JSON. */
  exportState(): Array<[ticket: string, link: EmailLink]> {
    return [...this.#links.entries()].map(([ticket, link, expiresAt]) => [ticket, { ...link, expiresAt: expiresAt ?? 0 }]);
  }

  importState(links: ReadonlyArray<readonly [string, EmailLink]>): void {
    this.#links.clear();
    for (const [ticket, { expiresAt, ...link }] of links) this.#links.set(ticket, link, expiresAt);
    this.onChange();
  }
}
