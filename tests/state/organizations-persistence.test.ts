/** `--data-dir` keeps what the organizations add at run time: pending invitations and the organization of each login (its refreshes' `org_id`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startMockIdp } from '../../mock-idp/index.js';
import { API, APP, codeFlow, refreshRequest, USERS, verify } from '../helpers/oauth.js';
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
