import { z } from 'zod';
import { type Invitation, invitationUrl } from '../../core/organizations.js';
import type { Organization } from '../../core/tenant/schema.js';
import { changeMemberRoles, changeOrganizationConnection, changeOrganizationMembers, createOrganization, deleteOrganization, inviteToOrganization, requireOrganization, updateOrganization } from '../../core/tenant/edits.js';
import { UnknownConnection } from '../../core/errors.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import { body, type Endpoint, noContent, paginate, param } from './endpoint.js';
import { roleJson } from './format.js';

const orgName = z.string().min(1).max(50).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _');
const displayName = z.string().min(1).max(255);
const createBody = z.strictObject({ name: orgName, display_name: displayName.optional() });
const hexColor = z.string().regex(/^#([0-9a-fA-F]{3}){1,2}$/, 'a hex color such as #0059d6');
const patchBody = z.strictObject({
  name: orgName.optional(),
  display_name: displayName.optional(),
  branding: z.strictObject({ logo_url: z.url().optional(), colors: z.strictObject({ primary: hexColor, page_background: hexColor }).optional() }).nullable().optional(),
  metadata: z
    .record(z.string().min(1), z.string().max(255))
    .refine((m) => Object.keys(m).length <= 25, 'at most 25 metadata properties')
    .nullable()
    .optional(),
});
const connectionSettings = {
  assign_membership_on_login: z.boolean().optional(),
  show_as_button: z.boolean().optional(),
  // Organization sign-up is not simulated: only its default (off) is accepted.
  is_signup_enabled: z.literal(false, 'mock-idp does not simulate organization sign-up (is_signup_enabled): leave it out or false').optional(),
};
const enableConnectionBody = z.strictObject({ connection_id: z.string().min(1), ...connectionSettings });
const updateConnectionBody = z.strictObject(connectionSettings);

/** The mock's connection ids: `con_` and the connection's name (Auth0's are `con_` and 16 random characters). */
const connectionId = (name: string) => `con_${name}`;
const connectionName = (id: string) => (id.startsWith('con_') ? id.slice(4) : id);

function enabledConnectionJson(org: Organization, name: string) {
  return {
    connection_id: connectionId(name),
    assign_membership_on_login: org.assignMembershipOnLogin.includes(name),
    show_as_button: true,
    is_signup_enabled: false,
    connection: { name, strategy: name === DEFAULTS.databaseConnection ? 'auth0' : name },
  };
}

/** An enabled connection of the organization in the path (`:id`, `:connection`): 404 when it is not enabled. */
function enabledConnection(state: MockState, ctx: Parameters<Endpoint['handle']>[0]) {
  const org = requireOrganization(state, param(ctx, 'id'));
  const name = connectionName(param(ctx, 'connection'));
  if (!org.connections.includes(name)) throw new UnknownConnection(param(ctx, 'connection'), org.id);
  return { org, name };
}
const membersBody = z.strictObject({ members: z.array(z.string().min(1)).min(1) });
const rolesBody = z.strictObject({ roles: z.array(z.string().min(1)).min(1) });
export const invitationBody = z.strictObject({
  inviter: z.strictObject({ name: z.string().min(1) }),
  invitee: z.strictObject({ email: z.email() }),
  client_id: z.string().min(1),
  roles: z.array(z.string().min(1)).optional(),
  ttl_sec: z.number().int().positive().max(30 * 24 * 3600).optional(),
  send_invitation_email: z.boolean().optional(),
});

/** An invitation from Auth0's request body, answered as Auth0 answers it (the admin API takes the same body). */
export function invite(state: MockState, orgId: string, input: z.output<typeof invitationBody>) {
  const invitation = inviteToOrganization(state, orgId, { inviterName: input.inviter.name, inviteeEmail: input.invitee.email, clientId: input.client_id, roles: input.roles, ttlSeconds: input.ttl_sec, sendEmail: input.send_invitation_email });
  return invitationJson(state, invitation);
}

function invitationJson(state: MockState, invitation: Invitation) {
  const org = requireOrganization(state, invitation.organizationId);
  return {
    id: invitation.id,
    organization_id: org.id,
    inviter: { name: invitation.inviterName },
    invitee: { email: invitation.inviteeEmail },
    client_id: invitation.clientId,
    invitation_url: invitationUrl(state.directory, state.issuer, invitation),
    ticket_id: invitation.ticketId,
    created_at: new Date(invitation.createdAt).toISOString(),
    expires_at: new Date(invitation.expiresAt).toISOString(),
    roles: invitation.roles.map((name) => state.directory.role(name)).filter((r) => r !== undefined).map((r) => roleJson(r).id),
  };
}

const organizationJson = (org: Organization) => ({
  id: org.id,
  name: org.name,
  display_name: org.displayName ?? org.name,
  ...(org.branding ? { branding: { ...(org.branding.logoUrl ? { logo_url: org.branding.logoUrl } : {}), ...(org.branding.colors ? { colors: { primary: org.branding.colors.primary, page_background: org.branding.colors.pageBackground } } : {}) } } : {}),
  ...(Object.keys(org.metadata).length ? { metadata: { ...org.metadata } } : {}),
});

function memberJson(state: MockState, user: string) {
  const person = state.directory.findPerson(user);
  return { user_id: person?.sub ?? user, email: person?.email, name: person?.name, ...(person?.picture ? { picture: person.picture } : {}) };
}

/** The members' and member roles' pairs of endpoints: POST adds, DELETE removes. */
function changing(path: string, scopes: { add: string; remove: string }, apply: (state: MockState, ctx: Parameters<Endpoint['handle']>[0], key: 'add' | 'remove') => Promise<unknown>): Endpoint[] {
  return (['add', 'remove'] as const).map((key) => ({
    method: key === 'add' ? 'POST' : 'DELETE',
    path,
    scopes: [scopes[key]],
    async handle(ctx, state) {
      await apply(state, ctx, key);
      noContent(ctx);
    },
  }));
}

/** Auth0's `/api/v2/organizations`: organizations, their members and the members' roles, on the tenant's `organizations`. */
export const ORGANIZATION_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/organizations',
    scopes: ['read:organizations'],
    handle(ctx, state) {
      ctx.body = paginate(ctx, 'organizations', state.tenant.organizations.map(organizationJson));
    },
  },
  {
    method: 'POST',
    path: '/organizations',
    scopes: ['create:organizations'],
    async handle(ctx, state) {
      ctx.status = 201;
      ctx.body = organizationJson(createOrganization(state, await body(ctx, createBody)));
    },
  },
  {
    method: 'GET',
    path: '/organizations/name/:name',
    scopes: ['read:organizations'],
    handle(ctx, state) {
      ctx.body = organizationJson(requireOrganization(state, param(ctx, 'name').toLowerCase()));
    },
  },
  {
    method: 'GET',
    path: '/organizations/:id',
    scopes: ['read:organizations'],
    handle(ctx, state) {
      ctx.body = organizationJson(requireOrganization(state, param(ctx, 'id')));
    },
  },
  {
    method: 'PATCH',
    path: '/organizations/:id',
    scopes: ['update:organizations'],
    async handle(ctx, state) {
      const patch = await body(ctx, patchBody);
      ctx.body = organizationJson(updateOrganization(state, param(ctx, 'id'), patch));
    },
  },
  {
    method: 'GET',
    path: '/organizations/:id/enabled_connections',
    scopes: ['read:organization_connections'],
    handle(ctx, state) {
      const org = requireOrganization(state, param(ctx, 'id'));
      ctx.body = paginate(ctx, 'enabled_connections', org.connections.map((name) => enabledConnectionJson(org, name)));
    },
  },
  {
    method: 'POST',
    path: '/organizations/:id/enabled_connections',
    scopes: ['create:organization_connections'],
    async handle(ctx, state) {
      const input = await body(ctx, enableConnectionBody);
      const name = connectionName(input.connection_id);
      const org = changeOrganizationConnection(state, param(ctx, 'id'), name, 'enable', input.assign_membership_on_login);
      ctx.status = 201;
      ctx.body = enabledConnectionJson(org, name);
    },
  },
  {
    method: 'GET',
    path: '/organizations/:id/enabled_connections/:connection',
    scopes: ['read:organization_connections'],
    handle(ctx, state) {
      const { org, name } = enabledConnection(state, ctx);
      ctx.body = enabledConnectionJson(org, name);
    },
  },
  {
    method: 'PATCH',
    path: '/organizations/:id/enabled_connections/:connection',
    scopes: ['update:organization_connections'],
    async handle(ctx, state) {
      const { org, name } = enabledConnection(state, ctx);
      const input = await body(ctx, updateConnectionBody);
      ctx.body = enabledConnectionJson(changeOrganizationConnection(state, org.id, name, 'update', input.assign_membership_on_login), name);
    },
  },
  {
    method: 'DELETE',
    path: '/organizations/:id/enabled_connections/:connection',
    scopes: ['delete:organization_connections'],
    handle(ctx, state) {
      const { org, name } = enabledConnection(state, ctx);
      changeOrganizationConnection(state, org.id, name, 'disable');
      noContent(ctx);
    },
  },
  {
    method: 'DELETE',
    path: '/organizations/:id',
    scopes: ['delete:organizations'],
    handle(ctx, state) {
      deleteOrganization(state, param(ctx, 'id'));
      noContent(ctx);
    },
  },
  {
    method: 'GET',
    path: '/organizations/:id/members',
    scopes: ['read:organization_members'],
    handle(ctx, state) {
      ctx.body = paginate(ctx, 'members', requireOrganization(state, param(ctx, 'id')).members.map((m) => memberJson(state, m.user)));
    },
  },
  ...changing('/organizations/:id/members', { add: 'create:organization_members', remove: 'delete:organization_members' }, async (state, ctx, key) => {
    const org = requireOrganization(state, param(ctx, 'id'));
    changeOrganizationMembers(state, org.id, { [key]: (await body(ctx, membersBody)).members });
  }),
  {
    method: 'GET',
    path: '/organizations/:id/members/:user/roles',
    scopes: ['read:organization_member_roles'],
    handle(ctx, state) {
      const org = requireOrganization(state, param(ctx, 'id'));
      const person = state.directory.findPerson(param(ctx, 'user'));
      const membership = person ? state.directory.membership(org.id, person.sub) : undefined;
      const roles = (membership?.roles ?? []).map((name) => state.directory.role(name)).filter((r) => r !== undefined);
      ctx.body = paginate(ctx, 'roles', roles.map(roleJson));
    },
  },
  ...changing('/organizations/:id/members/:user/roles', { add: 'create:organization_member_roles', remove: 'delete:organization_member_roles' }, async (state, ctx, key) => {
    const org = requireOrganization(state, param(ctx, 'id'));
    changeMemberRoles(state, org.id, param(ctx, 'user'), { [key]: (await body(ctx, rolesBody)).roles });
  }),
  {
    method: 'GET',
    path: '/organizations/:id/invitations',
    scopes: ['read:organization_invitations'],
    handle(ctx, state) {
      const org = requireOrganization(state, param(ctx, 'id'));
      ctx.body = paginate(ctx, 'invitations', state.invitations.of(org.id).map((i) => invitationJson(state, i)));
    },
  },
  {
    method: 'POST',
    path: '/organizations/:id/invitations',
    scopes: ['create:organization_invitations'],
    async handle(ctx, state) {
      ctx.status = 201;
      ctx.body = invite(state, param(ctx, 'id'), await body(ctx, invitationBody));
    },
  },
];
