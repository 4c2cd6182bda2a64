import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { API, tokenRequest, USERS, WORKER } from '../helpers/oauth.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function loggedIn(user: { username: string; password: string }) {
  const { browser } = await loginThroughApp(stack.app.url, user, '/profile');
  return browser;
}

describe('permissions (RBAC) through sample-app and sample-api', () => {
  it('lets alice (admin) list and create orders', async () => {
    const browser = await loggedIn(USERS.alice);
    expect((await browser.navigate(`${stack.app.url}/orders`)).response.status).toBe(200);
    const created = await browser.navigate(`${stack.app.url}/orders`, { method: 'POST', form: { item: 'tea' } });
    expect(created.response.status).toBe(201);
    expect(created.body).toContain('tea');
  });

  it('shows bob (viewer) "not allowed" with 403 when he creates an order, because the API answered 403 insufficient_scope', async () => {
    const browser = await loggedIn(USERS.bob);
    expect((await browser.navigate(`${stack.app.url}/orders`)).response.status).toBe(200);
    const refused = await browser.navigate(`${stack.app.url}/orders`, { method: 'POST', form: { item: 'tea' } });
    expect(refused.response.status).toBe(403);
    expect(refused.body).toContain('Not allowed');
    expect(refused.body).toContain('write:orders');
  });

  it('refuses carol (no roles) the order list with 403', async () => {
    const browser = await loggedIn(USERS.carol);
    const refused = await browser.navigate(`${stack.app.url}/orders`);
    expect(refused.response.status).toBe(403);
  });

  it('gives the orders-worker M2M token 200 on GET and 403 insufficient_scope naming write:orders on POST', async () => {
    const { body } = await tokenRequest(stack.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
    const auth = { authorization: `Bearer ${body.access_token}` };
    expect((await fetch(`${stack.api.url}/orders`, { headers: auth })).status).toBe(200);
    const post = await fetch(`${stack.api.url}/orders`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"item":"x"}' });
    expect(post.status).toBe(403);
    const challenge = post.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="write:orders"');
  });
});

describe('programmatic login for CI: the password grant against sample-api', () => {
  function passwordToken(user: { username: string; password: string }) {
    return tokenRequest(stack.idp, { grant_type: 'password', client_id: 'sample-app', client_secret: 'sample-app-secret', audience: API, scope: 'openid read:orders write:orders', ...user });
  }

  function createOrder(accessToken: string | undefined) {
    return fetch(`${stack.api.url}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'tea', quantity: 1 }),
    });
  }

  it("lets a test log alice in without a browser and create an order, while bob's token is refused with 403 insufficient_scope", async () => {
    expect((await createOrder((await passwordToken(USERS.alice)).body.access_token)).status).toBe(201);
    const refused = await createOrder((await passwordToken(USERS.bob)).body.access_token);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
  });
});
