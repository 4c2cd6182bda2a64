import { MANAGEMENT_SCOPES } from '../../mock-idp/core/management/api.js';
import type { MockIdp, TenantInput } from '../../mock-idp/index.js';
import { APP, tokenRequest } from '../helpers/oauth.js';
import { tenantWith } from '../mock-idp/tenants.js';

/** An M2M application granted every Management API scope the mock knows, and one granted none. */
export const MGMT = { clientId: 'mgmt-worker', secret: 'mgmt-worker-secret' } as const;
export const SCOPELESS = { clientId: 'scopeless-worker', secret: 'scopeless-worker-secret' } as const;

/** The fixture tenant with those two applications, and Auth0's "good" password policy on the database connection. */
export function managementTenant(): TenantInput {
  const tenant = tenantWith((apps) => {
    apps.push(
      { clientId: MGMT.clientId, name: 'Management worker', appType: 'm2m', clientSecret: MGMT.secret, clientGrants: [{ audience: '/api/v2/', permissions: [...MANAGEMENT_SCOPES] }] },
      { clientId: SCOPELESS.clientId, name: 'Scope-less worker', appType: 'm2m', clientSecret: SCOPELESS.secret, clientGrants: [{ audience: '/api/v2/', permissions: [] }] },
    );
  });
  return { ...tenant, databaseConnection: { passwordPolicy: 'good' } };
}

/** A client-credentials token for the Management API. */
export async function managementToken(idp: MockIdp, client: { clientId: string; secret: string }, send: typeof fetch = fetch): Promise<string> {
  const { body } = await tokenRequest(idp, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, audience: `${idp.issuer}api/v2/` }, undefined, send);
  if (!body.access_token) throw new Error(`no management token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Auth0's password grant through sample-app (which lists it), for an API. */
export function passwordGrant(idp: MockIdp, username: string, password: string, audience: string, send: typeof fetch = fetch) {
  return tokenRequest(idp, { grant_type: 'password', client_id: APP.clientId, client_secret: APP.secret, username, password, audience, scope: 'openid read:orders write:orders' }, undefined, send);
}
