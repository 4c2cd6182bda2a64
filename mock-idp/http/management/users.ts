import type { Context } from 'koa';
import { z } from 'zod';
import { sendVerificationEmail } from '../../core/database-connection.js';
import { InvalidInput, UnknownUser } from '../../core/errors.js';
import { userSearch } from '../../core/management/user-search.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { changeUserPermissions, changeUserRoles, createUser, deleteUser, type NewUserInput, type PermissionRef, updateUser, type UserEditOptions, type UserInput } from '../../core/tenant/edits.js';
import type { User } from '../../core/tenant/schema.js';
import { ManagementApiError } from '../errors.js';
import { addAndRemove, badQuery, body, type Endpoint, noContent, paginate, param, selectFields, stringParam } from './endpoint.js';
import { managedPasswordlessUsers, permissionJson, roleJson, userJson } from './format.js';

const metadata = z.record(z.string(), z.unknown());
const profile = {
  email_verified: z.boolean().optional(),
  verify_email: z.boolean().optional(),
  name: z.string().min(1).optional(),
  given_name: z.string().min(1).optional(),
  family_name: z.string().min(1).optional(),
  nickname: z.string().min(1).optional(),
  picture: z.url({ protocol: /^https?$/ }).optional(),
  blocked: z.boolean().optional(),
  app_metadata: metadata.optional(),
  user_metadata: metadata.optional(),
};
const createBody = z.strictObject({ connection: z.string(), email: z.email(), password: z.string().min(1), user_id: z.string().regex(/^\S+$/).optional(), ...profile });
const updateBody = z.strictObject({ connection: z.string().optional(), email: z.email().optional(), password: z.string().min(1).optional(), client_id: z.string().optional(), ...profile });
const rolesBody = z.strictObject({ roles: z.array(z.string().min(1)).min(1) });
export const permissionsBody = z.strictObject({
  permissions: z.array(z.strictObject({ resource_server_identifier: z.string().min(1), permission_name: z.string().min(1) })).min(1),
});

export const permissionRefs = (b: z.output<typeof permissionsBody>): PermissionRef[] => b.permissions.map((p) => ({ audience: p.resource_server_identifier, permission: p.permission_name }));

/** As on Auth0, a password set through the Management API must meet the connection's password policy. */
const POLICY: UserEditOptions = { enforcePasswordPolicy: true };

/** Only the database connection exists (Auth0: 400 "The connection does not exist."). */
function checkConnection(connection: string | undefined): void {
  if (connection !== undefined && connection !== DEFAULTS.databaseConnection) throw new ManagementApiError(400, 'The connection does not exist.', 'inexistent_connection');
}

