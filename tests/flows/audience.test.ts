import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { API, tokenRequest, USERS, WORKER } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

const OTHER_API = 'https://billing.example.com';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    tenant: (t) => {
      t.apis!.push({ identifier: OTHER_API, name: 'Billing API', permissions: [{ value: 'read:invoices' }] });
      t.applications!.find((a) => a.clientId === WORKER.clientId)!.clientGrants!.push({ audience: OTHER_API, permissions: ['read:invoices'] });
    },
  });
});
afterAll(() => stack.close());

describe('audience', () => {
  it('rejects an access token minted for another API with 401 invalid_token', async () => {
    const { status, body } = await tokenRequest(stack.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: OTHER_API });
    expect(status).toBe(200);
    const response = await fetch(`${stack.api.url}/orders`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a client-credentials request without an audience at the token endpoint with 403 access_denied', async () => {
    const { status, body } = await tokenRequest(stack.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret });
    expect(status).toBe(403);
    expect(body.error).toBe('access_denied');
    expect(body.access_token).toBeUndefined();
  });

  it('accepts the same client token for the right audience (the control case)', async () => {
    const { body } = await tokenRequest(stack.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
    expect((await fetch(`${stack.api.url}/orders`, { headers: { authorization: `Bearer ${body.access_token}` } })).status).toBe(200);
  });
});

describe('a sample-app misconfigured with another audience', () => {
  it('shows an error page (502) instead of sending the user round a login loop when the API refuses its token', async () => {
    const misconfigured = await startStack({
      tenant: (t) => void t.apis!.push({ identifier: OTHER_API, name: 'Billing API', permissions: [{ value: 'read:invoices' }], allowOfflineAccess: true }),
      app: { audience: OTHER_API },
    });
    try {
      const { browser } = await loginThroughApp(misconfigured.app.url, USERS.alice, '/profile');
      const orders = await browser.navigate(`${misconfigured.app.url}/orders`);
      expect(orders.response.status).toBe(502);
      expect(orders.url).toBe(`${misconfigured.app.url}/orders`);
      expect(orders.body).toContain('invalid_token');
    } finally {
      await misconfigured.close();
    }
  });
});
