import { randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { BoundedMap } from './bounded-map.js';
import type { Clock } from './clock.js';
import { NoAuthenticator, UnknownUser } from './errors.js';
import type { Directory } from './directory.js';
import { DEFAULTS } from './tenant/defaults.js';
import type { Tenant, User } from './tenant/schema.js';

/** A login that may need a second factor: who, through which application. */
export interface MfaLogin {
  user: User;
  clientId: string;
}

/**
 * Something beyond the tenant policy that asks for MFA on a login, e.g. a
 * post-login Action calling `api.multifactor.enable('any')`: it answers true
 * for the logins it wants challenged. Registered with `MultiFactor.addRequirement`.
 */
export type MfaRequirement = (login: MfaLogin) => boolean;

/** What an MFA token stands for: a password grant that passed its password step, with what it asked for. */
export interface MfaTokenGrant {
  sub: string;
  clientId: string;
  scope: string;
  audience?: string | undefined;
}

/** What checking a code gave: accepted, wrong (counted), or refused because too many wrong codes came before it. */
export type CodeCheck = 'ok' | 'wrong' | 'too-many';

/**
 * Auth0's `acr` for a login with a second factor, the PAPE multi-factor policy: an application asks for MFA
 * with `acr_values=<it>` and finds it in the ID token's `acr` afterwards (beside `amr: ["mfa"]`).
 */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** Whether an authorization's `acr_values` (space-separated) ask for the multi-factor policy. */
export function asksForMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(MFA_ACR);
}

/** Auth0's message once a user's MFA is locked after too many wrong codes. */
export const TOO_MANY_CODES_MESSAGE = 'Too many failed codes. Wait for some minutes before retrying.';

/** How long a lock after too many wrong codes lasts (Auth0 says "some minutes"): 5 minutes on the mock's clock. */
const CODE_LOCK_MS = 5 * 60_000;

/** The current code of a user's authenticator, as a CI test reads it (`GET /_mock/users/<id>/otp`). */
export interface OtpReading {
  code: string;
  /** Seconds until the code changes. */
  expires_in: number;
  secret: string;
  /** The `otpauth://` URI an authenticator app scans (the enrolment screen's QR code). */
  uri: string;
  /** The user's recovery code (`mfa-recovery-code` grant); used once, then replaced. */
  recovery_code: string;
  /** false: the user is still enrolling (the login page shows this secret), not yet confirmed. */
  enrolled: boolean;
}

interface Failures {
  count: number;
  lockedUntil?: number;
}

interface Bounded<T> {
  value: T;
  expiresAt: number;
}

type OobChallenge = { sub: string; mfaToken: string; bindingCode: string };

/**
 * The MFA state a restart keeps (`--data-dir`, `state export`): authenticators enrolled at run time, recovery codes,
 * email factors, wrong-code counts and locks, and the MFA tokens and email challenges still pending. A login waiting
 * at the login page's code step is kept with its interaction (the store).
 */
export interface MfaSnapshot {
  enrolled: Array<[sub: string, secret: string]>;
  recoveryCodes: Array<[sub: string, code: string]>;
  emailFactor: string[];
  failures: Array<[sub: string, Failures]>;
  tokens: Array<[token: string, Bounded<MfaTokenGrant>]>;
  oobCodes: Array<[oobCode: string, Bounded<OobChallenge>]>;
}

/**
 * Multi-factor authentication with one-time passwords (TOTP, RFC 6238, through
 * `otpauth`): who must give a code (the tenant policy, or a requirement such as
 * an Action's), each user's secret (the tenant's `mfa.otp.secret`, else one
 * enrolled at run time), wrong codes counted per user with Auth0's lock (a login
 * waiting for its code waits in its interaction: http/routes/interaction-steps.ts).
 * Everything reads the time from the mock's clock, so time travel moves the codes.
 */
export class MultiFactor {
  readonly #enrolled = new Map<string, string>();
  readonly #enrolling = new Map<string, string>();
  readonly #failures = new Map<string, Failures>();
  readonly #requirements = new Set<MfaRequirement>();
  readonly #recoveryCodes = new Map<string, string>();
  readonly #emailFactor = new Set<string>();
  readonly #tokens: BoundedMap<string, MfaTokenGrant>;
  readonly #oobCodes: BoundedMap<string, OobChallenge>;

  constructor(
    private readonly tenant: () => Tenant,
    private readonly clock: Pick<Clock, 'now'>,
    maxWaiting: number = DEFAULTS.maxPendingEntries,
    /** Called after every change a restart keeps (persistence: core/persistence). */
    private readonly onChange: () => void = () => {},
  ) {
    this.#tokens = new BoundedMap(maxWaiting, clock);
    this.#oobCodes = new BoundedMap(maxWaiting, clock);
  }

