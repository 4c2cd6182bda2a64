import { createHash, randomBytes } from 'node:crypto';
import { DuplicateConnection, DuplicateOrganization, DuplicateRole, DuplicateUser, InvalidInput, UnknownClient, UnknownConnection, UnknownOrganization, UnknownRole, UnknownUser, WeakPassword } from '../errors.js';
import { type Invitation, sendInvitationEmail } from '../organizations.js';
import { type PasswordlessCheck, type PasswordlessConnection, passwordlessId } from '../passwordless.js';
import { newOrganizationId, newRoleId, roleIdOf } from '../management/api.js';
import { checkPassword, type PasswordPolicy } from '../password-policy.js';
import type { MockState } from '../state.js';
import { DEFAULTS } from './defaults.js';
import { TenantConfigError } from './load.js';
import type { Organization, Role, Tenant, TenantInput, User } from './schema.js';

/** A user as the admin API takes it (defaults filled in by the tenant schema). */
export type UserInput = NonNullable<TenantInput['users']>[number];
/** A user to create: without a `sub`, one is made (`auth0|` and 24 hex digits, as Auth0's ids look). */
export type NewUserInput = Omit<UserInput, 'sub'> & { sub?: string | undefined };
export type RoleInput = NonNullable<TenantInput['roles']>[number];

export interface UserEditOptions {
  /**
   * Check a new password against the database connection's password policy (WeakPassword if it fails),
   * as sign-ups, password resets and Auth0's Management API do. The admin API seeds test users with any password.
   */
  enforcePasswordPolicy?: boolean;
}

/** The password policy of the tenant's database connection. */
export function passwordPolicyOf(tenant: Tenant): PasswordPolicy {
  return { level: tenant.databaseConnection.passwordPolicy, minLength: tenant.databaseConnection.passwordMinLength };
}

