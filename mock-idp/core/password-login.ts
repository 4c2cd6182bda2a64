import { BLOCKED_MESSAGE } from './brute-force.js';
import { passwordMatches } from './password.js';
import type { MockState } from './state.js';
import type { User } from './tenant/schema.js';

/** Where the unblock link of a blocked user and address points (GET, with `?ticket=`); served by http/routes/unblock.ts. */
export const UNBLOCK_PATH = '/unblock';

export type PasswordLogin =
  | { outcome: 'success'; user: User }
  /** Unknown user or wrong password (Auth0 says "Wrong email or password." for both). */
  | { outcome: 'wrong-credentials'; user?: User | undefined }
  /** The tenant marks the user `blocked`. */
  | { outcome: 'user-blocked'; user: User }
  /** Brute-force protection: this user is blocked from this address. */
  | { outcome: 'too-many-attempts'; user: User };

/**
 * One username/password check, shared by the login page and the password
 * grant so that both count against the same brute-force counter: a pair
 * already blocked is refused before the password is looked at, a wrong
 * password is counted, the failure that reaches the limit blocks the pair
 * (its unblock link goes to the outbox: no email is sent), a success resets the count.
 */
export function passwordLogin(state: MockState, input: PasswordLoginInput): PasswordLogin {
  const login = checkPassword(state, input);
  if (login.outcome !== 'success') logFailure(state, input, login);
  return login;
}

export interface PasswordLoginInput {
  username: string;
  password: string | null | undefined;
  ip: string;
  clientId?: string | undefined;
  /** Where the attempt came from, for the event: the login page or the password grant. */
  via: 'login page' | 'password grant';
}

/** Why a password login failed, as the `login.failed` event's `error` and `detail.reason` say it, and the type of Auth0's tenant log event for it. */
const FAILURES = {
  'unknown-user': { error: 'unknown_user', reason: 'no user with this email', auth0Log: 'fu' },
  'wrong-password': { error: 'wrong_password', reason: 'wrong password', auth0Log: 'fp' },
  'user-blocked': { error: 'user_blocked', reason: 'the user is blocked (blocked: true)', auth0Log: 'f' },
  'too-many-attempts': { error: 'too_many_attempts', reason: 'blocked from this address by brute-force protection', auth0Log: 'limit_wc' },
} as const;

/** Every failed password login is a `login.failed` event naming the email tried, the user when there is one, and why. */
function logFailure(state: MockState, input: PasswordLoginInput, login: Exclude<PasswordLogin, { outcome: 'success' }>): void {
  const failure = FAILURES[login.outcome === 'wrong-credentials' ? (login.user ? 'wrong-password' : 'unknown-user') : login.outcome];
  state.events.add({
    type: 'login.failed',
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(login.user ? { sub: login.user.sub } : {}),
    error: failure.error,
    detail: { email: input.username, reason: failure.reason, via: input.via, auth0Log: failure.auth0Log },
  });
}

function checkPassword(state: MockState, input: PasswordLoginInput): PasswordLogin {
  const user = state.directory.userByEmail(input.username);
  if (!user) return { outcome: 'wrong-credentials' };
  if (state.bruteForce.isBlocked(user.sub, input.ip)) return { outcome: 'too-many-attempts', user };
  if (!passwordMatches(user, input.password)) {
    const counted = state.bruteForce.fail(user.sub, input.ip);
    if (!counted.blocked) return { outcome: 'wrong-credentials', user };
    const unblockUrl = new URL(`${UNBLOCK_PATH}?ticket=${counted.ticket}`, state.issuer).href;
    // Auth0 emails this link (template blocked_account): it goes to the outbox (which prints it) and the event log.
    state.outbox.add({
      to: user.email,
      kind: 'blocked_account',
      subject: 'Your account has been blocked',
      text: `${BLOCKED_MESSAGE} ${counted.failures} consecutive failed logins came from ${input.ip}. To unblock your account from that address, open: ${unblockUrl}`,
      links: [unblockUrl],
    });
    state.events.add({ type: 'user.blocked', sub: user.sub, ...(input.clientId ? { clientId: input.clientId } : {}), error: 'too_many_attempts', detail: { ip: input.ip, failures: counted.failures, unblockUrl } });
    return { outcome: 'too-many-attempts', user };
  }
  if (user.blocked) return { outcome: 'user-blocked', user };
  state.bruteForce.succeed(user.sub, input.ip);
  return { outcome: 'success', user };
}
