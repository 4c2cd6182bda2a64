import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT_ENDPOINTS } from '../../mock-idp/http/management/index.js';
import { type MockIdp, startMockIdp } from '../../mock-idp/index.js';
import { MGMT, managementTenant, managementToken, SCOPELESS } from './helpers.js';

// Auth0's scopes per endpoint (Management API v2 reference): a token needs any one of them.
// `:user` and `:role` are ids that do not exist: the calls must not change the tenant.
const TABLE: [method: string, path: string, scopes: string[]][] = [
  ['GET', '/users', ['read:users']],
  ['POST', '/users', ['create:users']],
  ['GET', '/users-by-email?email=alice@example.com', ['read:users']],
  ['GET', '/users/:user', ['read:users', 'read:current_user', 'read:user_idp_tokens']],
  ['PATCH', '/users/:user', ['update:users', 'update:users_app_metadata', 'update:current_user_metadata']],
  ['DELETE', '/users/:user', ['delete:users', 'delete:current_user']],
  ['GET', '/users/:user/roles', ['read:users', 'read:roles', 'read:role_members']],
  ['POST', '/users/:user/roles', ['create:role_members']],
  ['DELETE', '/users/:user/roles', ['delete:role_members']],
  ['GET', '/users/:user/permissions', ['read:users']],
  ['POST', '/users/:user/permissions', ['update:users']],
  ['DELETE', '/users/:user/permissions', ['update:users']],
  ['GET', '/roles', ['read:roles']],
  ['POST', '/roles', ['create:roles']],
  ['GET', '/roles/:role', ['read:roles']],
  ['PATCH', '/roles/:role', ['update:roles']],
  ['DELETE', '/roles/:role', ['delete:roles']],
  ['GET', '/roles/:role/permissions', ['read:roles']],
  ['POST', '/roles/:role/permissions', ['update:roles']],
  ['DELETE', '/roles/:role/permissions', ['update:roles']],
  ['GET', '/roles/:role/users', ['read:role_members']],
  ['POST', '/roles/:role/users', ['create:role_members']],
  ['GET', '/resource-servers', ['read:resource_servers']],
  ['GET', '/resource-servers/:api', ['read:resource_servers']],
  ['GET', '/clients', ['read:clients', 'read:client_keys']],
  ['GET', '/clients/:client', ['read:clients', 'read:client_keys']],
  ['GET', '/user-blocks/:user', ['read:users']],
  ['DELETE', '/user-blocks/:user', ['update:users']],
  ['POST', '/tickets/password-change', ['create:user_tickets']],
  ['POST', '/tickets/email-verification', ['create:user_tickets']],
  ['POST', '/jobs/verification-email', ['update:users']],
  ['GET', '/organizations', ['read:organizations']],
  ['POST', '/organizations', ['create:organizations']],
  ['GET', '/organizations/name/:name', ['read:organizations']],
  ['GET', '/organizations/:org', ['read:organizations']],
  ['PATCH', '/organizations/:org', ['update:organizations']],
  ['DELETE', '/organizations/:org', ['delete:organizations']],
  ['GET', '/organizations/:org/enabled_connections', ['read:organization_connections']],
  ['POST', '/organizations/:org/enabled_connections', ['create:organization_connections']],
  ['GET', '/organizations/:org/enabled_connections/:connection', ['read:organization_connections']],
  ['PATCH', '/organizations/:org/enabled_connections/:connection', ['update:organization_connections']],
  ['DELETE', '/organizations/:org/enabled_connections/:connection', ['delete:organization_connections']],
  ['GET', '/organizations/:org/members', ['read:organization_members']],
  ['POST', '/organizations/:org/members', ['create:organization_members']],
  ['DELETE', '/organizations/:org/members', ['delete:organization_members']],
  ['GET', '/organizations/:org/members/:user/roles', ['read:organization_member_roles']],
  ['POST', '/organizations/:org/members/:user/roles', ['create:organization_member_roles']],
  ['DELETE', '/organizations/:org/members/:user/roles', ['delete:organization_member_roles']],
  ['GET', '/organizations/:org/invitations', ['read:organization_invitations']],
  ['POST', '/organizations/:org/invitations', ['create:organization_invitations']],
];

const IDS: Record<string, string> = { ':user': 'auth0|000000000000000000000000', ':role': 'rol_0000000000000000', ':api': 'no-such-api', ':client': 'no-such-client', ':org': 'org_nope', ':name': 'no-such-org', ':connection': 'con_nope' };
const urlOf = (idp: MockIdp, path: string) => `${idp.issuer}api/v2${path.replace(/:\w+/g, (p) => encodeURIComponent(IDS[p]!))}`;

let idp: MockIdp;
let scopeless: string;

async function call(method: string, path: string, token: string) {
  const response = await fetch(urlOf(idp, path), { method, headers: { authorization: `Bearer ${token}`, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) }, ...(method === 'GET' ? {} : { body: '{}' }) });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as { errorCode?: string; message?: string } | undefined };
}

beforeAll(async () => {
  idp = await startMockIdp({ port: 0, tenant: managementTenant() });
  scopeless = await managementToken(idp, SCOPELESS);
});
afterAll(() => idp?.close());

describe('scopes of the Management API endpoints', () => {
  it('the table covers every endpoint the mock serves', () => {
    const served = MANAGEMENT_ENDPOINTS.map((e) => `${e.method} ${e.path.replace(/:\w+/, ':x')}`).sort();
    const tabled = TABLE.map(([m, p]) => `${m} ${p.split('?')[0]!.replace(/:\w+/, ':x')}`).sort();
    expect(tabled).toEqual(served);
  });

  it.each(TABLE)('%s %s: 403 insufficient_scope for a scope-less token, and not for a token with only %j', async (method, path, scopes) => {
    const refused = await call(method, path, scopeless);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'insufficient_scope' });
    expect(refused.body?.message).toBe(`Insufficient scope, expected any of: ${scopes.join(',')}`);
    for (const scope of scopes) {
      const { token } = await idp.mintToken({ client: MGMT.clientId, audience: `${idp.issuer}api/v2/`, scope });
      expect([scope, (await call(method, path, token)).status]).not.toEqual([scope, 403]);
    }
  });
});
