import { SignupDisabled } from './errors.js';
import type { OutboxEmail } from './outbox.js';
import type { MockState } from './state.js';
import { createUser, updateUser, type UserEditOptions } from './tenant/edits.js';
import type { User } from './tenant/schema.js';

/** Where the links of the emails point (Auth0's Universal Login paths); served by http/routes/email-links.ts. */
export const RESET_PASSWORD_PATH = '/u/reset-password';
export const VERIFY_EMAIL_PATH = '/u/email-verification';

/** A new password is checked against the connection's policy wherever a person chooses it. */
const CHOSEN_BY_THE_USER: UserEditOptions = { enforcePasswordPolicy: true };

/** What a sign-up gives (Auth0's `/dbconnections/signup` body, in the tenant file's names). */
export interface SignUpInput {
  email: string;
  password: string;
  name?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  nickname?: string | undefined;
  picture?: string | undefined;
  userMetadata?: Record<string, unknown> | undefined;
}

const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** A link to one of the email pages with a new ticket for the user: what Auth0's tickets API returns, and its emails carry. */
export function emailLink(state: MockState, kind: 'verify_email' | 'reset_password', user: User, lifetimeSeconds?: number): { url: string; expires: Date } {
  const templates = state.tenant.emailTemplates;
  const lifetime = lifetimeSeconds ?? (kind === 'verify_email' ? templates.verifyEmail : templates.resetPassword).urlLifetime;
  const { ticket, expiresAt } = state.emailLinks.issue(kind, user.sub, lifetime);
  const url = new URL(kind === 'verify_email' ? VERIFY_EMAIL_PATH : RESET_PASSWORD_PATH, state.issuer);
  url.searchParams.set('ticket', ticket);
  return { url: url.href, expires: expiresAt };
}

/** Puts the verification email of a user in the outbox. */
export function sendVerificationEmail(state: MockState, user: User): OutboxEmail {
  const { url, expires } = emailLink(state, 'verify_email', user);
  return state.outbox.add({
    to: user.email,
    kind: 'verify_email',
    subject: 'Verify your email',
    text: `Welcome to ${state.tenant.name}! Please verify your account by opening this link: ${url}`,
    links: [url],
    expires: expires.toISOString(),
  });
}

/**
 * Auth0's "forgot password": a reset email for a database user with this email; none for an unknown
 * email, with nothing said to the caller either way (no account enumeration).
 */
export function sendPasswordResetEmail(state: MockState, email: string, clientId?: string): OutboxEmail | undefined {
  const user = state.directory.userByEmail(email);
  state.events.add({ type: 'password_reset.requested', ...(clientId ? { clientId } : {}), ...(user ? { sub: user.sub } : { error: 'unknown_email' }), detail: { email } });
  if (!user) return undefined;
  const { url, expires } = emailLink(state, 'reset_password', user);
  return state.outbox.add({
    to: user.email,
    kind: 'reset_password',
    subject: 'Reset your password',
    text: `We received a request to reset the password of your ${state.tenant.name} account. Open this link to choose a new one: ${url} If you did not ask for it, ignore this email.`,
    links: [url],
    expires: expires.toISOString(),
  });
}

/**
 * A sign-up on the database connection (the sign-up page, `POST /dbconnections/signup`): SignupDisabled,
 * DuplicateUser, WeakPassword or InvalidInput, and nothing is created; else the new user, with a
 * verification email in the outbox when the connection requires verification.
 */
export function signUp(state: MockState, input: SignUpInput, clientId?: string): User {
  const settings = state.tenant.databaseConnection;
  if (settings.disableSignup) throw new SignupDisabled();
  const user = createUser(
    state,
    defined({
      email: input.email,
      password: input.password,
      name: input.name || input.email,
      givenName: input.givenName,
      familyName: input.familyName,
      nickname: input.nickname,
      picture: input.picture,
      userMetadata: input.userMetadata,
      emailVerified: !settings.requireEmailVerification,
    }),
    CHOSEN_BY_THE_USER,
  );
  state.events.add({ type: 'signup.success', sub: user.sub, ...(clientId ? { clientId } : {}), detail: { email: user.email } });
  if (settings.requireEmailVerification) sendVerificationEmail(state, user);
  return user;
}

/** The user a password reset link is for (InvalidEmailLink when unknown, used or expired), without spending it. */
export function passwordResetUser(state: MockState, ticket: string): User | undefined {
  return state.directory.findUser(state.emailLinks.peek('reset_password', ticket));
}

/** Sets the new password of a reset link (checked against the policy first: a refused one leaves the link usable). */
export function resetPassword(state: MockState, ticket: string, password: string): User {
  const sub = state.emailLinks.peek('reset_password', ticket);
  const user = updateUser(state, sub, { password }, CHOSEN_BY_THE_USER);
  state.emailLinks.redeem('reset_password', ticket);
  state.events.add({ type: 'password_reset.success', sub });
  return user;
}

/** Opens a verification link: the user's `email_verified` becomes true. */
export function verifyEmail(state: MockState, ticket: string): User {
  const sub = state.emailLinks.redeem('verify_email', ticket);
  const user = updateUser(state, sub, { emailVerified: true });
  state.events.add({ type: 'email.verified', sub });
  return user;
}
