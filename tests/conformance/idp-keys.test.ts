/**
 * What the harness needs from mock-idp: a next key published ahead of a rotation,
 * rotation promoting it, and a count of JWKS fetches (programmatic and admin API).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { httpDriver } from '../../mock-idp/conformance/index.js';
import { generateSigningKey, type PrivateJwk } from '../../mock-idp/core/keys.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { APP, clientCredentialsRequest } from '../helpers/oauth.js';
import { redisServerAvailable, startRedisServer } from '../helpers/redis-server.js';

let idp: MockIdp | undefined;
let spare: PrivateJwk;
beforeAll(async () => {
  spare = await generateSigningKey();
});
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

const servedKids = async (mock: MockIdp) => ((await (await fetch(mock.jwksUri)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
const m2mKid = async (mock: MockIdp) => decodeProtectedHeader((await clientCredentialsRequest(mock)).body.access_token!).kid;
const admin = async (mock: MockIdp, method: string, path: string, body: unknown = {}) => {
  const response = await fetch(`${mock.issuer}_mock/${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('publishing the next signing key', () => {
  it('publishNextKey() puts the key in the JWKS without signing with it', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    const keys = await idp.publishNextKey(spare);
    expect(keys).toEqual([{ kid: original!.kid, status: 'active' }, { kid: spare.kid, status: 'next' }]);
    expect(await servedKids(idp)).toEqual([original!.kid, spare.kid]);
    expect(await m2mKid(idp)).toBe(original!.kid);
    expect((await idp.mintToken({ client: 'orders-worker', audience: 'https://api.example.com' })).token).toSatisfy((t: string) => decodeProtectedHeader(t).kid === original!.kid);
    expect(idp.events().find((e) => e.type === 'keys.published')).toMatchObject({ detail: { next: spare.kid } });
  });

  it('keeps a pending next key when asked again, and rotateKeys() promotes it', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    await idp.publishNextKey(spare);
    expect(await idp.publishNextKey()).toEqual([{ kid: original!.kid, status: 'active' }, { kid: spare.kid, status: 'next' }]);
    expect(await idp.rotateKeys()).toEqual([{ kid: spare.kid, status: 'active' }, { kid: original!.kid, status: 'published' }]);
    expect(await m2mKid(idp)).toBe(spare.kid);
  });

  it('retireKey() without a kid removes the oldest published key, never the next one', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    const third = await generateSigningKey();
    await idp.rotateKeys(third);
    await idp.publishNextKey(spare);
    expect(idp.retireKey()).toEqual([{ kid: third.kid, status: 'active' }, { kid: spare.kid, status: 'next' }]);
    expect(() => idp!.retireKey()).toThrow(/only the active key is left/);
    expect(idp.retireKey(spare.kid)).toEqual([{ kid: third.kid, status: 'active' }]);
    expect(await servedKids(idp)).not.toContain(original!.kid);
  });

  it('POST /_mock/keys/publish publishes a next key; GET /_mock/keys counts the JWKS fetches', async () => {
    idp = await startMockIdp({ port: 0 });
    const published = await admin(idp, 'POST', 'keys/publish');
    expect(published.status).toBe(200);
    expect((published.body.keys as Array<{ status: string }>).map((k) => k.status)).toEqual(['active', 'next']);
    expect((await admin(idp, 'GET', 'keys')).body.jwksFetches).toBe(0);
    await servedKids(idp);
    await servedKids(idp);
    expect((await admin(idp, 'GET', 'keys')).body.jwksFetches).toBe(2);
    expect(idp.jwksFetches()).toBe(2);
    idp.reset();
    expect(idp.jwksFetches()).toBe(0);
    expect(idp.keys().map((k) => k.status)).toEqual(['active']);
  });

  it('POST /_mock/keys/rotate with a key signs with it, and POST /_mock/keys/restore puts the exported ring back', async () => {
    idp = await startMockIdp({ port: 0 });
    const saved = idp.exportState().keys;
    const rotated = await admin(idp, 'POST', 'keys/rotate', { key: spare });
    expect(rotated.status).toBe(200);
    expect(await m2mKid(idp)).toBe(spare.kid);
    const restored = await admin(idp, 'POST', 'keys/restore', saved);
    expect(restored).toMatchObject({ status: 200, body: { keys: [{ kid: saved.keys[0]!.kid, status: 'active' }] } });
    expect(await servedKids(idp)).toEqual(saved.keys.map((k) => k.kid));
    expect(await m2mKid(idp)).toBe(saved.keys[0]!.kid);
  });

  it.each([
    ['keys/rotate', { key: { kty: 'RSA', kid: 'x' } }],
    ['keys/rotate', { key: { ...{ kty: 'RSA', kid: 'x', n: 'AQAB', e: 'AQAB', d: 'AQAB', p: 'AQAB', q: 'AQAB', dp: 'AQAB', dq: 'AQAB', qi: 'AQAB' } } }],
    ['keys/rotate', { kid: 'x' }],
    ['keys/restore', { keys: [] , next: null }],
    ['keys/restore', { keys: [{ kid: 'x', d: 'AQAB', kty: 'RSA' }], next: null }],
  ])('refuses a key it cannot sign with: POST /_mock/%s %j answers 400 and changes nothing', async (path, body) => {
    idp = await startMockIdp({ port: 0 });
    const before = idp.keys();
    expect((await admin(idp, 'POST', path, body)).status).toBe(400);
    expect(idp.keys()).toEqual(before);
    expect(await m2mKid(idp)).toBe(before[0]!.kid);
  });
});

describe('what the login-app harness plants through the mock', () => {
  it('POST /_mock/keys/unparseable serves a key without its modulus beside the real ones until POST /_mock/keys/retire removes it (RP-14)', async () => {
    idp = await startMockIdp({ port: 0 });
    const before = await servedKids(idp);
    const published = await admin(idp, 'POST', 'keys/unparseable');
    expect(published).toMatchObject({ status: 201, body: { key: { kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' } } });
    const kid = published.body.kid as string;
    const served = ((await (await fetch(idp.jwksUri)).json()) as { keys: Array<Record<string, unknown>> }).keys;
    expect(served.map((k) => k.kid)).toEqual([...before, kid]);
    expect(served.at(-1)).not.toHaveProperty('n');
    // Not a key of the ring: signing and the key list are unchanged.
    expect(idp.keys().map((k) => k.kid)).toEqual(before);
    expect(await m2mKid(idp)).toBe(before[0]);
    expect((await admin(idp, 'POST', 'keys/retire', { kid })).status).toBe(200);
    expect(await servedKids(idp)).toEqual(before);
  });

  it('issues forged logout tokens at the mock\'s now, after its clock was advanced (RP-24)', async () => {
    idp = await startMockIdp({ port: 0 });
    idp.clock.advance('1d');
    const { logoutToken } = await idp.forgeLogoutToken({ clientId: APP.clientId, sub: 'auth0|someone', fault: 'valid' });
    const { iat, exp } = decodeJwt(logoutToken);
    expect(Math.abs(iat! - idp.clock.read().epoch)).toBeLessThanOrEqual(1);
    expect(exp! - iat!).toBe(120);
  });
});

describe.skipIf(!redisServerAvailable)('the harness against a mock on Redis (--issuer)', () => {
  it('snapshots and puts back its keys through GET /_mock/keys/snapshot (GET /_mock/state answers 409 there), behind the admin token', async () => {
    const server = await startRedisServer();
    try {
      idp = await startMockIdp({ port: 0, redis: server.url, adminToken: 'test-admin-token' });
      const auth = { authorization: 'Bearer test-admin-token' };
      expect((await fetch(`${idp.issuer}_mock/state`, { headers: auth })).status).toBe(409);
      expect((await fetch(`${idp.issuer}_mock/keys/snapshot`)).status).toBe(401);
      const driver = await httpDriver(idp.issuer, { adminToken: 'test-admin-token' });
      const before = await driver.keys();
      const snapshot = await driver.snapshotKeys!();
      expect(snapshot.keys.map((k) => k.kid)).toEqual(before.map((k) => k.kid));
      await driver.rotateKeys(spare);
      expect(await m2mKid(idp)).toBe(spare.kid);
      expect(await driver.restoreKeys!(snapshot)).toEqual(before);
      expect(await m2mKid(idp)).toBe(before[0]!.kid);
    } finally {
      await idp?.close();
      idp = undefined;
      await server.stop();
    }
  });
});
