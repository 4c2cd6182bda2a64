import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { API, APP, codeFlow, startAuthorize, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { MGMT, managementTenant, managementToken } from './helpers.js';

let idp: MockIdp;
let token: string;
beforeAll(async () => {
  const tenant = managementTenant();
  const sampleApp = tenant.applications!.find((a) => a.clientId === APP.clientId)!;
  sampleApp.organizationUsage = 'allow';
  sampleApp.initiateLoginUri = 'https://app.example.test/login';
  idp = await startMockIdp({ port: 0, tenant });
  token = await managementToken(idp, MGMT);
});
afterAll(() => idp.close());

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${idp.issuer}api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('Management API: organizations', () => {
  it('creates an organization, adds a member with an organization role, and the member logs in through it with its permissions', async () => {
    const created = await call('POST', '/organizations', { name: 'globex', display_name: 'Globex' });
    expect(created.status).toBe(201);
    const id = String(created.body?.id);
    expect(id).toMatch(/^org_[A-Za-z0-9]{16}$/);
    expect((await call('GET', '/organizations/name/globex')).body).toEqual({ id, name: 'globex', display_name: 'Globex' });
    expect((await call('POST', `/organizations/${id}/members`, { members: ['auth0|65a1f0c2e4b0a1b2c3d4e5f3'] })).status).toBe(204);
    const roles = (await call('GET', '/roles')).body as unknown as { id: string; name: string }[];
    const adminId = roles.find((r) => r.name === 'admin')!.id;
    expect((await call('POST', `/organizations/${id}/members/auth0|65a1f0c2e4b0a1b2c3d4e5f3/roles`, { roles: [adminId] })).status).toBe(204);
    expect((await call('GET', `/organizations/${id}/members`)).body).toEqual([expect.objectContaining({ user_id: 'auth0|65a1f0c2e4b0a1b2c3d4e5f3', email: USERS.carol.username })]);
    expect((await call('GET', `/organizations/${id}/members/auth0|65a1f0c2e4b0a1b2c3d4e5f3/roles`)).body).toEqual([expect.objectContaining({ id: adminId, name: 'admin' })]);

    const { tokens } = await codeFlow(idp, USERS.carol, { extra: { organization: id } });
    const { payload } = await verify(idp, tokens.body.access_token!, API);
    expect(payload.org_id).toBe(id);
    expect(payload.permissions).toEqual(expect.arrayContaining(['write:orders']));

    expect((await call('DELETE', `/organizations/${id}/members/auth0|65a1f0c2e4b0a1b2c3d4e5f3/roles`, { roles: [adminId] })).status).toBe(204);
    expect((await call('DELETE', `/organizations/${id}/members`, { members: [USERS.carol.username] })).status).toBe(204);
    expect((await call('GET', `/organizations/${id}/members`)).body).toEqual([]);
    expect((await call('DELETE', `/organizations/${id}`)).status).toBe(204);
    expect((await call('GET', '/organizations')).body).toEqual([]);
  });

  it('answers 404 inexistent_organization for an unknown organization, 409 for a taken name, 400 for a bad body', async () => {
    expect((await call('GET', '/organizations/org_nope')).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_organization' });
    expect((await call('POST', '/organizations', { name: 'initech' })).status).toBe(201);
    expect((await call('POST', '/organizations', { name: 'initech' })).status).toBe(409);
    expect((await call('POST', '/organizations', { name: 'Not Valid' })).status).toBe(400);
    expect((await call('POST', '/organizations/org_nope/members', { members: ['x'] })).status).toBe(404);
  });

  it('invites a new user: the link opens sign-up with their email, and signing up makes them a member with the invited role', async () => {
    const org = (await call('POST', '/organizations', { name: 'hooli' })).body!;
    const roles = (await call('GET', '/roles')).body as unknown as { id: string; name: string }[];
    const invited = await call('POST', `/organizations/${org.id}/invitations`, { inviter: { name: 'Alice' }, invitee: { email: 'newcomer@example.com' }, client_id: APP.clientId, roles: [roles.find((r) => r.name === 'admin')!.id] });
    expect(invited.status).toBe(201);
    const link = new URL(String(invited.body?.invitation_url));
    expect(link.origin + link.pathname).toBe('https://app.example.test/login');
    expect(link.searchParams.get('organization')).toBe(org.id);
    expect((await call('GET', `/organizations/${org.id}/invitations`)).body).toHaveLength(1);

    // The app's login route forwards invitation and organization to /authorize.
    const browser = new HeadlessBrowser();
    const { page, verifier, redirectUri } = await startAuthorize(idp, browser, { extra: { organization: String(org.id), invitation: link.searchParams.get('invitation')! } });
    expect(page.body).toContain('value="newcomer@example.com"');
    const callback = await browser.submit(page, '/signup', { email: 'newcomer@example.com', password: 'Newcomer-pass-1' }, redirectUri);
    const code = new URL(callback.url).searchParams.get('code')!;
    const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
    const { payload } = await verify(idp, tokens.body.access_token!, API);
    expect(payload.org_id).toBe(org.id);
    expect(payload.permissions).toEqual(expect.arrayContaining(['write:orders']));
    expect((await call('GET', `/organizations/${org.id}/members`)).body).toEqual([expect.objectContaining({ email: 'newcomer@example.com' })]);
    expect((await call('GET', `/organizations/${org.id}/invitations`)).body).toEqual([]);
  });

  it('refuses an invitation for an application without an Application Login URI (400)', async () => {
    const org = (await call('POST', '/organizations', { name: 'umbrella' })).body!;
    expect((await call('POST', `/organizations/${org.id}/invitations`, { inviter: { name: 'A' }, invitee: { email: 'x@example.com' }, client_id: 'sample-spa' })).status).toBe(400);
  });

  it('creates invitations through the admin API too (the same body and answer), 400 for a bad body', async () => {
    const org = (await call('POST', '/organizations', { name: 'stark' })).body!;
    const post = (body: unknown) => fetch(`${idp.issuer}_mock/organizations/${org.id}/invitations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await post({ inviter: { name: 'Admin' }, invitee: { email: 'pepper@example.com' }, client_id: APP.clientId });
    expect(created.status).toBe(201);
    expect(new URL(((await created.json()) as { invitation_url: string }).invitation_url).searchParams.get('organization')).toBe(org.id);
    expect((await post({ invitee: {} })).status).toBe(400);
    expect((await call('GET', `/organizations/${org.id}/invitations`)).body).toEqual([expect.objectContaining({ invitee: { email: 'pepper@example.com' } })]);
  });
});
