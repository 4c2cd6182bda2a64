import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BLOCKED_MESSAGE, BruteForceCounter, normalizeAddress, type BruteForceSettings } from '../../mock-idp/core/brute-force.js';
import { Clock } from '../../mock-idp/core/clock.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { startMockIdp, type MockIdp, type MockEvent } from '../../mock-idp/index.js';
import { APP, startAuthorize, submitLogin, USERS } from '../helpers/oauth.js';
import { fixtureTenant } from './tenants.js';

describe('the brute-force counter (core)', () => {
  const settings: BruteForceSettings = { enabled: true, maxAttempts: 3 };
  const counter = () => new BruteForceCounter(() => settings);

  it('blocks a user from one address at the limit of consecutive failures, and reports the failure that did it', () => {
    const c = counter();
    expect(c.fail('auth0|a', '10.0.0.1')).toEqual({ blocked: false, failures: 1 });
    expect(c.fail('auth0|a', '10.0.0.1')).toEqual({ blocked: false, failures: 2 });
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(false);
    expect(c.fail('auth0|a', '10.0.0.1')).toMatchObject({ blocked: true, failures: 3, ticket: expect.any(String) });
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(true);
  });

  it('does not block the same user from another address, nor another user from that address', () => {
    const c = counter();
    for (let i = 0; i < 3; i++) c.fail('auth0|a', '10.0.0.1');
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(true);
    expect(c.isBlocked('auth0|a', '10.0.0.2')).toBe(false);
    expect(c.isBlocked('auth0|b', '10.0.0.1')).toBe(false);
    expect(c.blocked()).toEqual([{ sub: 'auth0|a', ip: '10.0.0.1' }]);
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', () => {
    const c = counter();
    for (let i = 0; i < 3; i++) c.fail('auth0|a', '::ffff:127.0.0.1');
    expect(c.isBlocked('auth0|a', '127.0.0.1')).toBe(true);
    expect(normalizeAddress('::1')).toBe('::1');
  });

  it('starts the count again after a success (failures must be consecutive)', () => {
    const c = counter();
    c.fail('auth0|a', '10.0.0.1');
    c.fail('auth0|a', '10.0.0.1');
    c.succeed('auth0|a', '10.0.0.1');
    expect(c.fail('auth0|a', '10.0.0.1')).toEqual({ blocked: false, failures: 1 });
  });

  it('a ticket unblocks its pair once; the admin unblock lifts every address of the user', () => {
    const c = counter();
    let ticket = '';
    for (let i = 0; i < 3; i++) {
      const outcome = c.fail('auth0|a', '10.0.0.1');
      if (outcome.blocked) ticket = outcome.ticket;
    }
    expect(c.redeem(ticket)).toEqual({ sub: 'auth0|a', ip: '10.0.0.1' });
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(false);
    expect(c.redeem(ticket)).toBeUndefined();

    for (const ip of ['10.0.0.1', '10.0.0.2']) for (let i = 0; i < 3; i++) c.fail('auth0|a', ip);
    expect(c.unblockUser('auth0|a').sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(c.blocked()).toEqual([]);
  });

  it('counts nothing and blocks nobody while protection is off; raising the limit lets a blocked pair in', () => {
    const live: BruteForceSettings = { enabled: false, maxAttempts: 3 };
    const c = new BruteForceCounter(() => live);
    for (let i = 0; i < 5; i++) expect(c.fail('auth0|a', '10.0.0.1').blocked).toBe(false);
    live.enabled = true;
    for (let i = 0; i < 3; i++) c.fail('auth0|a', '10.0.0.1');
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(true);
    live.maxAttempts = 10;
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(false);
  });

  it("lifts a block by itself 30 days after the pair's last failure (Auth0), on the mock's clock", () => {
    const clock = new Clock();
    const c = new BruteForceCounter(() => settings, clock);
    for (let i = 0; i < 3; i++) c.fail('auth0|a', '10.0.0.1');
    clock.advance(30 * 86_400 - 1);
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(true);
    clock.advance(1);
    expect(c.isBlocked('auth0|a', '10.0.0.1')).toBe(false);
    expect(c.blocked()).toEqual([]);
    // The count starts again: one failure is one, not the fourth.
    expect(c.fail('auth0|a', '10.0.0.1')).toEqual({ blocked: false, failures: 1 });
  });
});

/** POST /oauth/token with the password grant from a given local address (the mock counts per socket address). */
function passwordGrantFrom(idp: MockIdp, user: { username: string; password: string }, localAddress = '127.0.0.1', extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: { error?: string; error_description?: string; access_token?: string } }> {
  const body = new URLSearchParams({ grant_type: 'password', client_id: APP.clientId, client_secret: APP.secret, username: user.username, password: user.password, scope: 'openid' }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: idp.port, path: '/oauth/token', method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...extraHeaders } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const wrong = (user: { username: string }) => ({ username: user.username, password: 'not-the-password' });

describe('brute-force protection (as Auth0: 10 consecutive failures per user and address)', () => {
  let idp: MockIdp;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0 });
  });
  afterEach(() => idp.reset());
  afterAll(async () => {
    log.mockRestore();
    await idp.close();
  });

  const blockedEvents = (since: number): MockEvent[] => idp.events(since).filter((e) => e.type === 'user.blocked');

  /** Fails the login page `times` times for `user` in one browser; returns the last page. */
  async function failOnPage(user: { username: string }, times: number) {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    let last = page;
    for (let i = 0; i < times; i++) last = await submitLogin(browser, last, wrong(user), redirectUri);
    return { browser, last, redirectUri };
  }

  it('has the defaults of a new Auth0 tenant: on, 10 attempts', () => {
    expect(idp.tenant.bruteForceProtection).toEqual({ enabled: true, maxAttempts: 10 });
  });

  it("blocks the user on the login page at the 10th failure with Auth0's message (429), then refuses even the right password", async () => {
    const since = idp.events().at(-1)?.seq ?? 0;
    const { browser, last, redirectUri } = await failOnPage(USERS.alice, 9);
    expect(last.response.status).toBe(401);
    expect(last.body).toContain('Wrong email or password.');
    const tenth = await submitLogin(browser, last, wrong(USERS.alice), redirectUri);
    expect(tenth.response.status).toBe(429);
    expect(tenth.body).toContain(BLOCKED_MESSAGE);
    const right = await submitLogin(browser, tenth, USERS.alice, redirectUri);
    expect(right.response.status).toBe(429);
    expect(right.body).toContain('Your account has been blocked after multiple consecutive login attempts.');
    expect(right.hops.some((url) => url.startsWith(redirectUri))).toBe(false);
    expect(blockedEvents(since)).toEqual([expect.objectContaining({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1', error: 'too_many_attempts', detail: expect.objectContaining({ ip: '127.0.0.1', failures: 10 }) })]);
    // Another user from the same address is not blocked.
    const otherBrowser = new HeadlessBrowser();
    const other = await startAuthorize(idp, otherBrowser);
    expect(new URL((await submitLogin(otherBrowser, other.page, USERS.bob, redirectUri)).url).searchParams.get('code')).toBeTruthy();
  });

  it('a success resets the count: 9 failures, a login, 9 failures more do not block', async () => {
    await failOnPage(USERS.bob, 9);
    const ok = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, ok);
    expect(new URL((await submitLogin(ok, page, USERS.bob, redirectUri)).url).searchParams.get('code')).toBeTruthy();
    const { last } = await failOnPage(USERS.bob, 9);
    expect(last.response.status).toBe(401);
    expect((await passwordGrantFrom(idp, USERS.bob)).status).toBe(200);
  });

  it('mails the unblock link to the outbox (and the console) and keeps it in the event log; opening it lets the user in again, once', async () => {
    const since = idp.events().at(-1)?.seq ?? 0;
    log.mockClear();
    await failOnPage(USERS.carol, 10);
    const link = blockedEvents(since)[0]?.detail?.unblockUrl as string;
    expect(link).toMatch(new RegExp(`^${idp.issuer}unblock\\?ticket=[\\w-]+$`));
    expect(log.mock.calls.flat().join('\n')).toContain(link);
    expect(idp.emails({ to: USERS.carol.username }).at(-1)).toMatchObject({ kind: 'blocked_account', links: [link] });
    expect((await passwordGrantFrom(idp, USERS.carol)).status).toBe(429);

    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Account unblocked');
    expect(idp.events(since).filter((e) => e.type === 'user.unblocked')).toEqual([expect.objectContaining({ sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f3', detail: { by: 'link', addresses: ['127.0.0.1'] } })]);
    expect((await passwordGrantFrom(idp, USERS.carol)).status).toBe(200);
    expect((await fetch(link)).status).toBe(400);
  });

  it('the password grant answers 429 too_many_attempts with the same message, and shares the counter with the login page', async () => {
    for (let i = 0; i < 9; i++) expect((await passwordGrantFrom(idp, wrong(USERS.alice))).body.error).toBe('invalid_grant');
    const tenth = await passwordGrantFrom(idp, wrong(USERS.alice));
    expect(tenth).toEqual({ status: 429, body: { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' } });
    expect(await passwordGrantFrom(idp, USERS.alice)).toMatchObject({ status: 429, body: { error: 'too_many_attempts' } });
    // The login page, from the same address, refuses alice too.
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    const refused = await submitLogin(browser, page, USERS.alice, redirectUri);
    expect(refused.response.status).toBe(429);
    expect(refused.body).toContain(BLOCKED_MESSAGE);
  });

  it('blocks the pair only: the same user from another address (127.0.0.2) still logs in', async () => {
    for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.alice));
    expect((await passwordGrantFrom(idp, USERS.alice)).status).toBe(429);
    expect((await passwordGrantFrom(idp, USERS.alice, '127.0.0.2')).status).toBe(200);
  });

  it('the admin API unblocks a user from every address (POST /_mock/users/<id>/unblock, 204)', async () => {
    for (const from of ['127.0.0.1', '127.0.0.2']) for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.bob), from);
    expect((await passwordGrantFrom(idp, USERS.bob, '127.0.0.2')).status).toBe(429);
    const since = idp.events().at(-1)?.seq ?? 0;
    const response = await fetch(`${idp.issuer}_mock/users/${encodeURIComponent(USERS.bob.username)}/unblock`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(204);
    expect(idp.events(since)).toEqual([expect.objectContaining({ type: 'user.unblocked', detail: { by: 'admin', addresses: ['127.0.0.1', '127.0.0.2'] } })]);
    expect((await passwordGrantFrom(idp, USERS.bob)).status).toBe(200);
    expect((await passwordGrantFrom(idp, USERS.bob, '127.0.0.2')).status).toBe(200);
    expect((await fetch(`${idp.issuer}_mock/users/nobody@example.com/unblock`, { method: 'POST', headers: { 'content-type': 'application/json' } })).status).toBe(404);
  });

  it('the debugger page lists the blocked users and addresses', async () => {
    for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.bob));
    const page = await (await fetch(`${idp.issuer}_mock/`)).text();
    expect(/<table id="blocked">([\s\S]*?)<\/table>/.exec(page)?.[1]).toContain('<td>bob@example.com</td><td>127.0.0.1</td>');
    idp.unblockUser(USERS.bob.username);
    expect(await (await fetch(`${idp.issuer}_mock/`)).text()).not.toContain('id="blocked"');
  });

  it('idp.unblockUser(id) unblocks too', async () => {
    for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.carol));
    expect((await passwordGrantFrom(idp, USERS.carol)).status).toBe(429);
    expect(idp.unblockUser(USERS.carol.username).sub).toBe('auth0|65a1f0c2e4b0a1b2c3d4e5f3');
    expect((await passwordGrantFrom(idp, USERS.carol)).status).toBe(200);
  });
});

describe('brute-force protection turned off (bruteForceProtection.enabled: false)', () => {
  it('never blocks: 15 failures, then the right password works', async () => {
    const idp = await startMockIdp({ port: 0, tenant: { ...fixtureTenant(), bruteForceProtection: { enabled: false } } });
    try {
      for (let i = 0; i < 15; i++) expect((await passwordGrantFrom(idp, wrong(USERS.alice))).status).toBe(403);
      expect((await passwordGrantFrom(idp, USERS.alice)).status).toBe(200);
    } finally {
      await idp.close();
    }
  });
});

describe('the address counted', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  afterAll(() => log.mockRestore());
  const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.9, ${address}` });

  it('is the socket address: X-Forwarded-For is ignored without trustProxy', async () => {
    const idp = await startMockIdp({ port: 0 });
    try {
      for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.alice), '127.0.0.1', from('198.51.100.1'));
      expect((await passwordGrantFrom(idp, USERS.alice, '127.0.0.1', from('198.51.100.2'))).status).toBe(429);
    } finally {
      await idp.close();
    }
  });

  it('behind a trusted proxy (trustProxy) is the last X-Forwarded-For entry, the one the proxy added', async () => {
    const idp = await startMockIdp({ port: 0, trustProxy: true });
    try {
      for (let i = 0; i < 10; i++) await passwordGrantFrom(idp, wrong(USERS.alice), '127.0.0.1', from('198.51.100.1'));
      expect((await passwordGrantFrom(idp, USERS.alice, '127.0.0.1', from('198.51.100.1'))).status).toBe(429);
      // Another client behind the same proxy, and the same client claiming another first entry.
      expect((await passwordGrantFrom(idp, USERS.alice, '127.0.0.1', from('198.51.100.2'))).status).toBe(200);
      expect((await passwordGrantFrom(idp, USERS.alice, '127.0.0.1', { 'x-forwarded-for': '10.9.9.9, 198.51.100.1' })).status).toBe(429);
      expect(idp.events().find((e) => e.type === 'user.blocked')?.detail).toMatchObject({ ip: '198.51.100.1' });
    } finally {
      await idp.close();
    }
  });
});

describe('a lower limit (bruteForceProtection.maxAttempts: 3)', () => {
  it('blocks at the third failure', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const idp = await startMockIdp({ port: 0, tenant: { ...fixtureTenant(), bruteForceProtection: { maxAttempts: 3 } } });
    try {
      expect((await passwordGrantFrom(idp, wrong(USERS.alice))).status).toBe(403);
      expect((await passwordGrantFrom(idp, wrong(USERS.alice))).status).toBe(403);
      expect((await passwordGrantFrom(idp, wrong(USERS.alice))).status).toBe(429);
    } finally {
      log.mockRestore();
      await idp.close();
    }
  });
});
