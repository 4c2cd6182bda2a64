import { createHash, randomBytes } from 'node:crypto';

/** Where Auth0's Management API v2 lives under the issuer; its audience is `<issuer>api/v2/`. */
export const MANAGEMENT_API_PATH = '/api/v2/';

/**
 * The Management API scopes the mock knows, as Auth0 names them. The tenant file grants them to
 * machine-to-machine applications (`clientGrants` with audience `/api/v2/` or `<issuer>api/v2/`).
 */
export const MANAGEMENT_SCOPES = [
  'read:users', 'create:users', 'update:users', 'delete:users',
  'read:users_app_metadata', 'create:users_app_metadata', 'update:users_app_metadata', 'delete:users_app_metadata',
  'read:user_idp_tokens', 'create:user_tickets',
  'read:roles', 'create:roles', 'update:roles', 'delete:roles',
  'read:role_members', 'create:role_members', 'delete:role_members',
  'read:resource_servers', 'read:clients', 'read:client_keys', 'read:client_grants', 'read:connections',
  'read:organizations', 'create:organizations', 'update:organizations', 'delete:organizations',
  'read:organization_members', 'create:organization_members', 'delete:organization_members',
  'read:organization_member_roles', 'create:organization_member_roles', 'delete:organization_member_roles',
  'read:organization_invitations', 'create:organization_invitations',
  'read:organization_connections', 'create:organization_connections', 'update:organization_connections', 'delete:organization_connections',
] as const;

const ORG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A new organization id: `org_` and 16 letters or digits, as Auth0's look. */
export const newOrganizationId = (): string => `org_${Array.from(randomBytes(16), (b) => ORG_ALPHABET[b % ORG_ALPHABET.length]).join('')}`;

/** The Management API's audience for an issuer (Auth0: `https://<domain>/api/v2/`). */
export const managementAudience = (issuer: string): string => new URL(MANAGEMENT_API_PATH, issuer).href;

/**
 * Does a client grant's audience name the Management API? `/api/v2/` (the tenant file does not know
 * the issuer, which may be on a free port) or any URL with that path (the only host is the issuer's).
 */
export function namesManagementApi(audience: string): boolean {
  return audience === MANAGEMENT_API_PATH || (URL.canParse(audience) && /^https?:$/.test(new URL(audience).protocol) && new URL(audience).pathname === MANAGEMENT_API_PATH);
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `rol_` and 16 letters or digits (Auth0's role ids look so) from 16 bytes. */
const roleIdFrom = (bytes: Buffer) => `rol_${Array.from(bytes.subarray(0, 16), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('')}`;

/** A role's id: the tenant's `id`, else one derived from its name, stable across restarts. */
export function roleIdOf(role: { id?: string | undefined; name: string }): string {
  return role.id ?? roleIdFrom(createHash('sha256').update(role.name).digest());
}

/** A new random role id (a role created through the Management API). */
export const newRoleId = (): string => roleIdFrom(randomBytes(16));
