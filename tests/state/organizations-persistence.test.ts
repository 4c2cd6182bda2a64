/**
 * `--data-dir` keeps what the organizations add at run time: pending invitations, the organization of each login (its
 * refreshes' `org_id`), and a login attempt's organization between its pages (prompt, picker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { HeadlessBrowser, type Page } from '../../mock-idp/tools/headless/browser.js';
import { API, APP, codeFlow, refreshRequest, startAuthorize, submitLogin, tokenRequest, USERS, verify } from '../helpers/oauth.js';
import { fixtureTenant } from '../mock-idp/tenants.js';
import { MGMT, managementTenant, managementToken } from '../management/helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'mock-idp-orgs-state-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ORG = 'org_acme1';
const tenant = managementTenant();
const sampleApp = tenant.applications!.find((a) => a.clientId === APP.clientId)!;
sampleApp.organizationUsage = 'allow';
sampleApp.initiateLoginUri = 'https://app.example.test/login';
tenant.organizations = [{ id: ORG, name: 'acme', members: [{ user: USERS.bob.username }] }];

it('keeps pending invitations and the organization of a login (org_id on a refresh) across a restart', async () => {
  const first = await startMockIdp({ port: 0, dataDir, tenant });
  const { tokens } = await codeFlow(first, USERS.bob, { extra: { organization: ORG } });
  const invited = await fetch(`${first.issuer}_mock/organizations/${ORG}/invitations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inviter: { name: 'Bob' }, invitee: { email: USERS.carol.username }, client_id: APP.clientId, send_invitation_email: false }),
  });
  const { ticket_id: ticket } = (await invited.json()) as { ticket_id: string };
  await first.close();

  const second = await startMockIdp({ port: first.port, dataDir, tenant });
  try {
    const refreshed = await refreshRequest(second, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect((await verify(second, refreshed.body.access_token!, API)).payload.org_id).toBe(ORG);
    const token = await managementToken(second, MGMT);
    const pending = await fetch(`${second.issuer}api/v2/organizations/${ORG}/invitations`, { headers: { authorization: `Bearer ${token}` } });
    expect(await pending.json()).toEqual([expect.objectContaining({ ticket_id: ticket, invitee: { email: USERS.carol.username } })]);
    // And it still works: carol joins by logging in with it.
    await codeFlow(second, USERS.carol, { extra: { organization: ORG, invitation: ticket } });
    expect(second.tenant.organizations.find((o) => o.id === ORG)?.members.map((m) => m.user)).toContain('auth0|65a1f0c2e4b0a1b2c3d4e5f3');
  } finally {
    await second.close();
  }
});

it('keeps a login waiting at the organization picker, and the organization typed at the prompt, across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mock-idp-orgs-picker-'));
  const app = (clientId: string, organizationRequireBehavior: 'pre_login_prompt' | 'post_login_prompt') => ({
    clientId, name: clientId, appType: 'regular_web' as const, clientSecret: `${clientId}-secret`, callbacks: [APP.callback], grantTypes: ['authorization_code' as const], organizationUsage: 'require' as const, organizationRequireBehavior,
  });
  const orgs = fixtureTenant();
  orgs.applications = [...(orgs.applications ?? []), app('picker-app', 'post_login_prompt'), app('prompt-app', 'pre_login_prompt')];
  orgs.organizations = [{ id: 'org_acme1', name: 'acme', members: [{ user: USERS.bob.username }] }, { id: 'org_globex1', name: 'globex', members: [{ user: USERS.bob.username }] }];
  const orgOfCallback = async (idp: MockIdp, callback: Page, clientId: string, verifier: string) => {
    const code = new URL(callback.url).searchParams.get('code');
    expect(code, callback.url).toBeTruthy();
    const tokens = await tokenRequest(idp, { grant_type: 'authorization_code', code: code!, redirect_uri: APP.callback, code_verifier: verifier, client_id: clientId, client_secret: `${clientId}-secret` });
    return (await verify(idp, tokens.body.access_token!, API)).payload.org_id;
  };
  const first = await startMockIdp({ port: 0, dataDir: dir, tenant: orgs });
  const picking = new HeadlessBrowser();
  const picked = await startAuthorize(first, picking, { clientId: 'picker-app' });
  const picker = await submitLogin(picking, picked.page, USERS.bob, APP.callback);
  expect(picker.body).toContain('organization-picker');
  const prompting = new HeadlessBrowser();
  const prompted = await startAuthorize(first, prompting, { clientId: 'prompt-app' });
  const login = await prompting.submit(prompted.page, '/organization', { organization: 'acme' });
  expect(login.body).toContain('name="password"');
  await first.close();

  const second = await startMockIdp({ port: first.port, dataDir: dir, tenant: orgs });
  try {
    const afterPicker = await picking.submit(picker, '/organization-picker', { organization: 'org_globex1' }, APP.callback);
    expect(await orgOfCallback(second, afterPicker, 'picker-app', picked.verifier)).toBe('org_globex1');
    const afterLogin = await submitLogin(prompting, login, USERS.bob, APP.callback);
    expect(await orgOfCallback(second, afterLogin, 'prompt-app', prompted.verifier)).toBe('org_acme1');
  } finally {
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