  exportState(): MfaSnapshot {
    const live = <T>(map: BoundedMap<string, T>) => [...map.entries()].map(([key, value, expiresAt]): [string, Bounded<T>] => [key, { value: structuredClone(value), expiresAt: expiresAt ?? 0 }]);
    return {
      enrolled: [...this.#enrolled],
      recoveryCodes: [...this.#recoveryCodes],
      emailFactor: [...this.#emailFactor],
      failures: [...this.#failures].map(([sub, failures]) => [sub, { ...failures }]),
      tokens: live(this.#tokens),
      oobCodes: live(this.#oobCodes),
    };
  }

  /** Replaces the kept state with a snapshot's (exportState). */
  importState(snapshot: MfaSnapshot): void {
    this.clear();
    const fill = <T>(map: Map<string, T>, entries: ReadonlyArray<readonly [string, T]>) => {
      for (const [key, value] of entries) map.set(key, structuredClone(value));
    };
    fill(this.#enrolled, snapshot.enrolled);
    fill(this.#recoveryCodes, snapshot.recoveryCodes);
    for (const sub of snapshot.emailFactor) this.#emailFactor.add(sub);
    fill(this.#failures, snapshot.failures);
    for (const [key, { value, expiresAt }] of snapshot.tokens) this.#tokens.set(key, structuredClone(value), expiresAt);
    for (const [key, { value, expiresAt }] of snapshot.oobCodes) this.#oobCodes.set(key, structuredClone(value), expiresAt);
    this.onChange();
  }

  /** Adds a requirement (an Action's `api.multifactor.enable`); the returned function removes it. */
  addRequirement(requirement: MfaRequirement): () => void {
    this.#requirements.add(requirement);
    return () => this.#requirements.delete(requirement);
  }

  /** Whether this login must give a second factor: the tenant policy `always`, or a requirement that asks for it. */
  required(login: MfaLogin): boolean {
    if (this.tenant().mfa.policy === 'always') return true;
    return [...this.#requirements].some((requirement) => requirement(login));
  }

  /** The user's confirmed secret (the tenant's, else one enrolled at run time). */
  secretOf(user: User): string | undefined {
    return user.mfa?.otp?.secret ?? this.#enrolled.get(user.sub);
  }

  /** The secret a user without one is shown to enrol (the same one until confirmed by a right code). */
  enrolment(user: User): OtpReading {
    let secret = this.#enrolling.get(user.sub);
    if (!secret) {
      secret = new Secret({ size: 20 }).base32;
      this.#enrolling.set(user.sub, secret);
    }
    return this.#read(user, secret, false);
  }

  /** The current code of the user's authenticator (else of the one they are enrolling); undefined with neither. */
  current(user: User): OtpReading | undefined {
    const secret = this.secretOf(user);
    if (secret) return this.#read(user, secret, true);
    const enrolling = this.#enrolling.get(user.sub);
    return enrolling ? this.#read(user, enrolling, false) : undefined;
  }

  /**
   * Checks a code against the user's authenticator (or the one being enrolled, which a right code
   * confirms). Wrong codes are counted; at Auth0's limit the user's MFA is locked for a while, and
   * then even a right code is refused. A right code resets the count.
   */
  check(user: User, code: string): CodeCheck {
    const now = this.clock.now();
    const locked = this.#locked(user);
    if (locked) return locked;
    const enrolled = this.secretOf(user);
    const secret = enrolled ?? this.#enrolling.get(user.sub);
    const valid = secret !== undefined && /^\d+$/.test(code) && this.#totp(user, secret).validate({ token: code, timestamp: now, window: DEFAULTS.mfa.otpWindow }) !== null;
    if (!valid) return this.#wrong(user);
    this.#failures.delete(user.sub);
    if (!enrolled && secret) {
      this.#enrolled.set(user.sub, secret);
      this.#enrolling.delete(user.sub);
    }
    this.onChange();
    return 'ok';
  }

  /** 'too-many' while the user's MFA is locked after too many wrong codes (the lock lifts after a while). */
  #locked(user: User): 'too-many' | undefined {
    const lockedUntil = this.#failures.get(user.sub)?.lockedUntil;
    if (lockedUntil === undefined) return undefined;
    if (this.clock.now() < lockedUntil) return 'too-many';
    this.#failures.delete(user.sub);
    return undefined;
  }

  /** Counts a wrong code; the one that reaches Auth0's limit locks the user's MFA. */
  #wrong(user: User): CodeCheck {
    const count = (this.#failures.get(user.sub)?.count ?? 0) + 1;
    const locked = count >= DEFAULTS.mfa.maxFailedCodes;
    this.#failures.set(user.sub, { count, ...(locked ? { lockedUntil: this.clock.now() + CODE_LOCK_MS } : {}) });
    this.onChange();
    return locked ? 'too-many' : 'wrong';
  }

  /** The user's recovery code (Auth0 gives one with the first authenticator; using it gives a new one). */
  recoveryCode(user: User): string {
    let code = this.#recoveryCodes.get(user.sub);
    if (!code) {
      // Auth0's recovery codes: 24 characters of upper-case letters and digits.
      code = Array.from({ length: 24 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[randomInt(32)]).join('');
      this.#recoveryCodes.set(user.sub, code);
      this.onChange();
    }
    return code;
  }

  /** Spends a right recovery code (and a new one replaces it); wrong ones count as wrong codes. */
  spendRecoveryCode(user: User, code: string): CodeCheck {
    const locked = this.#locked(user);
    if (locked) return locked;
    if (this.secretOf(user) === undefined && !this.#emailFactor.has(user.sub)) return this.#wrong(user);
    if (code.trim().toUpperCase() !== this.recoveryCode(user)) return this.#wrong(user);
    this.#failures.delete(user.sub);
    this.#recoveryCodes.delete(user.sub);
    this.onChange();
    return 'ok';
  }

  /** The email authenticator (`oob`, channel email) of a user: enrolled with `POST /mfa/associate`. */
  hasEmailFactor(user: User): boolean {
    return this.#emailFactor.has(user.sub);
  }

  enrolEmailFactor(user: User): void {
    this.#emailFactor.add(user.sub);
    this.onChange();
  }

  /** An MFA token (`mfa_required`'s `mfa_token`): the password step passed, a second factor to come; expires on the mock's clock. */
  issueToken(grant: MfaTokenGrant, lifetimeSeconds: number = DEFAULTS.mfa.mfaTokenLifetime): string {
    const token = randomBytes(24).toString('base64url');
    this.#tokens.setFor(token, grant, lifetimeSeconds);
    this.onChange();
    return token;
  }

  /** The grant behind an MFA token: 'expired' past its lifetime, undefined when unknown. */
  token(token: string): MfaTokenGrant | 'expired' | undefined {
    const entry = this.#tokens.lookup(token);
    if (!entry) return undefined;
    return entry.expired ? 'expired' : entry.value;
  }

  spendToken(token: string): void {
    this.#tokens.delete(token);
    this.onChange();
  }

  /** An email challenge: a 6-digit binding code for the outbox, and the `oob_code` the app sends back with it. */
  challengeByEmail(user: User, mfaToken: string, lifetimeSeconds: number): { oobCode: string; bindingCode: string } {
    const oobCode = randomBytes(24).toString('base64url');
    const bindingCode = String(randomInt(1_000_000)).padStart(6, '0');
    this.#oobCodes.setFor(oobCode, { sub: user.sub, mfaToken, bindingCode }, lifetimeSeconds);
    this.onChange();
    return { oobCode, bindingCode };
  }

  /** Checks the binding code of an email challenge made for this MFA token; a right one spends the challenge. */
  checkEmailChallenge(user: User, mfaToken: string, oobCode: string, bindingCode: string): CodeCheck | 'unknown' {
    const entry = this.#oobCodes.get(oobCode);
    if (!entry || entry.mfaToken !== mfaToken || entry.sub !== user.sub) return 'unknown';
    const locked = this.#locked(user);
    if (locked) return locked;
    if (bindingCode.trim() !== entry.bindingCode) return this.#wrong(user);
    this.#failures.delete(user.sub);
    this.#oobCodes.delete(oobCode);
    this.onChange();
    return 'ok';
  }

  /** Forgets run-time enrolments and counts (a state reset); requirements stay registered. */
  clear(): void {
    this.#recoveryCodes.clear();
    this.#emailFactor.clear();
    this.#tokens.clear();
    this.#oobCodes.clear();
    this.#enrolled.clear();
    this.#enrolling.clear();
    this.#failures.clear();
  }

  #totp(user: User, secret: string): TOTP {
    return new TOTP({ issuer: this.tenant().name, label: user.email, secret: Secret.fromBase32(secret), digits: DEFAULTS.mfa.otpDigits, period: DEFAULTS.mfa.otpPeriod });
  }

  #read(user: User, secret: string, enrolled: boolean): OtpReading {
    const totp = this.#totp(user, secret);
    const now = this.clock.now();
    const period = DEFAULTS.mfa.otpPeriod;
    return { code: totp.generate({ timestamp: now }), expires_in: period - (Math.floor(now / 1000) % period), secret, uri: totp.toString(), recovery_code: this.recoveryCode(user), enrolled };
  }
}

/** The current OTP code of a user (by sub or email), as a CI test reads it; UnknownUser, or NoAuthenticator without one. */
export function currentOtp(state: { readonly directory: Directory; readonly mfa: MultiFactor }, id: string): OtpReading {
  const user = state.directory.findUser(id);
  if (!user) throw new UnknownUser(id, 'id');
  const reading = state.mfa.current(user);
  if (!reading) throw new NoAuthenticator(user.email);
  return reading;
}
