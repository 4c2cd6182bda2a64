import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { API, tokenRequest, USERS, WORKER } from '../helpers/oauth.js';
import { cloneBrowser, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const workerToken = async (s: Stack) =>
  (await tokenRequest(s.idp, { grant_type: 'client_credentials', client_id: WORKER.clientId, client_secret: WORKER.secret, audience: API })).body.access_token!;
const callApi = (s: Stack, token: string) => fetch(`${s.api.url}/orders`, { headers: { authorization: `Bearer ${token}` } });

describe('refresh-token rotation through sample-app', () => {
  it('rotates the refresh token on every use; replaying an old session trips reuse detection and both sessions go back to login', async () => {
    stack = await startStack({ tenant: (t) => void (t.apis![0]!.tokenLifetime = 2) });
    const { browser } = await loginThroughApp(stack.app.url, USERS.alice, '/profile');
    const oldSession = await cloneBrowser(browser);

    // First refresh: the refresh token of the old session is rotated away.
    await sleep(2_050);
    expect((await browser.navigate(`${stack.app.url}/orders`)).response.status).toBe(200);
    const refreshes = () => stack!.idp.events().filter((e) => e.type === 'grant.success' && e.detail?.grant_type === 'refresh_token').length;
    expect(refreshes()).toBe(1);

    // The old session replays the rotated refresh token: invalid_grant, family revoked, back to login.
    const replay = await oldSession.request(`${stack.app.url}/orders`);
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toMatch(new RegExp(`^${stack.idp.issuer}authorize\\?`));
    expect(stack.idp.events().some((e) => e.type === 'grant.error' && e.error === 'invalid_grant')).toBe(true);
    expect(stack.idp.events().some((e) => e.type === 'grant.revoked')).toBe(true);

    // The newest refresh token was revoked with the family: the current session must log in again too.
    await sleep(2_050);
    const current = await browser.request(`${stack.app.url}/orders`);
    expect(current.status).toBe(302);
    expect(current.headers.get('location')).toMatch(new RegExp(`^${stack.idp.issuer}authorize\\?`));
  });
});

describe('signing-key rotation seen by sample-api', () => {
  it('accepts a token signed with a newly rotated key (jwks-rsa refetches the JWKS for the new kid)', async () => {
    stack = await startStack();
    const before = await workerToken(stack);
    expect((await callApi(stack, before)).status).toBe(200);
    await stack.idp.rotateKeys();
    const after = await workerToken(stack);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect((await callApi(stack, after)).status).toBe(200);
    expect((await callApi(stack, before)).status).toBe(200);
  });

  it('rejects a token signed with a retired key with 401 once the key is gone from the JWKS and the cache entry expired', async () => {
    stack = await startStack({ api: { jwksCacheMaxAge: 300 } });
    const old = await workerToken(stack);
    expect((await callApi(stack, old)).status).toBe(200);
    await stack.idp.rotateKeys();
    stack.idp.retireKey();
    await sleep(350);
    const refused = await callApi(stack, old);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await callApi(stack, await workerToken(stack))).status).toBe(200);
  });
});
