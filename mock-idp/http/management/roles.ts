import { z } from 'zod';
import { assignRoleToUsers, changeRolePermissions, createRole, deleteRole, requireRole, updateRole } from '../../core/tenant/edits.js';
import { addAndRemove, body, type Endpoint, noContent, paginate, param, stringParam } from './endpoint.js';
import { permissionJson, roleJson } from './format.js';
import { permissionRefs, permissionsBody, userById } from './users.js';

const roleName = z.string().min(1).regex(/^\S+$/, 'must not contain spaces');
const createBody = z.strictObject({ name: roleName, description: z.string().optional() });
const updateBody = z.strictObject({ name: roleName.optional(), description: z.string().optional() });
const usersBody = z.strictObject({ users: z.array(z.string().min(1)).min(1) });

export const ROLE_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/roles',
    scopes: ['read:roles'],
    handle(ctx, state) {
      const filter = stringParam(ctx, 'name_filter')?.toLowerCase();
      const roles = state.tenant.roles.filter((r) => filter === undefined || r.name.toLowerCase().includes(filter));
      ctx.body = paginate(ctx, 'roles', roles.map(roleJson));
    },
  },
  {
    method: 'POST',
    path: '/roles',
    scopes: ['create:roles'],
    async handle(ctx, state) {
      ctx.body = roleJson(createRole(state, await body(ctx, createBody)));
    },
  },
  {
    method: 'GET',
    path: '/roles/:id',
    scopes: ['read:roles'],
    handle(ctx, state) {
      ctx.body = roleJson(requireRole(state, param(ctx, 'id')));
    },
  },
  {
    method: 'PATCH',
    path: '/roles/:id',
    scopes: ['update:roles'],
    async handle(ctx, state) {
      const role = requireRole(state, param(ctx, 'id'));
      ctx.body = roleJson(updateRole(state, roleJson(role).id, await body(ctx, updateBody)));
    },
  },
  {
    method: 'DELETE',
    path: '/roles/:id',
    scopes: ['delete:roles'],
    handle(ctx, state) {
      deleteRole(state, param(ctx, 'id'));
      noContent(ctx);
    },
  },
  {
    method: 'GET',
    path: '/roles/:id/permissions',
    scopes: ['read:roles'],
    handle(ctx, state) {
      const role = requireRole(state, param(ctx, 'id'));
      const perms = Object.entries(role.permissions).flatMap(([audience, list]) => list.map((p) => permissionJson(state.directory, audience, p)));
      ctx.body = paginate(ctx, 'permissions', perms);
    },
  },
  ...addAndRemove('/roles/:id/permissions', { add: ['update:roles'], remove: ['update:roles'] }, permissionsBody, permissionRefs, (state, id, change) =>
    changeRolePermissions(state, id, change),
  ),
  {
    method: 'GET',
    path: '/roles/:id/users',
    scopes: ['read:role_members'],
    handle(ctx, state) {
      const role = requireRole(state, param(ctx, 'id'));
      const users = state.tenant.users.filter((u) => u.roles.includes(role.name));
      ctx.body = paginate(ctx, 'users', users.map((u) => ({ user_id: u.sub, email: u.email, name: u.name, ...(u.picture ? { picture: u.picture } : {}) })));
    },
  },
  {
    method: 'POST',
    path: '/roles/:id/users',
    scopes: ['create:role_members'],
    async handle(ctx, state) {
      const role = requireRole(state, param(ctx, 'id'));
      const { users } = await body(ctx, usersBody);
      assignRoleToUsers(state, roleJson(role).id, users.map((id) => userById(state, id).sub));
      noContent(ctx);
    },
  },
];