function checkNewPassword(state: MockState, password: unknown, options: UserEditOptions): void {
  if (!options.enforcePasswordPolicy || typeof password !== 'string') return;
  const failure = checkPassword(passwordPolicyOf(state.tenant), password);
  if (failure) throw new WeakPassword(failure);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies an edit to a copy of the tenant; a refusal names the fields inside the edited entry. */
function applying(state: MockState, edit: (draft: TenantInput) => void, entry: 'users' | 'roles' | 'socialConnections' | 'organizations' | 'passwordless'): void {
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

/**
 * Adds a database user: the one user-creation step of the admin API, sign-up and `idp.createUser()`.
 * DuplicateUser when the sub or email is taken, WeakPassword (with `enforcePasswordPolicy`), InvalidInput
 * for anything the tenant schema refuses; nothing is created then.
 */
export function createUser(state: MockState, input: NewUserInput, options: UserEditOptions = {}): User {
  if (!isObject(input)) throw new InvalidInput('body: expected a user object');
  const user: UserInput = { ...input, sub: input.sub ?? `auth0|${randomBytes(12).toString('hex')}` };
  // Only well-typed ids can clash; wrong types are reported by the tenant validation below.
  for (const by of ['sub', 'email'] as const) {
    const value = user[by];
    const clash = typeof value === 'string' && value !== '' ? state.directory.findUser(value) : undefined;
    if (clash) throw new DuplicateUser(by, clash.sub);
  }
  checkNewPassword(state, user.password, options);
  const now = state.clock.date().toISOString();
  applying(state, (t) => {
    t.users = [...(t.users ?? []), { createdAt: now, updatedAt: now, ...user }];
  }, 'users');
  return requireUser(state, user.sub);
}

/**
 * Auth0's merge of `app_metadata` / `user_metadata` on a user update: properties at the root are
 * merged (a nested object replaces the old one whole), a root property set to `null` is removed,
 * and an empty object clears the metadata.
 */
export function mergeMetadata(current: Record<string, unknown>, patch: unknown, field: string): Record<string, unknown> {
  if (!isObject(patch)) throw new InvalidInput(`${field}: expected an object`, field);
  if (Object.keys(patch).length === 0) return {};
  const merged = { ...current, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
  return merged;
}

/**
 * Merges `patch` into a user; `sub` cannot change; `appMetadata` and `userMetadata` are merged the
 * Auth0 way (mergeMetadata). Sessions are kept unless the user is blocked.
 */
export function updateUser(state: MockState, id: string, patch: Partial<UserInput>, options: UserEditOptions = {}): User {
  const user = requireUser(state, id);
  if (!isObject(patch)) throw new InvalidInput('body: expected an object of user fields');
  const metadata = {
    ...(patch.appMetadata !== undefined ? { appMetadata: mergeMetadata(user.appMetadata, patch.appMetadata, 'appMetadata') } : {}),
    ...(patch.userMetadata !== undefined ? { userMetadata: mergeMetadata(user.userMetadata, patch.userMetadata, 'userMetadata') } : {}),
  };
  if (patch.sub !== undefined && patch.sub !== user.sub) throw new InvalidInput("sub: a user's sub cannot change", 'sub');
  const clash = typeof patch.email === 'string' ? state.directory.findUser(patch.email) : undefined;
  if (clash && clash.sub !== user.sub) throw new DuplicateUser('email', clash.sub);
  checkNewPassword(state, patch.password, options);
  applying(state, (t) => {
    const i = t.users!.findIndex((u) => u.sub === user.sub);
    t.users![i] = { ...t.users![i]!, ...patch, ...metadata, updatedAt: state.clock.date().toISOString() };
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

/** A role by its Management API id (`rol_…`) or its name. */
export function requireRole(state: MockState, id: string): Role {
  const role = state.directory.roleById(id) ?? state.directory.role(id);
  if (!role) throw new UnknownRole(id);
  return role;
}

/** An API permission as the Management API names it. */
export interface PermissionRef {
  audience: string;
  permission: string;
}

/** Adds and removes permissions in a per-API record (a role's or a user's), without duplicates or empty lists. */
function changePermissions(current: Record<string, string[]>, add: readonly PermissionRef[], remove: readonly PermissionRef[]): Record<string, string[]> {
  const next = new Map(Object.entries(current).map(([audience, list]) => [audience, new Set(list)]));
  for (const { audience, permission } of add) next.set(audience, (next.get(audience) ?? new Set()).add(permission));
  for (const { audience, permission } of remove) next.get(audience)?.delete(permission);
  return Object.fromEntries([...next].filter(([, set]) => set.size > 0).map(([audience, set]) => [audience, [...set]]));
}

/** Creates a role (Management API: `POST /api/v2/roles`), with a new `rol_` id. */
export function createRole(state: MockState, input: { name: string; description?: string | undefined }): Role {
  if (state.directory.role(input.name)) throw new DuplicateRole(input.name);
  const id = newRoleId();
  applying(state, (t) => {
    t.roles = [...(t.roles ?? []), { id, name: input.name, description: input.description ?? '', permissions: {} }];
  }, 'roles');
  return requireRole(state, id);
}

/** Renames a role or changes its description; its users keep it (they list it by name, so they follow the rename). */
export function updateRole(state: MockState, id: string, patch: { name?: string | undefined; description?: string | undefined }): Role {
  const role = requireRole(state, id);
  const roleId = roleIdOf(role);
  const name = patch.name ?? role.name;
  if (name !== role.name && state.directory.role(name)) throw new DuplicateRole(name);
  const rename = (roles: string[] | undefined) => roles?.map((r) => (r === role.name ? name : r));
  applying(state, (t) => {
    t.roles = t.roles!.map((r) => (r.name === role.name ? { ...r, id: roleId, name, ...(patch.description !== undefined ? { description: patch.description } : {}) } : r));
    t.users = t.users?.map((u) => ({ ...u, roles: rename(u.roles) }));
    t.socialConnections = t.socialConnections?.map((c) => ({ ...c, user: { ...c.user, roles: rename(c.user.roles) }, users: c.users?.map((u) => ({ ...u, roles: rename(u.roles) })) }));
  }, 'roles');
  return requireRole(state, roleId);
}

/** Deletes a role; the users who had it lose it (and its permissions, from their next token on). */
export function deleteRole(state: MockState, id: string): Role {
  const role = requireRole(state, id);
  const without = (roles: string[] | undefined) => roles?.filter((r) => r !== role.name);
  applying(state, (t) => {
    t.roles = t.roles!.filter((r) => r.name !== role.name);
    t.users = t.users?.map((u) => ({ ...u, roles: without(u.roles) }));
    t.socialConnections = t.socialConnections?.map((c) => ({ ...c, user: { ...c.user, roles: without(c.user.roles) }, users: c.users?.map((u) => ({ ...u, roles: without(u.roles) })) }));
  }, 'roles');
  return role;
}

/** Adds permissions to a role and removes others (each must be a permission its API defines). */
export function changeRolePermissions(state: MockState, id: string, change: { add?: readonly PermissionRef[]; remove?: readonly PermissionRef[] }): Role {
  const role = requireRole(state, id);
  applying(state, (t) => {
    t.roles = t.roles!.map((r) => (r.name === role.name ? { ...r, id: roleIdOf(role), permissions: changePermissions(role.permissions, change.add ?? [], change.remove ?? []) } : r));
  }, 'roles');
  return requireRole(state, roleIdOf(role));
}

/** Assigns roles (ids or names) to a user and removes others; roles a user has already are not repeated. */
export function changeUserRoles(state: MockState, userId: string, change: { add?: readonly string[]; remove?: readonly string[] }): User {
  const user = requireUser(state, userId);
  const add = (change.add ?? []).map((r) => requireRole(state, r).name);
  const remove = new Set((change.remove ?? []).map((r) => requireRole(state, r).name));
  const roles = [...new Set([...user.roles, ...add])].filter((r) => !remove.has(r));
  return updateUser(state, user.sub, { roles });
}

/** Assigns a role to users (Management API: `POST /api/v2/roles/{id}/users`). */
export function assignRoleToUsers(state: MockState, roleId: string, userIds: readonly string[]): Role {
  const role = requireRole(state, roleId);
  const subs = new Set(userIds.map((u) => requireUser(state, u).sub));
  applying(state, (t) => {
    t.users = t.users!.map((u) => (subs.has(u.sub) && !(u.roles ?? []).includes(role.name) ? { ...u, roles: [...(u.roles ?? []), role.name], updatedAt: state.clock.date().toISOString() } : u));
  }, 'users');
  return role;
}

/** Assigns permissions to a user directly (not through a role) and removes others. */
export function changeUserPermissions(state: MockState, userId: string, change: { add?: readonly PermissionRef[]; remove?: readonly PermissionRef[] }): User {
  const user = requireUser(state, userId);
  return updateUser(state, user.sub, { permissions: changePermissions(user.permissions, change.add ?? [], change.remove ?? []) });
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

/**
 * Who a right passwordless code signs in: the tenant's database user with that email (or `phoneNumber`), else
 * the connection's user with that address, else (Auth0's first login) a new user `email|<id>` / `sms|<id>`,
 * unless the connection's sign-ups are disabled (undefined then).
 */
export function passwordlessSignIn(state: MockState, connection: PasswordlessConnection, address: string): string | undefined {
  const at = address.trim();
  const { directory } = state;
  const known = connection === 'email' ? directory.userByEmail(at) ?? directory.passwordlessUser('email', at) : directory.tenant.users.find((u) => u.phoneNumber === at) ?? directory.passwordlessUser('sms', at);
  if (known) return known.sub;
  const settings = state.tenant.passwordless[connection];
  if (settings.disableSignup) return undefined;
  const sub = `${connection}|${passwordlessId(at)}`;
  const createdAt = new Date(state.clock.now()).toISOString();
  applying(state, (t) => {
    const connections = t.passwordless ?? {};
    if (connection === 'email') connections.email = { ...connections.email, users: [...(connections.email?.users ?? []), { sub, email: at, createdAt }] };
    else connections.sms = { ...connections.sms, users: [...(connections.sms?.users ?? []), { sub, phoneNumber: at, createdAt }] };
    t.passwordless = connections;
  }, 'passwordless');
  state.events.add({ type: 'user.created', sub, detail: { connection, firstLogin: true } });
  return sub;
}

/** Checks a passwordless code (core/passwordless.ts: the latest, unexpired, 3 tries) and, when right, signs its address in (passwordlessSignIn). */
export function checkPasswordlessCode(state: MockState, connection: PasswordlessConnection, address: string, code: string): PasswordlessCheck {
  return state.passwordless.check(connection, address, code, () => passwordlessSignIn(state, connection, address));
}

/** An organization by id or name (UnknownOrganization otherwise). */
export function requireOrganization(state: MockState, id: string): Organization {
  const org = state.directory.organization(id);
  if (!org) throw new UnknownOrganization(id);
  return org;
}

/** Changes one organization of the tenant (validated as a whole tenant). */
function editingOrganization(state: MockState, id: string, edit: (org: NonNullable<TenantInput['organizations']>[number]) => void): Organization {
  const org = requireOrganization(state, id);
  applying(state, (t) => {
    const entry = t.organizations!.find((o) => o.id === org.id)!;
    edit(entry);
  }, 'organizations');
  return requireOrganization(state, org.id);
}

/** Creates an organization (Management API: `POST /api/v2/organizations`), with a new `org_` id. */
export function createOrganization(state: MockState, input: { name: string; display_name?: string | undefined }): Organization {
  if (state.directory.organization(input.name)) throw new DuplicateOrganization(input.name);
  const id = newOrganizationId();
  applying(state, (t) => {
    t.organizations = [...(t.organizations ?? []), { id, name: input.name, ...(input.display_name ? { displayName: input.display_name } : {}) }];
  }, 'organizations');
  return requireOrganization(state, id);
}

export function deleteOrganization(state: MockState, id: string): Organization {
  const org = requireOrganization(state, id);
  applying(state, (t) => {
    t.organizations = t.organizations!.filter((o) => o.id !== org.id);
  }, 'organizations');
  return org;
}

/** Auth0's `PATCH /organizations/{id}` (Management API field names); `null` clears branding or metadata. DuplicateOrganization for a taken name. */
export function updateOrganization(state: MockState, id: string, patch: OrganizationPatch): Organization {
  const org = requireOrganization(state, id);
  const other = patch.name === undefined ? undefined : state.directory.organization(patch.name);
  if (other && other.id !== org.id) throw new DuplicateOrganization(patch.name!);
  return editingOrganization(state, id, (entry) => {
    if (patch.name !== undefined) entry.name = patch.name;
    if (patch.display_name !== undefined) entry.displayName = patch.display_name;
    if (patch.metadata !== undefined) entry.metadata = patch.metadata ?? {};
    if (patch.branding === null) delete entry.branding;
    else if (patch.branding !== undefined) {
      const { logo_url, colors } = patch.branding;
      entry.branding = { ...(logo_url ? { logoUrl: logo_url } : {}), ...(colors ? { colors: { primary: colors.primary, pageBackground: colors.page_background } } : {}) };
    }
  });
}

export interface OrganizationPatch {
  name?: string | undefined;
  display_name?: string | undefined;
  branding?: { logo_url?: string | undefined; colors?: { primary: string; page_background: string } | undefined } | null | undefined;
  metadata?: Record<string, string> | null | undefined;
}

/** The tenant's connections by name: the database connection and the social ones. */
export function connectionNames(state: MockState): string[] {
  return [DEFAULTS.databaseConnection, ...state.tenant.socialConnections.map((c) => c.name)];
}

/**
 * Enables, changes or disables a connection of an organization (Auth0's enabled connections, with
 * "Membership On Authentication"). UnknownConnection for a connection the tenant lacks (or, changing or
 * disabling, one the organization does not enable); DuplicateConnection when enabling it twice.
 */
export function changeOrganizationConnection(state: MockState, id: string, connection: string, change: 'enable' | 'update' | 'disable', assignMembershipOnLogin?: boolean): Organization {
  const org = requireOrganization(state, id);
  if (!connectionNames(state).includes(connection)) throw new UnknownConnection(connection);
  const enabled = org.connections.includes(connection);
  if (change === 'enable' && enabled) throw new DuplicateConnection(connection, org.id);
  if (change !== 'enable' && !enabled) throw new UnknownConnection(connection, org.id);
  return editingOrganization(state, id, (entry) => {
    const connections = entry.connections ?? [DEFAULTS.databaseConnection];
    const assigning = new Set(entry.assignMembershipOnLogin ?? []);
    if (change === 'disable') {
      entry.connections = connections.filter((c) => c !== connection);
      assigning.delete(connection);
    } else {
      if (change === 'enable') entry.connections = [...connections, connection];
      if (assignMembershipOnLogin === true) assigning.add(connection);
      if (assignMembershipOnLogin === false) assigning.delete(connection);
    }
    entry.assignMembershipOnLogin = [...assigning];
  });
}

/** Adds or removes members (by user id or email): a new member has no roles in the organization. */
export function changeOrganizationMembers(state: MockState, id: string, change: { add?: readonly string[]; remove?: readonly string[] }): Organization {
  const subs = (ids: readonly string[] | undefined) => (ids ?? []).map((u) => {
    const person = state.directory.findPerson(u);
    if (!person) throw new UnknownUser(u, 'members');
    return person.sub;
  });
  const add = subs(change.add);
  const remove = new Set(subs(change.remove));
  return editingOrganization(state, id, (org) => {
    const members = (org.members ?? []).map((m) => ({ ...m, user: state.directory.findPerson(m.user)?.sub ?? m.user }));
    for (const sub of add) if (!members.some((m) => m.user === sub)) members.push({ user: sub, roles: [] });
    org.members = members.filter((m) => !remove.has(m.user));
  });
}

/** Gives a member organization roles or takes them away (roles by id or name; UnknownUser for a non-member). */
export function changeMemberRoles(state: MockState, id: string, userId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Organization {
  const person = state.directory.findPerson(userId);
  const org = requireOrganization(state, id);
  if (!person || !state.directory.membership(org.id, person.sub)) throw new UnknownUser(userId, 'user');
  const names = (ids: readonly string[] | undefined) => (ids ?? []).map((r) => requireRole(state, r).name);
  const add = names(change.add);
  const remove = new Set(names(change.remove));
  return editingOrganization(state, org.id, (entry) => {
    const member = entry.members!.find((m) => state.directory.findPerson(m.user)?.sub === person.sub)!;
    member.roles = [...new Set([...(member.roles ?? []), ...add])].filter((r) => !remove.has(r));
  });
}

/**
 * Invites someone to an organization (Management API `POST /organizations/{id}/invitations`, admin API):
 * the application must have an `initiateLoginUri` (Auth0 builds the link from it); roles by id or name.
 */
export function inviteToOrganization(state: MockState, id: string, input: { inviterName: string; inviteeEmail: string; clientId: string; roles?: readonly string[] | undefined; ttlSeconds?: number | undefined; sendEmail?: boolean | undefined }): Invitation {
  const org = requireOrganization(state, id);
  const app = state.directory.application(input.clientId);
  if (!app) throw new UnknownClient(input.clientId, 'client_id');
  if (!app.initiateLoginUri) throw new InvalidInput('client_id: the application has no initiateLoginUri (Application Login URI) to build the invitation link', 'client_id');
  const roles = (input.roles ?? []).map((r) => requireRole(state, r).name);
  const invitation = state.invitations.create({ organizationId: org.id, clientId: app.clientId, inviterName: input.inviterName, inviteeEmail: input.inviteeEmail.toLowerCase(), roles }, input.ttlSeconds);
  // Auth0's send_invitation_email defaults to true.
  if (input.sendEmail !== false) sendInvitationEmail(state, invitation);
  return invitation;
}
