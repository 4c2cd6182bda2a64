import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { API, tokenRequest, USERS, WORKER } from '../helpers/oauth.js';
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js';

/** Access tokens of the orders API live 2 s; the API allows no clock tolerance. */
const shortAccessTokens: StackOptions = {
  tenant: (t) => {
    t.apis![0]!.tokenLifetime = 2;
  },
  api: { clockTolerance: 0 },
};

/** Waits until a token's `exp` has passed (at most its 2 s lifetime). */
const waitForExpiry = (token: string) => sleep(decodeJwt(token).exp! * 1000 - Date.now() + 50);

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('expiry', () => {
  it('rejects an expired access token with 401 invalid_token', async () => {
    stack = await startStack(shortAccessTokens);
    const { body } = await tokenRequest(stack.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API });
    expect(body.expires_in).toBe(2);
    const call = () => fetch(`${stack!.api.url}/orders`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect((await call()).status).toBe(200);
    await waitForExpiry(body.access_token!);
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('keeps /orders working in sample-app by refreshing the expired access token transparently', async () => {
    stack = await startStack(shortAccessTokens);
    const { browser } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');
    expect((await browser.navigate(`${stack.app.url}/orders`)).response.status).toBe(200);
    await sleep(2_050);
    const before = stack.idp.events().length;
    const orders = await browser.navigate(`${stack.app.url}/orders`);
    expect(orders.response.status).toBe(200);
    expect(orders.url).toBe(`${stack.app.url}/orders`);
    const refreshed = stack.idp.events(0).slice(before).filter((e) => e.type === 'grant.success' && e.detail?.grant_type === 'refresh_token');
    expect(refreshed.length).toBe(1);
  });

  it('sends the user to login when the app session has expired', async () => {
    stack = await startStack({ app: { sessionAbsoluteDuration: 1, sessionRollingDuration: 1 } });
    const { browser } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');
    expect((await browser.request(`${stack.app.url}/profile`)).status).toBe(200);
    await sleep(1_100);
    const response = await browser.request(`${stack.app.url}/profile`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${stack.idp.issuer}authorize\\?`));
  });
});