/** The fields the Management API and the tenant file share, under the tenant file's names. */
function userFields(b: z.output<typeof updateBody>): Partial<UserInput> {
  const fields: { [K in keyof UserInput]?: UserInput[K] | undefined } = {
    email: b.email,
    password: b.password,
    emailVerified: b.email_verified,
    name: b.name,
    givenName: b.given_name,
    familyName: b.family_name,
    nickname: b.nickname,
    picture: b.picture,
    blocked: b.blocked,
    appMetadata: b.app_metadata,
    userMetadata: b.user_metadata,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<UserInput>;
}

/** A user by the Management API's id (`user_id`, the `sub`; not an email as the admin API also takes). */
export function userById(state: MockState, id: string): User {
  const user = state.directory.findUser(id);
  if (!user || user.sub !== id) throw new UnknownUser(id, 'id');
  return user;
}

const SORTABLE: Record<string, (u: User) => string> = {
  user_id: (u) => u.sub,
  email: (u) => u.email.toLowerCase(),
  name: (u) => u.name.toLowerCase(),
  created_at: (u) => u.createdAt ?? '',
  updated_at: (u) => u.updatedAt ?? u.createdAt ?? '',
};

/** The `q` predicate; a query outside the subset is Auth0's 400 `invalid_query_string`. */
function searchOf(q: string, connection: string): (user: User) => boolean {
  try {
    return userSearch(q, connection);
  } catch (err) {
    if (err instanceof InvalidInput) throw badQuery(err.message);
    throw err;
  }
}

function listUsers(ctx: Context, state: MockState): void {
  const engine = stringParam(ctx, 'search_engine');
  if (engine !== undefined && engine !== 'v2' && engine !== 'v3') throw badQuery(`Invalid value "${engine}" for search_engine: expected v3 (v1 is no longer served)`);
  const q = stringParam(ctx, 'q');
  const connection = stringParam(ctx, 'connection');
  // The database users, then the passwordless connections' (created by their first login).
  let entries: Array<{ user: User; connection: string }> = [...state.tenant.users.map((user) => ({ user, connection: DEFAULTS.databaseConnection })), ...managedPasswordlessUsers(state)];
  if (connection !== undefined) entries = entries.filter((e) => e.connection === connection);
  if (q !== undefined) {
    // `identities.connection` differs per connection; a bad query is refused even when no user is left to match.
    const byConnection = new Map<string, (user: User) => boolean>([[DEFAULTS.databaseConnection, searchOf(q, DEFAULTS.databaseConnection)]]);
    const matches = (e: { user: User; connection: string }) => {
      const search = byConnection.get(e.connection) ?? searchOf(q, e.connection);
      byConnection.set(e.connection, search);
      return search(e.user);
    };
    entries = entries.filter(matches);
  }
  const users = entries.map((e) => e.user);
  const connectionOf = new Map(entries.map((e) => [e.user, e.connection]));
  const sort = stringParam(ctx, 'sort');
  if (sort !== undefined) {
    const [field = '', order] = sort.split(':');
    const key = SORTABLE[field];
    if (!key || (order !== '1' && order !== '-1')) throw badQuery(`Invalid value "${sort}" for sort: expected <field>:1 or <field>:-1 with a field of ${Object.keys(SORTABLE).join(', ')}`);
    users.sort((a, b) => key(a).localeCompare(key(b)) * Number(order));
  }
  ctx.body = paginate(ctx, 'users', users.map((u) => selectFields(ctx, userJson(state, u, connectionOf.get(u)))));
}

/** Every permission of a user for every API, each with where it comes from (directly, or which roles), as Auth0 lists them. */
function userPermissions(state: MockState, user: User): Record<string, unknown>[] {
  const found = new Map<string, { audience: string; permission: string; sources: Record<string, string>[] }>();
  const add = (audience: string, permission: string, source: Record<string, string>) => {
    const key = JSON.stringify([audience, permission]);
    const entry = found.get(key) ?? { audience, permission, sources: [] };
    entry.sources.push(source);
    found.set(key, entry);
  };
  for (const [audience, perms] of Object.entries(user.permissions)) for (const p of perms) add(audience, p, { source_id: '', source_name: '', source_type: 'DIRECT' });
  for (const name of user.roles) {
    const role = state.directory.role(name);
    if (!role) continue;
    const { id } = roleJson(role);
    for (const [audience, perms] of Object.entries(role.permissions)) for (const p of perms) add(audience, p, { source_id: id, source_name: role.name, source_type: 'ROLE' });
  }
  return [...found.values()].map((e) => ({ ...permissionJson(state.directory, e.audience, e.permission), sources: e.sources }));
}

export const USER_ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/users', scopes: ['read:users'], handle: listUsers },
  {
    method: 'POST',
    path: '/users',
    scopes: ['create:users'],
    async handle(ctx, state) {
      const b = await body(ctx, createBody);
      checkConnection(b.connection);
      const input = { emailVerified: false, name: b.email, ...userFields(b), ...(b.user_id !== undefined ? { sub: `auth0|${b.user_id}` } : {}) } as NewUserInput;
      const user = createUser(state, input, POLICY);
      // Auth0 emails a verification link unless the email is verified already or `verify_email` is false.
      if (b.verify_email ?? !user.emailVerified) sendVerificationEmail(state, user);
      ctx.status = 201;
      ctx.body = userJson(state, user);
    },
  },
  {
    method: 'GET',
    path: '/users-by-email',
    scopes: ['read:users'],
    handle(ctx, state) {
      const email = stringParam(ctx, 'email');
      if (email === undefined) throw badQuery('Missing required property: email');
      const user = state.directory.userByEmail(email);
      ctx.body = user ? [selectFields(ctx, userJson(state, user))] : [];
    },
  },
  {
    method: 'GET',
    path: '/users/:id',
    scopes: ['read:users', 'read:current_user', 'read:user_idp_tokens'],
    handle(ctx, state) {
      const id = param(ctx, 'id');
      const passwordless = managedPasswordlessUsers(state).find((e) => e.user.sub === id);
      ctx.body = selectFields(ctx, passwordless ? userJson(state, passwordless.user, passwordless.connection) : userJson(state, userById(state, id)));
    },
  },
  {
    method: 'PATCH',
    path: '/users/:id',
    scopes: ['update:users', 'update:users_app_metadata', 'update:current_user_metadata'],
    async handle(ctx, state) {
      const user = userById(state, param(ctx, 'id'));
      const b = await body(ctx, updateBody);
      checkConnection(b.connection);
      ctx.body = userJson(state, updateUser(state, user.sub, userFields(b), POLICY));
      if (b.verify_email === true && b.email !== undefined) sendVerificationEmail(state, userById(state, user.sub));
    },
  },
  {
    method: 'DELETE',
    path: '/users/:id',
    scopes: ['delete:users', 'delete:current_user'],
    handle(ctx, state) {
      // Auth0 answers 204 for an unknown user too.
      const user = state.directory.findUser(param(ctx, 'id'));
      if (user?.sub === param(ctx, 'id')) deleteUser(state, user.sub);
      noContent(ctx);
    },
  },
  {
    method: 'GET',
    path: '/users/:id/roles',
    scopes: ['read:users', 'read:roles', 'read:role_members'],
    handle(ctx, state) {
      const user = userById(state, param(ctx, 'id'));
      ctx.body = paginate(ctx, 'roles', user.roles.flatMap((name) => {
        const role = state.directory.role(name);
        return role ? [roleJson(role)] : [];
      }));
    },
  },
  ...addAndRemove('/users/:id/roles', { add: ['create:role_members'], remove: ['delete:role_members'] }, rolesBody, (b) => b.roles, (state, id, change) =>
    changeUserRoles(state, userById(state, id).sub, change),
  ),
  {
    method: 'GET',
    path: '/users/:id/permissions',
    scopes: ['read:users'],
    handle(ctx, state) {
      ctx.body = paginate(ctx, 'permissions', userPermissions(state, userById(state, param(ctx, 'id'))));
    },
  },
  ...addAndRemove('/users/:id/permissions', { add: ['update:users'], remove: ['update:users'] }, permissionsBody, permissionRefs, (state, id, change) =>
    changeUserPermissions(state, userById(state, id).sub, change),
  ),
];
