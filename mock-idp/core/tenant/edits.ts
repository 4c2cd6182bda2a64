import { createHash } from 'node:crypto';
import { DuplicateUser, InvalidInput, UnknownUser } from '../errors.js';
import type { MockState } from '../state.js';
import { TenantConfigError } from './load.js';
import type { Role, TenantInput, User } from './schema.js';

/** A user as the admin API takes it (defaults filled in by the tenant schema). */
export type UserInput = NonNullable<TenantInput['users']>[number];
export type RoleInput = NonNullable<TenantInput['roles']>[number];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies an edit to a copy of the tenant; a refusal names the fields inside the edited entry. */
function applying(state: MockState, edit: (draft: TenantInput) => void, entry: 'users' | 'roles' | 'socialConnections'): void {
  const draft = structuredClone(state.tenant) as TenantInput;
  edit(draft);
  try {
    state.replaceTenant(draft);
  } catch (err) {
    if (!(err instanceof TenantConfigError)) throw err;
    const inEntry = new RegExp(`^\\$\\.${entry}\\[\\d+\\]\\.?`);
    const fields = err.problems.map((p) => ({ field: p.path.replace(inEntry, '') || entry, message: p.message }));
    throw new InvalidInput(fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields[0]?.field);
  }
}

function requireUser(state: MockState, id: string): User {
  const user = state.directory.findUser(id);
  if (!user) throw new UnknownUser(id, 'id');
  return user;
}

export function createUser(state: MockState, input: UserInput): User {
  if (!isObject(input)) throw new InvalidInput('body: expected a user object');
  // Only well-typed ids can clash; wrong types are reported by the tenant validation below.
  for (const by of ['sub', 'email'] as const) {
    const value = input[by];
    const clash = typeof value === 'string' && value !== '' ? state.directory.findUser(value) : undefined;
    if (clash) throw new DuplicateUser(by, clash.sub);
  }
  applying(state, (t) => {
    t.users = [...(t.users ?? []), input];
  }, 'users');
  return requireUser(state, input.sub);
}

/** Merges `patch` into a user; `sub` cannot change. Sessions are kept unless the user is blocked. */
export function updateUser(state: MockState, id: string, patch: Partial<UserInput>): User {
  const user = requireUser(state, id);
  if (!isObject(patch)) throw new InvalidInput('body: expected an object of user fields');
  if (patch.sub !== undefined && patch.sub !== user.sub) throw new InvalidInput("sub: a user's sub cannot change", 'sub');
  const clash = typeof patch.email === 'string' ? state.directory.findUser(patch.email) : undefined;
  if (clash && clash.sub !== user.sub) throw new DuplicateUser('email', clash.sub);
  applying(state, (t) => {
    const i = t.users!.findIndex((u) => u.sub === user.sub);
    t.users![i] = { ...t.users![i]!, ...patch };
  }, 'users');
  const updated = requireUser(state, user.sub);
  if (updated.blocked) state.endSessionsOf(updated.sub);
  return updated;
}

/** Removes a user, their login sessions and every grant and refresh token they hold. */
export function deleteUser(state: MockState, id: string): User {
  const user = requireUser(state, id);
  applying(state, (t) => {
    t.users = t.users!.filter((u) => u.sub !== user.sub);
  }, 'users');
  state.endSessionsOf(user.sub);
  state.bruteForce.unblockUser(user.sub);
  return user;
}

/** Ends a user's login sessions and revokes their refresh tokens (access tokens already issued live on until they expire). */
export function revokeUser(state: MockState, id: string): User {
  const user = requireUser(state, id);
  state.endSessionsOf(user.sub);
  state.events.add({ type: 'user.revoked', sub: user.sub });
  return user;
}

/**
 * Lifts brute-force blocks of a user from every address (Auth0's
 * `DELETE /api/v2/user-blocks/{id}`); their failure counts start again.
 */
export function unblockUser(state: MockState, id: string): User {
  const user = requireUser(state, id);
  const addresses = state.bruteForce.unblockUser(user.sub);
  state.events.add({ type: 'user.unblocked', sub: user.sub, detail: { by: 'admin', addresses } });
  return user;
}

/** Adds a role or replaces the role of the same name. */
export function upsertRole(state: MockState, role: RoleInput): Role {
  if (!isObject(role) || typeof role.name !== 'string') throw new InvalidInput('name: a role needs a name', 'name');
  applying(state, (t) => {
    t.roles = [...(t.roles ?? []).filter((r) => r.name !== role.name), role];
  }, 'roles');
  return state.tenant.roles.find((r) => r.name === role.name)!;
}

/** An identity typed on the simulated social provider page. */
export interface SocialIdentity {
  email: string;
  /** Default: the part of the email before `@`. */
  name?: string | undefined;
  emailVerified: boolean;
}

/** A stable user id for a social identity: `<connection>|<digits>`, the same for the same email (as the provider's account id is). */
function socialSub(connection: string, email: string): string {
  const digest = createHash('sha256').update(`${connection}\n${email.toLowerCase()}`).digest('hex');
  return `${connection}|${BigInt(`0x${digest.slice(0, 15)}`).toString()}`;
}

/**
 * Signs a social identity in through an enabled social connection: the connection's known person with
 * that email (their profile updated from the identity, as Auth0 syncs it from the provider at every login),
 * or, on its first login, a new user `<connection>|<id>` with no roles. Returns the person's sub.
 */
export function signInSocialIdentity(state: MockState, connectionName: string, identity: SocialIdentity): { sub: string; created: boolean } {
  const index = state.tenant.socialConnections.findIndex((c) => c.enabled && c.name === connectionName);
  const connection = state.tenant.socialConnections[index];
  if (!connection) throw new InvalidInput(`connection: no enabled social connection "${connectionName}"`, 'connection');
  const email = identity.email.trim();
  const profile = { email, name: identity.name?.trim() || email.split('@')[0] || email, emailVerified: identity.emailVerified };
  const known = [connection.user, ...connection.users].find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (known && known.name === profile.name && known.emailVerified === profile.emailVerified) return { sub: known.sub, created: false };
  const sub = known?.sub ?? socialSub(connection.name, email);
  applying(state, (t) => {
    const c = t.socialConnections![index]!;
    if (c.user.sub === sub) c.user = { ...c.user, ...profile, email: c.user.email };
    else c.users = [...(c.users ?? []).filter((u) => u.sub !== sub), { ...known, sub, ...profile, ...(known ? { email: known.email } : {}) }];
  }, 'socialConnections');
  if (!known) state.events.add({ type: 'user.created', sub, detail: { connection: connection.name, firstLogin: true } });
  return { sub, created: !known };
}
