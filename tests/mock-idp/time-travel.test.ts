/** Time travel: the mock's clock moved forward (POST /_mock/clock, idp.clock.advance) expires what the mock stores, without sleeping. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { processNow } from '../../mock-idp/core/clock.js';
import { HeadlessBrowser } from '../../mock-idp/tools/headless/browser.js';
import { DEFAULTS, InvalidInput, startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, clientCredentialsRequest, codeFlow, refreshRequest, startAuthorize, submitLogin, tokenRequest, USERS } from '../helpers/oauth.js';

const DAY = 86_400;

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
// Back to the real time (and a fresh state) after every test.
afterEach(() => idp.reset());
afterAll(() => idp.close());

/** The admin API's clock: GET, or POST a JSON body. */
async function clockApi(body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const init: RequestInit = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`${idp.issuer}_mock/clock`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The real time, read past the mock's Date.now wrapper. */
const realSeconds = () => Math.floor(processNow() / 1000);

async function expectInvalidGrant(refreshToken: string) {
  const { status, body } = await refreshRequest(idp, refreshToken);
  expect({ status, body }).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
}

async function rotate(refreshToken: string): Promise<string> {
  const { status, body } = await refreshRequest(idp, refreshToken);
  expect(status).toBe(200);
  return body.refresh_token!;
}

describe('the clock of the admin API (/_mock/clock)', () => {
  it('says the offset and the mock\'s now; POST { advance } moves it forward, in seconds or as a duration', async () => {
    const start = await clockApi();
    expect(start).toMatchObject({ status: 200, body: { offset: 0 } });
    expect(Math.abs((start.body.epoch as number) - realSeconds())).toBeLessThan(5);

    const advanced = await clockApi({ advance: 2_592_000 });
    expect(advanced).toMatchObject({ status: 200, body: { offset: 2_592_000 } });
    expect(await clockApi({ advance: '1d12h' })).toMatchObject({ status: 200, body: { offset: 2_592_000 + 129_600 } });
    const now = await clockApi();
    expect(Math.abs((now.body.epoch as number) - realSeconds() - 2_721_600)).toBeLessThan(5);
    expect(Date.parse(now.body.now as string) / 1000).toBeCloseTo(now.body.epoch as number, -1);
    expect(idp.clock.offset).toBe(2_721_600);
    expect(idp.events().at(-1)).toMatchObject({ type: 'clock.advanced', detail: { by: 129_600, offset: 2_721_600 } });
  });

  it('refuses to move back, and anything but whole seconds or a duration, with 400 invalid_request, and does not move', async () => {
    for (const body of [{ advance: -60 }, { advance: '-1d' }, { advance: 1.5 }, { advance: 'soon' }, { advance: null }, {}, { advance: 60, by: 1 }, [60]]) {
      const refused = await clockApi(body);
      expect({ body, status: refused.status, error: refused.body.error }).toEqual({ body, status: 400, error: 'invalid_request' });
    }
    expect((await clockApi()).body.offset).toBe(0);
    expect(() => idp.clock.advance(-1)).toThrow(InvalidInput);
    expect(idp.clock.offset).toBe(0);
  });

  it('goes back to the real time with reset()', async () => {
    idp.clock.advance('30d');
    idp.reset();
    expect(idp.clock.offset).toBe(0);
    expect((await clockApi()).body.offset).toBe(0);
  });
});

describe('tokens issued after time travel', () => {
  it('carry the moved time in iat and exp: the provider\'s, the minted ones and the events', async () => {
    idp.clock.advance('30d');
    const expected = realSeconds() + 30 * DAY;
    const { body } = await clientCredentialsRequest(idp);
    const issued = decodeJwt(body.access_token!);
    expect(Math.abs(issued.iat! - expected)).toBeLessThan(5);
    expect(issued.exp! - issued.iat!).toBe(DEFAULTS.accessTokenLifetime);

    const minted = decodeJwt((await idp.mintToken({ user: 'alice@example.com', audience: API })).token);
    expect(Math.abs(minted.iat! - expected)).toBeLessThan(5);
    const idToken = decodeJwt((await idp.mintToken({ user: 'alice@example.com', kind: 'id' })).token);
    expect(Math.abs(idToken.iat! - expected)).toBeLessThan(5);
    expect(Math.abs(Date.parse(idp.events().at(-1)!.at) / 1000 - expected)).toBeLessThan(5);
  });

  it('refuses at /userinfo a JWT access token whose exp the mock\'s clock has passed (401 invalid_token)', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    const userinfo = () => fetch(`${idp.issuer}userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    idp.clock.advance(DEFAULTS.accessTokenLifetime + 1);
    const refused = await userinfo();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('what stays on the real time', () => {
  it('explains tokens as an API on the real clock judges them: one issued after a jump is issued in the future', async () => {
    idp.clock.advance('1d');
    const { token } = await idp.mintToken({ user: 'alice@example.com', audience: API });
    const viaHttp = (await (await fetch(`${idp.issuer}_mock/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, audience: API }) })).json()) as { checks: { check: string; status: string }[] };
    const inProcess = await idp.explainToken(token, { audience: API });
    for (const { checks } of [viaHttp, inProcess]) expect(checks.find((c) => c.check === 'issued_at')?.status).toBe('fail');
    // The debugger page says the clock is moved.
    expect(await (await fetch(`${idp.issuer}_mock/`)).text()).toContain('86400 s ahead of the real time');
  });
});

