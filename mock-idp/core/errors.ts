import type { PasswordStrengthFailure } from './password-policy.js';

/**
 * Typed errors of mock-idp's own operations (the tenant, users, keys, tokens),
 * each with a stable `code`, as jose's errors have. They say nothing about
 * HTTP: `http/errors.ts` is the one place that maps a code to a status.
 */
export class MockIdpError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The mock cannot listen where it was asked to (the port is taken, or the address cannot be bound). */
export class ListenError extends MockIdpError {
  declare readonly code: 'ERR_PORT_IN_USE' | 'ERR_LISTEN';
  constructor(code: 'ERR_PORT_IN_USE' | 'ERR_LISTEN', message: string) {
    super(code, message);
  }
}

/** A request to an operation is malformed; `field` names the first wrong field. */
export class InvalidInput extends MockIdpError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('ERR_INVALID_INPUT', message);
  }
}

/** No user with this sub or email. */
export class UnknownUser extends MockIdpError {
  constructor(
    readonly user: string,
    readonly field = 'user',
  ) {
    super('ERR_UNKNOWN_USER', `no user "${user}" (give a sub or an email)`);
  }
}

/** No application with this client id. */
export class UnknownClient extends MockIdpError {
  constructor(
    readonly clientId: string,
    readonly field = 'client',
  ) {
    super('ERR_UNKNOWN_CLIENT', `no application with clientId "${clientId}"`);
  }
}

/** No role with this id (or name). */
export class UnknownRole extends MockIdpError {
  constructor(readonly role: string) {
    super('ERR_UNKNOWN_ROLE', `no role "${role}" (give a role id or name)`);
  }
}

/** No organization with this id (or name). */
export class UnknownOrganization extends MockIdpError {
  constructor(readonly organization: string) {
    super('ERR_UNKNOWN_ORGANIZATION', `no organization "${organization}" (give an org_ id or a name)`);
  }
}

/** A connection that does not exist, or (`enabled`) that the organization does not enable. */
export class UnknownConnection extends MockIdpError {
  constructor(
    readonly connection: string,
    readonly organization?: string,
  ) {
    super('ERR_UNKNOWN_CONNECTION', organization ? `the connection ${connection} is not enabled for the organization ${organization}` : `no connection "${connection}"`);
  }
}

/** The organization enables this connection already. */
export class DuplicateConnection extends MockIdpError {
  constructor(
    readonly connection: string,
    readonly organization: string,
  ) {
    super('ERR_DUPLICATE_CONNECTION', `the connection ${connection} is already enabled for the organization ${organization}`);
  }
}

/** Another organization has this name already. */
export class DuplicateOrganization extends MockIdpError {
  constructor(readonly organizationName: string) {
    super('ERR_DUPLICATE_ORGANIZATION', `an organization named "${organizationName}" exists already`);
  }
}

/** Another role has this name already. */
export class DuplicateRole extends MockIdpError {
  constructor(readonly roleName: string) {
    super('ERR_DUPLICATE_ROLE', `a role named "${roleName}" exists already`);
  }
}

/** Another user has this email (or sub) already. */
export class DuplicateUser extends MockIdpError {
  constructor(
    readonly by: 'email' | 'sub',
    readonly existing: string,
  ) {
    super(by === 'email' ? 'ERR_DUPLICATE_EMAIL' : 'ERR_DUPLICATE_SUB', `a user with this ${by} exists already (${existing})`);
  }
}

/** startMockIdp was given options that would leave it open, or that contradict each other: refused before it listens. */
export class StartOptionsError extends MockIdpError {
  declare readonly code: 'ERR_REMOTE_ADMIN_WITHOUT_TOKEN' | 'ERR_ADMIN_TOKEN_EMPTY' | 'ERR_REDIS_WITH_DATA_DIR';
  constructor(
    code: 'ERR_REMOTE_ADMIN_WITHOUT_TOKEN' | 'ERR_ADMIN_TOKEN_EMPTY' | 'ERR_REDIS_WITH_DATA_DIR',
    message: string,
    /** The option at fault. */
    readonly option: 'allowRemoteAdmin' | 'adminToken' | 'redis',
  ) {
    super(code, message);
  }
}

/** A new password fails the database connection's password policy (Auth0's `PasswordStrengthError`); `failure` is Auth0's structured answer. */
export class WeakPassword extends MockIdpError {
  declare readonly code: 'ERR_PASSWORD_STRENGTH';
  constructor(readonly failure: PasswordStrengthFailure) {
    super('ERR_PASSWORD_STRENGTH', `Password is too weak: it must meet the database connection's password policy:\n${failure.policy}`);
  }
}

/** The database connection does not allow sign-ups (Auth0's "Disable Sign Ups"). */
export class SignupDisabled extends MockIdpError {
  declare readonly code: 'ERR_SIGNUP_DISABLED';
  constructor() {
    super('ERR_SIGNUP_DISABLED', 'public signup is disabled');
  }
}

/** An email link (verification, password reset) that is unknown, used already or expired. */
export class InvalidEmailLink extends MockIdpError {
  declare readonly code: 'ERR_EMAIL_LINK';
  constructor(readonly reason: 'unknown' | 'expired') {
    super('ERR_EMAIL_LINK', reason === 'expired' ? 'this link has expired: ask for a new email' : 'this link is not valid (unknown, or used already): ask for a new email');
  }
}

/** A user with no OTP authenticator, enrolled or being enrolled: no current code to read. */
export class NoAuthenticator extends MockIdpError {
  declare readonly code: 'ERR_NO_AUTHENTICATOR';
  constructor(readonly user: string) {
    super('ERR_NO_AUTHENTICATOR', `user "${user}" has no OTP authenticator: give them mfa.otp.secret in the tenant, or let them enrol at a login that requires MFA`);
  }
}

/**
 * A change to the state replicas share (Redis) could not be written: other replicas kept changing it
 * (the compare-and-set lost every retry), or the change no longer fits the state they wrote meanwhile
 * (the same email given to two new users at once). The change is undone on this replica too.
 */
export class StateConflict extends MockIdpError {
  declare readonly code: 'ERR_STATE_CONFLICT';
  constructor(message: string) {
    super('ERR_STATE_CONFLICT', message);
  }
}
