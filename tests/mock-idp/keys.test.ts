import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey, type PrivateJwk } from '../../mock-idp/core/keys.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { API, APP, clientCredentialsRequest, codeFlow, refreshRequest, startAuthorize, USERS } from '../helpers/oauth.js';

let idp: MockIdp | undefined;
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

// One RSA key for the whole file: generating keys is the slow part of rotation.
let nextKey: PrivateJwk | undefined;
async function newKey(): Promise<PrivateJwk> {
  nextKey ??= await generateSigningKey();
  return nextKey;
}

async function servedKids(mockIdp: MockIdp): Promise<string[]> {
  const response = await fetch(mockIdp.jwksUri);
  expect(response.status).toBe(200);
  const { keys } = (await response.json()) as { keys: { kid: string; d?: string }[] };
  for (const key of keys) expect(key.d).toBeUndefined(); // public halves only
  return keys.map((k) => k.kid);
}

async function m2mToken(mockIdp: MockIdp): Promise<string> {
  const { status, body } = await clientCredentialsRequest(mockIdp);
  expect(status).toBe(200);
  return body.access_token!;
}

/** Verifies like a resource server that fetches the JWKS afresh (no cached keys). */
function verifyFresh(mockIdp: MockIdp, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(mockIdp.jwksUri)), { issuer: mockIdp.issuer, audience: API, algorithms: ['RS256'] });
}

describe('signing keys', () => {
  it('rotateKeys() publishes the new key next to the old one and signs new tokens with it', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    const before = await m2mToken(idp);

    const key = await newKey();
    const keys = await idp.rotateKeys(key);
    expect(keys).toEqual([{ kid: key.kid, status: 'active' }, { kid: original!.kid, status: 'published' }]);
    expect(await servedKids(idp)).toEqual([key.kid, original!.kid]);

    const after = await m2mToken(idp);
    expect(decodeProtectedHeader(after).kid).toBe(key.kid);
    await expect(verifyFresh(idp, after)).resolves.toBeDefined();
    // Tokens signed before the rotation still verify: the old key is still published.
    expect(decodeProtectedHeader(before).kid).toBe(original!.kid);
    await expect(verifyFresh(idp, before)).resolves.toBeDefined();
    expect(idp.events().map((e) => e.type)).toContain('keys.rotated');
  });

  it('rotateKeys() without a key generates one with a new kid', async () => {
    idp = await startMockIdp({ port: 0, keys: [await newKey()] });
    const [original] = idp.keys();
    const [active] = await idp.rotateKeys();
    expect(active?.kid).not.toBe(original!.kid);
    expect(decodeProtectedHeader(await m2mToken(idp)).kid).toBe(active?.kid);
  });

  it('keeps sessions and refresh tokens across a rotation; refreshed tokens carry the new kid', async () => {
    idp = await startMockIdp({ port: 0 });
    const { browser, tokens } = await codeFlow(idp, USERS.alice);
    const key = await newKey();
    await idp.rotateKeys(key);
    const sso = await startAuthorize(idp, browser);
    expect(sso.page.url.startsWith(APP.callback)).toBe(true);
    const refreshed = await refreshRequest(idp, tokens.body.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(decodeProtectedHeader(refreshed.body.access_token!).kid).toBe(key.kid);
    expect(decodeProtectedHeader(refreshed.body.id_token!).kid).toBe(key.kid);
    await expect(verifyFresh(idp, refreshed.body.access_token!)).resolves.toBeDefined();
  });

  it('retireKey() removes the old key from the JWKS: a token it signed no longer verifies (ERR_JWKS_NO_MATCHING_KEY)', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    const before = await m2mToken(idp);
    const key = await newKey();
    await idp.rotateKeys(key);

    expect(idp.retireKey()).toEqual([{ kid: key.kid, status: 'active' }]);
    expect(await servedKids(idp)).toEqual([key.kid]);
    expect(idp.keys().map((k) => k.kid)).not.toContain(original!.kid);
    await expect(verifyFresh(idp, before)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verifyFresh(idp, await m2mToken(idp))).resolves.toBeDefined();
  });

  it('retireKey(kid) retires that published key', async () => {
    idp = await startMockIdp({ port: 0 });
    const [original] = idp.keys();
    const key = await newKey();
    await idp.rotateKeys(key);
    expect(idp.retireKey(original!.kid)).toEqual([{ kid: key.kid, status: 'active' }]);
  });

  it('refuses to retire the active key (ERR_KEY_ACTIVE), by kid or when it is the only key', async () => {
    idp = await startMockIdp({ port: 0 });
    const [active] = idp.keys();
    expect(() => idp!.retireKey(active!.kid)).toThrow(expect.objectContaining({ code: 'ERR_KEY_ACTIVE' }));
    expect(() => idp!.retireKey()).toThrow(expect.objectContaining({ code: 'ERR_KEY_ACTIVE' }));

    await idp.rotateKeys(await newKey());
    const [rotated] = idp.keys();
    expect(() => idp!.retireKey(rotated!.kid)).toThrow(expect.objectContaining({ code: 'ERR_KEY_ACTIVE' }));
    expect(await servedKids(idp)).toEqual([rotated!.kid, active!.kid]);
  });

  it('refuses to retire an unknown kid (ERR_KEY_NOT_FOUND)', async () => {
    idp = await startMockIdp({ port: 0 });
    await idp.rotateKeys(await newKey());
    expect(() => idp!.retireKey('no-such-kid')).toThrow(expect.objectContaining({ code: 'ERR_KEY_NOT_FOUND' }));
  });
});
