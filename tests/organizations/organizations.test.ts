import type { AddressInfo } from 'node:net';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import type { TenantInput } from '../../mock-idp/index.js';
import { API, APP, codeFlow, startAuthorize, submitLogin, USERS, verify } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ACME = { id: 'org_acme1', name: 'acme', displayName: 'Acme Corp' };
const CALLBACK = APP.callback;
const client = (clientId: string, extra: Record<string, unknown> = {}) => ({
  clientId, name: `App ${clientId}`, appType: 'regular_web' as const, clientSecret: `${clientId}-secret`, callbacks: [CALLBACK], grantTypes: ['authorization_code' as const], ...extra,
});

/** The organization of these tests, and one application per "type of users" setting. */
function withOrganizations(draft: TenantInput) {
  draft.organizations = [{ ...ACME, members: [{ user: USERS.bob.username, roles: ['admin'] }, { user: USERS.carol.username }] }];
  draft.applications = [
    ...(draft.applications ?? []),
    client('business-both', { organizationUsage: 'allow' }),
    client('business-only', { organizationUsage: 'require' }),
    client('business-prompt', { organizationUsage: 'require', organizationRequireBehavior: 'pre_login_prompt' }),
    client('individuals', { organizationUsage: 'deny' }),
  ];
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ tenant: withOrganizations });
});
afterAll(() => stack.close());

const flow = (user: { username: string; password: string }, clientId: string, organization?: string) =>
  codeFlow(stack.idp, user, { clientId, secret: `${clientId}-secret`, ...(organization ? { extra: { organization } } : {}) });

/** An authorization request of `clientId` that should end at the callback before any login: its query. */
async function refusedAtAuthorize(clientId: string, extra: Record<string, string> = {}) {
  const browser = new HeadlessBrowser();
  const { page } = await startAuthorize(stack.idp, browser, { clientId, extra });
  return new URL(page.url).searchParams;
}

describe('Organizations', () => {
  it('logs a member in through /authorize?organization=<id>: the login page names it, org_id in both tokens (jose)', async () => {
    const browser = new HeadlessBrowser();
    const { page } = await startAuthorize(stack.idp, browser, { clientId: 'business-both', extra: { organization: ACME.id } });
    expect(page.body).toContain('Acme Corp');
    const { tokens } = await flow(USERS.carol, 'business-both', ACME.id);
    expect(tokens.status).toBe(200);
    expect((await verify(stack.idp, tokens.body.id_token!, 'business-both')).payload.org_id).toBe(ACME.id);
    const { payload: at } = await verify(stack.idp, tokens.body.access_token!, API);
    expect(at.org_id).toBe(ACME.id);
    expect(at.org_name).toBeUndefined();
    // The debugger page lists the organization and the login's organization.
    const debug = await (await fetch(`${stack.idp.issuer}_mock/`)).text();
    expect(debug).toContain('id="organizations"');
    expect(debug).toContain(`organization ${ACME.id}`);
  });

  it('refuses a user who is not a member: access_denied on the callback, no code', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(stack.idp, browser, { clientId: 'business-both', extra: { organization: ACME.id } });
    const query = new URL((await submitLogin(browser, page, USERS.alice, redirectUri)).url).searchParams;
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('code')).toBeNull();
  });

  it('answers invalid_request for an unknown organization, and for a name while the tenant does not allow names', async () => {
    expect((await refusedAtAuthorize('business-both', { organization: 'org_nope' })).get('error')).toBe('invalid_request');
    expect((await refusedAtAuthorize('business-both', { organization: ACME.name })).get('error_description')).toBe('authorization request parameter organization must be an organization id');
  });

  it("adds the member's organization roles to their permissions: the org admin may POST /orders on sample-api, a plain member gets 403", async () => {
    const post = (token: string) => fetch(`${stack.api.url}/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ item: 'widget', quantity: 1 }) });
    const admin = await flow(USERS.bob, 'business-both', ACME.id);
    expect((await verify(stack.idp, admin.tokens.body.access_token!, API)).payload.permissions).toEqual(expect.arrayContaining(['write:orders']));
    expect((await post(admin.tokens.body.access_token!)).status).toBe(201);
    const member = await flow(USERS.carol, 'business-both', ACME.id);
    expect((await post(member.tokens.body.access_token!)).status).toBe(403);
    // Without the organization, bob is only a viewer.
    const individual = await flow(USERS.bob, 'business-both');
    expect((await verify(stack.idp, individual.tokens.body.access_token!, API)).payload).not.toHaveProperty('org_id');
    expect((await post(individual.tokens.body.access_token!)).status).toBe(403);
  });

  it('follows the application\'s "type of users": individuals refuse organization=, business users require one, both take either', async () => {
    expect((await refusedAtAuthorize('individuals', { organization: ACME.id })).get('error')).toBe('invalid_request');
    const required = await refusedAtAuthorize('business-only');
    expect(required.get('error')).toBe('invalid_request');
    expect(required.get('error_description')).toBe('parameter organization is required for this client');
    expect((await flow(USERS.carol, 'business-both')).tokens.status).toBe(200);
  });

  it('asks for the organization first when the application requires one with the pre-login prompt', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri, verifier } = await startAuthorize(stack.idp, browser, { clientId: 'business-prompt' });
    expect(page.body).toContain('name="organization"');
    const unknown = await browser.submit(page, '/organization', { organization: 'nobody' });
    expect(unknown.response.status).toBe(400);
    const login = await browser.submit(page, '/organization', { organization: 'ACME' });
    expect(login.body).toContain('Acme Corp');
    const code = new URL((await submitLogin(browser, login, USERS.carol, redirectUri)).url).searchParams.get('code')!;
    const response = await fetch(`${stack.idp.issuer}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: 'business-prompt', client_secret: 'business-prompt-secret' }),
    });
    const tokens = (await response.json()) as { id_token: string };
    expect((await verify(stack.idp, tokens.id_token, 'business-prompt')).payload.org_id).toBe(ACME.id);
  });

  it('lets an API built on express-oauth2-jwt-bearer serve only the members of one organization (org_id)', async () => {
    const api = express();
    api.use(auth({ issuerBaseURL: stack.idp.issuer, audience: API }));
    api.get('/acme/reports', (req, res) => {
      if (req.auth?.payload.org_id !== ACME.id) return void res.status(403).json({ error: 'wrong_organization' });
      res.json({ org: req.auth.payload.org_id });
    });
    const server = api.listen(0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/reports`;
    try {
      const get = async (token: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
      expect(await get((await flow(USERS.carol, 'business-both', ACME.id)).tokens.body.access_token!)).toBe(200);
      expect(await get((await flow(USERS.carol, 'business-both')).tokens.body.access_token!)).toBe(403);
    } finally {
      server.close();
    }
  });
});
