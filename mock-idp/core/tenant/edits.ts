import { TenantConfigError } from './load.js';
import type { Role, TenantInput, User } from './schema.js';
import { HttpError } from '../../http/errors.js';
import type { IdpRuntime } from '../state.js';

/** A user as the admin API takes it (defaults filled in by the tenant schema). */
export type UserInput = NonNullable<TenantInput['users']>[number];
export type RoleInput = NonNullable<TenantInput['roles']>[number];

/** Turns a refused tenant change into a 400 naming the fields (paths inside the edited entry). */
function applying(runtime: IdpRuntime, edit: (draft: TenantInput) => void, entry: 'users' | 'roles'): void {
  const draft = structuredClone(runtime.directory.tenant) as TenantInput;
  edit(draft);
  try {
    runtime.replaceTenant(draft);
  } catch (err) {
    if (!(err instanceof TenantConfigError)) throw err;
    const fields = err.problems.map((p) => `${p.path.replace(new RegExp(`^\\$\\.${entry}\\[\\d+\\]\\.?`), '') || entry}: ${p.message}`);
    throw new HttpError(400, fields.join('; '));
  }
}

/** Finds a user by `sub` or email (case-insensitive). */
export function findUser(runtime: IdpRuntime, id: string): User | undefined {
  const wanted = id.toLowerCase();
  return runtime.directory.tenant.users.find((u) => u.sub === id || u.email.toLowerCase() === wanted);
}

function requireUser(runtime: IdpRuntime, id: string): User {
  const user = findUser(runtime, id);
  if (!user) throw new HttpError(404, `no user "${id}" (give a sub or an email)`);
  return user;
}

export function createUser(runtime: IdpRuntime, input: UserInput): User {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new HttpError(400, 'body: expected a user object');
  // Only well-typed ids can clash; wrong types are reported by the tenant validation below.
  const idOf = (value: unknown) => (typeof value === 'string' && value !== '' ? findUser(runtime, value) : undefined);
  const clash = idOf(input.sub) ?? idOf(input.email);
  if (clash) throw new HttpError(409, `a user with this sub or email exists already (${clash.sub})`, 'conflict');
  applying(runtime, (t) => void (t.users ??= []).push(input), 'users');
  return requireUser(runtime, input.sub);
}

/** Merges `patch` into a user; `sub` cannot change. Sessions are kept unless the user is blocked. */
export function updateUser(runtime: IdpRuntime, id: string, patch: Partial<UserInput>): User {
  const user = requireUser(runtime, id);
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new HttpError(400, 'body: expected an object of user fields');
  if (patch.sub !== undefined && patch.sub !== user.sub) throw new HttpError(400, 'sub: a user\'s sub cannot change');
  const clash = typeof patch.email === 'string' ? findUser(runtime, patch.email) : undefined;
  if (clash && clash.sub !== user.sub) throw new HttpError(409, `another user has this email already (${clash.sub})`, 'conflict');
  applying(runtime, (t) => {
    const i = t.users!.findIndex((u) => u.sub === user.sub);
    t.users![i] = { ...t.users![i]!, ...patch };
  }, 'users');
  const updated = requireUser(runtime, user.sub);
  if (updated.blocked) runtime.store.revokeUser(updated.sub);
  return updated;
}

/** Removes a user, their login sessions and every grant and refresh token they hold. */
export function deleteUser(runtime: IdpRuntime, id: string): User {
  const user = requireUser(runtime, id);
  applying(runtime, (t) => void (t.users = t.users!.filter((u) => u.sub !== user.sub)), 'users');
  runtime.store.revokeUser(user.sub);
  return user;
}

/** Ends a user's login sessions and revokes their refresh tokens (access tokens already issued live on until they expire). */
export function revokeUser(runtime: IdpRuntime, id: string): User {
  const user = requireUser(runtime, id);
  runtime.store.revokeUser(user.sub);
  runtime.events.add({ type: 'user.revoked', sub: user.sub });
  return user;
}

/** Adds a role or replaces the role of the same name. */
export function upsertRole(runtime: IdpRuntime, role: RoleInput): Role {
  if (typeof role !== 'object' || role === null || typeof role.name !== 'string') throw new HttpError(400, 'name: a role needs a name');
  applying(runtime, (t) => {
    t.roles = [...(t.roles ?? []).filter((r) => r.name !== role.name), role];
  }, 'roles');
  return runtime.directory.tenant.roles.find((r) => r.name === role.name)!;
}