describe("refresh tokens on Auth0's default lifetimes (idle 15 days, absolute 30 days)", () => {
  it('expires a refresh token unused for its idle lifetime (403 invalid_grant, as Auth0), and not a day before', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    idp.clock.advance('14d');
    const second = await rotate(tokens.body.refresh_token!);
    // Rotation started the idle lifetime again: 14 more days are fine, 15 are not.
    idp.clock.advance(`${DEFAULTS.refreshTokenIdleLifetime + 1}s`);
    await expectInvalidGrant(second);
  });

  it('ends the family at its absolute lifetime although every token was used within its idle lifetime', async () => {
    const { tokens } = await codeFlow(idp, USERS.alice);
    let current = tokens.body.refresh_token!;
    for (const days of [10, 10, 9]) {
      idp.clock.advance(`${days}d`);
      current = await rotate(current);
    }
    // 29 days after the first token the family still rotates; 1 day and 1 second later it is gone, though `current` is a day old.
    idp.clock.advance(DAY + 1);
    await expectInvalidGrant(current);
  });
});

describe('login sessions and interactions', () => {
  it('answers /authorize with the login page again once the session lifetime has passed, instead of signing in silently', async () => {
    const { browser } = await codeFlow(idp, USERS.alice);
    const sso = await startAuthorize(idp, browser);
    expect(sso.page.url.startsWith(APP.callback)).toBe(true);

    idp.clock.advance(DEFAULTS.sessionLifetime + 1);
    const again = await startAuthorize(idp, browser);
    expect(again.page.url).toContain('/interaction/');
    expect(again.page.body).toContain('name="password"');
  });

  it('refuses a login form submitted after its interaction expired, and signs nobody in', async () => {
    const browser = new HeadlessBrowser();
    const { page, redirectUri } = await startAuthorize(idp, browser);
    idp.clock.advance(DEFAULTS.interactionLifetime + 1);
    const late = await submitLogin(browser, page, USERS.alice, redirectUri);
    expect(late.response.status).toBe(400);
    expect(late.body).toContain('<code>invalid_request</code>');
    expect(late.url.startsWith(redirectUri)).toBe(false);
    expect(idp.events().some((e) => e.type === 'login.success')).toBe(false);
  });
});

describe('brute-force protection', () => {
  it('lets a blocked user in again 30 days after the last failed login, as Auth0 lifts the block', async () => {
    // The block prints its unblock link.
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const password = (pass: string) =>
      tokenRequest(idp, { grant_type: 'password', username: USERS.bob.username, password: pass, client_id: APP.clientId, client_secret: APP.secret, audience: API, scope: 'openid' });
    for (let i = 0; i < 10; i++) await password('wrong');
    expect((await password(USERS.bob.password)).body.error).toBe('too_many_attempts');
    idp.clock.advance('29d');
    expect((await password(USERS.bob.password)).status).toBe(429);
    idp.clock.advance('1d');
    expect((await password(USERS.bob.password)).status).toBe(200);
    vi.restoreAllMocks();
  });
});

describe('two mocks in one process', () => {
  it('keep their own time: only the advanced one moves, and the test (and any app in the process) keeps the real time', async () => {
    const other = await startMockIdp({ port: 0 });
    try {
      idp.clock.advance('30d');
      const iatOf = async (mock: MockIdp) => decodeJwt((await clientCredentialsRequest(mock)).body.access_token!).iat!;
      const [ahead, level] = await Promise.all([iatOf(idp), iatOf(other)]);
      expect(Math.abs(ahead - realSeconds() - 30 * DAY)).toBeLessThan(5);
      expect(Math.abs(level - realSeconds())).toBeLessThan(5);
      expect(other.clock.offset).toBe(0);
      expect(Math.abs(Date.now() - processNow())).toBeLessThan(50);
    } finally {
      await other.close();
    }
  });
});
