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

describe('Management API: organization settings, enabled connections and invitation emails', () => {
  it('PATCH /organizations/{id} changes name, display name, branding and metadata; 400 for a bad body, 404 unknown, 409 a taken name', async () => {
    const org = (await call('POST', '/organizations', { name: 'wayne' })).body!;
    const patched = await call('PATCH', `/organizations/${org.id}`, { name: 'wayne-ent', display_name: 'Wayne Enterprises', branding: { logo_url: 'https://wayne.example/logo.png', colors: { primary: '#112233', page_background: '#000000' } }, metadata: { tier: 'gold' } });
    expect(patched).toEqual({ status: 200, body: { id: org.id, name: 'wayne-ent', display_name: 'Wayne Enterprises', branding: { logo_url: 'https://wayne.example/logo.png', colors: { primary: '#112233', page_background: '#000000' } }, metadata: { tier: 'gold' } } });
    expect((await call('GET', '/organizations/name/wayne-ent')).body).toEqual(patched.body);
    expect((await call('PATCH', `/organizations/${org.id}`, { branding: null, metadata: null })).body).toEqual({ id: org.id, name: 'wayne-ent', display_name: 'Wayne Enterprises' });

    await call('POST', '/organizations', { name: 'lexcorp' });
    expect((await call('PATCH', `/organizations/${org.id}`, { name: 'lexcorp' })).body).toMatchObject({ statusCode: 409, errorCode: 'conflict' });
    for (const bad of [{ name: 'Not Valid' }, { display_name: '' }, { branding: { colors: { primary: 'red', page_background: '#fff' } } }, { metadata: { tier: 5 } }, { token: 'x' }]) {
      expect((await call('PATCH', `/organizations/${org.id}`, bad)).body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    }
    expect((await call('PATCH', '/organizations/org_nope', { display_name: 'X' })).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_organization' });
  });

  it('enables, reads, changes and disables connections; with assign_membership_on_login a non-member who logs in through the organization becomes a member', async () => {
    const org = (await call('POST', '/organizations', { name: 'cyberdyne' })).body!;
    const base = `/organizations/${org.id}/enabled_connections`;
    const db = 'con_Username-Password-Authentication';
    expect((await call('GET', base)).body).toEqual([{ connection_id: db, assign_membership_on_login: false, show_as_button: true, is_signup_enabled: false, connection: { name: 'Username-Password-Authentication', strategy: 'auth0' } }]);
    // Not a member, no membership on login: refused.
    const refused = await codeFlow(idp, USERS.bob, { extra: { organization: String(org.id) } }).catch((err: Error) => err);
    expect(String(refused)).toContain('error=access_denied');

    expect((await call('PATCH', `${base}/${db}`, { assign_membership_on_login: true })).body).toMatchObject({ connection_id: db, assign_membership_on_login: true });
    const { tokens } = await codeFlow(idp, USERS.bob, { extra: { organization: String(org.id) } });
    expect((await verify(idp, tokens.body.access_token!, API)).payload.org_id).toBe(org.id);
    expect((await call('GET', `/organizations/${org.id}/members`)).body).toEqual([expect.objectContaining({ email: USERS.bob.username })]);

    expect((await call('POST', base, { connection_id: 'con_github', assign_membership_on_login: false })).status).toBe(201);
    expect((await call('GET', `${base}/con_github`)).body).toMatchObject({ connection_id: 'con_github', connection: { name: 'github', strategy: 'github' } });
    expect((await call('POST', base, { connection_id: 'con_github' })).body).toMatchObject({ statusCode: 409 });
    expect((await call('POST', base, { connection_id: 'con_nope' })).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_connection' });
    expect((await call('POST', base, { connection_id: 'con_github', is_signup_enabled: true })).body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    expect((await call('POST', base, {})).body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    expect((await call('DELETE', `${base}/con_github`)).status).toBe(204);
    expect((await call('GET', `${base}/con_github`)).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_connection' });
    expect((await call('GET', '/organizations/org_nope/enabled_connections')).status).toBe(404);
  });

  it('emails the invitation (send_invitation_email, on by default) with the link Auth0 builds, and /authorize?invitation= from that link makes the invitee a member', async () => {
    const org = (await call('POST', '/organizations', { name: 'tyrell', display_name: 'Tyrell Corp' })).body!;
    const quiet = await call('POST', `/organizations/${org.id}/invitations`, { inviter: { name: 'Eldon' }, invitee: { email: 'rachael@example.com' }, client_id: APP.clientId, send_invitation_email: false });
    expect(quiet.status).toBe(201);
    expect(idp.emails({ to: 'rachael@example.com' })).toEqual([]);

    const invited = await call('POST', `/organizations/${org.id}/invitations`, { inviter: { name: 'Eldon' }, invitee: { email: USERS.carol.username }, client_id: APP.clientId });
    const email = idp.emails({ to: USERS.carol.username }).at(-1)!;
    expect(email).toMatchObject({ kind: 'organization_invitation', links: [invited.body?.invitation_url] });
    const link = new URL(email.links[0]!);
    expect(link.origin + link.pathname).toBe('https://app.example.test/login');
    expect(Object.fromEntries(link.searchParams)).toEqual({ invitation: invited.body?.ticket_id, organization: org.id, organization_name: 'tyrell' });

    // The app's login route passes invitation and organization on; carol (an existing user with the invited email) logs in and joins.
    const { tokens } = await codeFlow(idp, USERS.carol, { extra: { organization: link.searchParams.get('organization')!, invitation: link.searchParams.get('invitation')! } });
    expect((await verify(idp, tokens.body.id_token!, APP.clientId)).payload.org_id).toBe(org.id);
    expect((await call('GET', `/organizations/${org.id}/members`)).body).toEqual([expect.objectContaining({ email: USERS.carol.username })]);
  });

  it('post_login_prompt: after the login a member of several organizations picks one (org_id of the pick), a member of none is refused', async () => {
    const setBehavior = (usage: 'allow' | 'require', behavior: 'no_prompt' | 'post_login_prompt') =>
      idp.updateTenant((draft) => {
        const app = draft.applications!.find((a) => a.clientId === APP.clientId)!;
        app.organizationUsage = usage;
        app.organizationRequireBehavior = behavior;
      });
    const ids: string[] = [];
    for (const name of ['oscorp', 'daily-bugle']) {
      const org = (await call('POST', '/organizations', { name })).body!;
      await call('POST', `/organizations/${org.id}/members`, { members: [USERS.alice.username] });
      ids.push(String(org.id));
    }
    await setBehavior('require', 'post_login_prompt');
    try {
      const browser = new HeadlessBrowser();
      const { page, verifier, redirectUri } = await startAuthorize(idp, browser);
      const picker = await browser.submit(page, '/login', USERS.alice, redirectUri);
      expect(picker.body).toContain('daily-bugle');
      const callback = await browser.submit(picker, '/organization-picker', { organization: ids[1]! }, redirectUri);
      const code = new URL(callback.url).searchParams.get('code')!;
      const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: APP.clientId, client_secret: APP.secret });
      expect((await verify(idp, tokens.body.access_token!, API)).payload.org_id).toBe(ids[1]);

      // Bob, once out of every organization (earlier tests made him a member of some).
      for (const org of (await call('GET', '/organizations')).body as unknown as { id: string }[]) await call('DELETE', `/organizations/${org.id}/members`, { members: [USERS.bob.username] });
      const refused = await codeFlow(idp, USERS.bob).catch((err: Error) => err);
      expect(String(refused)).toContain('error=access_denied');
    } finally {
      await setBehavior('allow', 'no_prompt');
    }
  });
});
