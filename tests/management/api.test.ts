import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MockIdp, startMockIdp } from '../../mock-idp/index.js';
import { API } from '../helpers/oauth.js';
import { MGMT, managementTenant, managementToken, passwordGrant } from './helpers.js';

// The Management API over plain HTTP with fetch: what the SDK test does not reach.

const ALICE = { sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', email: 'alice@example.com', password: 'alice-pass' };
const BOB = { sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2', email: 'bob@example.com', password: 'bob-pass' };

let idp: MockIdp;
let token: string;

async function api(method: string, path: string, options: { body?: unknown; token?: string | null } = {}) {
  const bearer = options.token === undefined ? token : options.token;
  const response = await fetch(`${idp.issuer}api/v2${path}`, {
    method,
    headers: { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}
const query = (q: string) => api('GET', `/users?q=${encodeURIComponent(q)}&search_engine=v3`);
const ids = (answer: { body: unknown }) => (answer.body as { user_id: string }[]).map((u) => u.user_id);

beforeAll(async () => {
  idp = await startMockIdp({ port: 0, tenant: { ...managementTenant(), bruteForceProtection: { enabled: true, maxAttempts: 2 } } });
  token = await managementToken(idp, MGMT);
});
afterAll(() => idp?.close());

describe('authentication', () => {
  it('answers a call without a token with 401 in Auth0 shape', async () => {
    expect(await api('GET', '/users', { token: null })).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', attributes: { error: 'Missing authentication' } } });
  });

  it('refuses an expired token, a token for another API and a token the mock did not sign with 401', async () => {
    const expired = (await idp.mintToken({ client: MGMT.clientId, audience: `${idp.issuer}api/v2/`, claims: { exp: Math.floor(Date.now() / 1000) - 60 } })).token;
    const otherApi = (await idp.mintToken({ client: MGMT.clientId, audience: API, scope: 'read:users' })).token;
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const t of [expired, otherApi, forged]) expect((await api('GET', '/users', { token: t })).status).toBe(401);
  });

  it("does not give a user's login the Management API's scopes: RBAC grants none of them", async () => {
    const login = await passwordGrant(idp, ALICE.email, ALICE.password, `${idp.issuer}api/v2/`);
    expect(login.status).toBe(200);
    expect(decodeJwt(login.body.access_token!).scope).not.toContain('read:users');
    expect((await api('GET', '/users', { token: login.body.access_token! })).status).toBe(403);
  });

  it('answers an unknown path with 404 and a known path with another method with 405', async () => {
    expect(await api('GET', '/no-such-thing')).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
    expect((await api('PUT', '/users')).status).toBe(405);
    // A method no route of the mock takes (WebDAV's PROPFIND) on an unknown path: still the API's 404, not 501.
    expect(await api('PROPFIND', '/no-such-thing')).toMatchObject({ status: 404, body: { statusCode: 404 } });
  });
});

describe('users search (q, Lucene subset)', () => {
  it('matches exact quoted values case-insensitively, wildcards, AND, OR, NOT and parentheses', async () => {
    expect(ids(await query('email:"ALICE@example.com"'))).toEqual([ALICE.sub]);
    expect(ids(await query('name:B*'))).toEqual([BOB.sub]);
    expect(ids(await query('email:*@example.com AND NOT name:carol*')).sort()).toEqual([ALICE.sub, BOB.sub]);
    expect(ids(await query('name:alice* OR name:bob*')).sort()).toEqual([ALICE.sub, BOB.sub]);
    expect(ids(await query('(name:alice* OR name:bob*) AND email_verified:true')).sort()).toEqual([ALICE.sub, BOB.sub]);
    expect(ids(await query('email_verified:false'))).toEqual(['auth0|65a1f0c2e4b0a1b2c3d4e5f3']);
  });

  it('rejects a query outside the subset, a bad page size and search engine v1 with 400 invalid_query_string', async () => {
    for (const bad of [`/users?q=${encodeURIComponent('email:"open')}`, `/users?q=${encodeURIComponent('logins_count:3')}`, '/users?per_page=101', '/users?search_engine=v1', '/users-by-email']) {
      expect(await api('GET', bad)).toMatchObject({ status: 400, body: { errorCode: 'invalid_query_string' } });
    }
  });

  it('pages with page and per_page, sorts, and keeps or drops fields', async () => {
    const second = await api('GET', '/users?per_page=1&page=1&sort=email:1&include_totals=true');
    expect(second.body).toMatchObject({ start: 1, limit: 1, length: 1, total: 3 });
    expect(second.body.users.map((u: { email: string }) => u.email)).toEqual([BOB.email]);
    expect(Object.keys((await api('GET', `/users/${encodeURIComponent(ALICE.sub)}?fields=email,user_id`)).body).sort()).toEqual(['email', 'user_id']);
  });

  it('answers users by the Management id only (an email in the path is an unknown user) and deletes an unknown user with 204', async () => {
    expect((await api('GET', `/users/${encodeURIComponent(ALICE.email)}`)).body.errorCode).toBe('inexistent_user');
    expect((await api('DELETE', '/users/auth0%7Cnobody')).status).toBe(204);
  });

  it('refuses an unknown body field and an invalid email with 400 invalid_body naming it', async () => {
    const extra = await api('POST', '/users', { body: { connection: 'Username-Password-Authentication', email: 'e@example.com', password: 'Passw0rd!x', favourite: 1 } });
    expect(extra).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
    expect(extra.body.message).toContain('favourite');
    const email = await api('PATCH', `/users/${encodeURIComponent(BOB.sub)}`, { body: { email: 'not-an-email' } });
    expect(email).toMatchObject({ status: 400, body: { errorCode: 'invalid_body' } });
    expect(email.body.message).toContain('email');
    expect((await api('POST', '/users', { body: { connection: 'google-oauth2', email: 'e@example.com', password: 'Passw0rd!x' } })).body.errorCode).toBe('inexistent_connection');
  });
});

describe('one set of core operations with the /_mock/ admin API', () => {
  it('shows an admin API change in the Management API and the other way round', async () => {
    await fetch(`${idp.issuer}_mock/users/${encodeURIComponent(BOB.sub)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: 'bobby' }) });
    expect((await api('GET', `/users/${encodeURIComponent(BOB.sub)}`)).body.nickname).toBe('bobby');
    await api('PATCH', `/users/${encodeURIComponent(BOB.sub)}`, { body: { app_metadata: { plan: 'gold' } } });
    const admin = (await (await fetch(`${idp.issuer}_mock/users/${encodeURIComponent(BOB.sub)}`)).json()) as { appMetadata: unknown; nickname: string };
    expect(admin).toMatchObject({ appMetadata: { plan: 'gold' }, nickname: 'bobby' });
  });

  it('renames a role without losing its users or their permissions, and deleting it takes them away', async () => {
    const viewer = (await api('GET', '/roles?name_filter=view')).body[0] as { id: string };
    expect((await api('PATCH', `/roles/${viewer.id}`, { body: { name: 'reader' } })).body).toMatchObject({ id: viewer.id, name: 'reader' });
    expect((await api('GET', `/roles/${viewer.id}/users`)).body.map((u: { user_id: string }) => u.user_id)).toEqual([BOB.sub]);
    expect(decodeJwt((await passwordGrant(idp, BOB.email, BOB.password, API)).body.access_token!).permissions).toEqual(['read:orders']);
    expect((await api('DELETE', `/roles/${viewer.id}`)).status).toBe(204);
    expect((await api('GET', `/users/${encodeURIComponent(BOB.sub)}/roles`)).body).toEqual([]);
    expect(decodeJwt((await passwordGrant(idp, BOB.email, BOB.password, API)).body.access_token!).permissions).toEqual([]);
    expect((await api('GET', `/roles/${viewer.id}`)).body.errorCode).toBe('inexistent_role');
  });

  it('gives tenant-file roles and created roles ids of rol_ and 16 letters or digits, as Auth0 ids look', async () => {
    for (let i = 0; i < 12; i++) expect((await api('POST', '/roles', { body: { name: `temp-${i}` } })).status).toBe(200);
    const roles = (await api('GET', '/roles?per_page=100')).body as { id: string; name: string }[];
    expect(roles.length).toBeGreaterThan(12);
    for (const role of roles) expect(role.id).toMatch(/^rol_[A-Za-z0-9]{16}$/);
    expect((await api('POST', '/roles', { body: { name: 'temp-0' } })).status).toBe(409);
    for (const role of roles.filter((r) => r.name.startsWith('temp-'))) await api('DELETE', `/roles/${role.id}`);
  });

  it('assigns a role to users from the role side (POST /roles/{id}/users)', async () => {
    const admin = (await api('GET', '/roles?name_filter=admin')).body[0] as { id: string };
    expect((await api('POST', `/roles/${admin.id}/users`, { body: { users: [BOB.sub] } })).status).toBe(204);
    expect(decodeJwt((await passwordGrant(idp, BOB.email, BOB.password, API)).body.access_token!).permissions).toEqual(['read:orders', 'write:orders']);
  });
});

describe('resource servers, clients, user blocks, tickets', () => {
  it('lists the Management API as a system resource server beside the tenant APIs', async () => {
    const servers = (await api('GET', '/resource-servers')).body as { identifier: string; is_system?: boolean }[];
    expect(servers.map((s) => [s.identifier, s.is_system ?? false])).toEqual([[API, false], [`${idp.issuer}api/v2/`, true]]);
    expect((await api('GET', `/resource-servers/${encodeURIComponent(API)}`)).body.name).toBe('Orders API');
  });

  it('gives client secrets only to a token with read:client_keys', async () => {
    const withKeys = (await api('GET', '/clients/orders-worker')).body;
    expect(withKeys).toMatchObject({ client_id: 'orders-worker', app_type: 'non_interactive', client_secret: 'orders-worker-secret' });
    const { token: readOnly } = await idp.mintToken({ client: MGMT.clientId, audience: `${idp.issuer}api/v2/`, scope: 'read:clients' });
    expect((await api('GET', '/clients/orders-worker', { token: readOnly })).body.client_secret).toBeUndefined();
  });

  it("lists and lifts brute-force protection's blocks (GET / DELETE /user-blocks/{id})", async () => {
    for (let i = 0; i < 2; i++) await passwordGrant(idp, ALICE.email, 'wrong', API);
    expect((await passwordGrant(idp, ALICE.email, ALICE.password, API)).status).toBe(429);
    expect((await api('GET', `/user-blocks/${encodeURIComponent(ALICE.sub)}`)).body.blocked_for).toHaveLength(1);
    expect((await api('DELETE', `/user-blocks/${encodeURIComponent(ALICE.sub)}`)).status).toBe(204);
    expect((await api('GET', `/user-blocks/${encodeURIComponent(ALICE.sub)}`)).body.blocked_for).toEqual([]);
    expect((await passwordGrant(idp, ALICE.email, ALICE.password, API)).status).toBe(200);
  });

  it('returns password-change and email-verification tickets as links to the email pages (not emailed, as on Auth0)', async () => {
    const change = await api('POST', '/tickets/password-change', { body: { user_id: ALICE.sub, result_url: 'http://localhost:3000/' } });
    expect(change.status).toBe(201);
    expect(new URL(change.body.ticket).pathname).toBe('/u/reset-password');
    const verify = await api('POST', '/tickets/email-verification', { body: { user_id: ALICE.sub } });
    expect(new URL(verify.body.ticket).pathname).toBe('/u/email-verification');
    expect(new URL(verify.body.ticket).searchParams.get('ticket')).toMatch(/^[\w-]{20,}$/);
    expect((await api('POST', '/tickets/email-verification', { body: {} })).body.errorCode).toBe('invalid_body');
  });

  it('puts the verification email of POST /jobs/verification-email and of a created user in the outbox', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect((await api('POST', '/jobs/verification-email', { body: { user_id: ALICE.sub } })).body).toMatchObject({ type: 'verification_email' });
      await api('POST', '/users', { body: { connection: 'Username-Password-Authentication', email: 'erin@example.com', password: 'Erin-pass-123' } });
      const emails = printed.mock.calls.map((c) => String(c[0])).filter((line) => line.includes('email (not sent)'));
      expect(emails.map((line) => line.match(/to (\S+):/)?.[1])).toEqual([ALICE.email, 'erin@example.com']);
    } finally {
      printed.mockRestore();
    }
  });
});

describe('bad input', () => {
  it('never answers a 500: any q, any query string, any JSON body on the endpoints that change users and roles', async () => {
    const paths = [['POST', '/users'], ['PATCH', `/users/${encodeURIComponent(BOB.sub)}`], ['POST', `/users/${encodeURIComponent(BOB.sub)}/roles`], ['DELETE', `/users/${encodeURIComponent(BOB.sub)}/permissions`], ['POST', '/roles'], ['POST', '/tickets/password-change']] as const;
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.constantFrom(...paths), fc.jsonValue(), async (q, [method, path], json) => {
        const search = await api('GET', `/users?q=${encodeURIComponent(q)}&per_page=${encodeURIComponent(q)}`);
        const changed = await api(method, path, { body: json });
        return search.status < 500 && changed.status < 500 && typeof changed.body?.statusCode === 'number' === changed.status >= 400;
      }),
      { numRuns: 60 },
    );
  });
});

it('the debugger page lists the Management API calls in its event log', async () => {
  await api('GET', '/users');
  const page = await (await fetch(`${idp.issuer}_mock/`)).text();
  expect(page).toContain('management.api');
  expect(page).toContain('GET /api/v2/users → 200');
});
