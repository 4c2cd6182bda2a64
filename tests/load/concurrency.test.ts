/**
 * Load and concurrency (issue 19): many logins at once never mix users up, and one refresh token
 * used by many requests at once follows Auth0's rotation rules. Assertions only, on the workloads
 * of `npm run bench`'s concurrency section (`BENCH_ONLY=concurrency`), which prints the timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, LEEWAY_APP, loadTenant, loadUsers, mixUps, RACERS, refresh, refreshRace } from '../../bench/measure/concurrency.js';
import { ONE_CLICK_USERS } from '../../mock-idp/http/routes/interaction.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { findForms, HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { API, startAuthorize } from '../helpers/oauth.js';

const users = loadUsers(500);

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0, tenant: loadTenant(users) });
});
afterAll(() => idp.close());

/** A fresh login of a fixture user to `clientId`: the refresh token a race shares. */
async function freshRefreshToken(clientId: string): Promise<string> {
  const tokens = await idp.loginForTokens({ user: 'alice@example.com', audience: API, clientId });
  expect(typeof tokens.refresh_token).toBe('string');
  return tokens.refresh_token!;
}

describe(`${users.length} concurrent logins of different users`, () => {
  // A generous timeout: on two idle cores the 500 logins take seconds, on a shared, loaded machine minutes.
  it('give every user tokens for themselves: no ID or access token names another user', { timeout: 300_000 }, async () => {
    // The whole login each time, each with its own cookie jar: /authorize, the login page, the form POST, the callback, the PKCE code exchange.
    const results = await Promise.all(users.map((user) => idp.loginForTokens({ user: user.email, audience: API })));
    expect(mixUps(users, results)).toEqual([]);
    expect(new Set(results.map((t) => t.refresh_token)).size).toBe(users.length);
  });
});

describe('the login page of a tenant with hundreds of users', () => {
  it(`lists the first ${ONE_CLICK_USERS} for one click and how many more there are, not a button per user`, async () => {
    const { page } = await startAuthorize(idp, new HeadlessBrowser());
    const oneClick = findForms(page.body).filter((f) => f.action.endsWith('/login') && f.fields.password !== undefined);
    expect(oneClick).toHaveLength(ONE_CLICK_USERS);
    expect(page.body).toContain(`and ${idp.tenant.users.length - ONE_CLICK_USERS} more test users`);
  });
});

describe(`${RACERS} simultaneous uses of one refresh token`, () => {
  it('with rotation and no reuse interval: exactly one 200, the others 403 invalid_grant, and the family is revoked (reuse detection)', async () => {
    const answers = await refreshRace(idp.issuer, await freshRefreshToken(APP.client_id), APP);
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 403 && a.body.error === 'invalid_grant')).toHaveLength(RACERS - 1);
    // The losers reused a rotated token: as on Auth0 the whole family is revoked, the winner's new token included.
    const after = await refresh(idp.issuer, won[0]!.body.refresh_token!, APP);
    expect({ status: after.status, error: after.body.error }).toEqual({ status: 403, error: 'invalid_grant' });
  });

  it('within a reuse interval: all 200, each with its own new refresh token, and the family stays valid (Auth0: the previous token may be exchanged again within the leeway)', async () => {
    const answers = await refreshRace(idp.issuer, await freshRefreshToken(LEEWAY_APP.client_id), LEEWAY_APP);
    expect(answers.map((a) => a.status)).toEqual(Array(RACERS).fill(200));
    const issued = answers.map((a) => a.body.refresh_token);
    expect(new Set(issued).size).toBe(RACERS);
    expect((await refresh(idp.issuer, issued[0]!, LEEWAY_APP)).status).toBe(200);
  });
});
