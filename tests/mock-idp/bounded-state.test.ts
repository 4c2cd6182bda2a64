/** State an anonymous caller or a loop can grow stays bounded: sessions nobody signed in to expire in minutes, the JWKS has a cap. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, startMockIdp, type MockIdp } from '../../mock-idp/index.js';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

const sessionCookie = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => c.startsWith('mockidp_session'))
    .join('; ');

describe('a session nobody signed in to (the device page)', () => {
  it(`expires after ${DEFAULTS.anonymousSessionLifetime} s, not the ${DEFAULTS.sessionLifetime} s of a login session`, async () => {
    const page = await fetch(`${idp.issuer}activate`);
    const cookie = sessionCookie(page);
    expect(cookie).toContain('mockidp_session=');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const post = () =>
      fetch(`${idp.issuer}activate`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, user_code: 'WRONG-CODE' }) });
    // The session guard answers invalid_request when the session is gone; oidc-provider's own page for a wrong code has no error code.
    const refusedForNoSession = async () => (await (await post()).text()).includes('<code>invalid_request</code>');
    idp.clock.advance(60);
    expect(await refusedForNoSession()).toBe(false);
    idp.clock.advance(DEFAULTS.anonymousSessionLifetime);
    expect(await refusedForNoSession()).toBe(true);
    idp.reset();
  });
});

describe('the JWKS', () => {
  it(`keeps at most ${DEFAULTS.maxPublishedKeys} keys however often the keys rotate, and logs what it retired`, async () => {
    const since = idp.events().at(-1)?.seq ?? 0;
    for (let i = 0; i < DEFAULTS.maxPublishedKeys + 2; i++) await idp.rotateKeys();
    expect(idp.keys()).toHaveLength(DEFAULTS.maxPublishedKeys);
    expect(idp.keys()[0]!.status).toBe('active');
    const jwks = (await (await fetch(idp.jwksUri)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(DEFAULTS.maxPublishedKeys);
    expect(idp.events(since).filter((e) => e.type === 'keys.retired' && e.error === 'too_many_keys').length).toBeGreaterThan(0);
  });
});
