/**
 * What each forgery is made of: the one deviation from the good token, and,
 * for the attacks, proof that a naive verifier would fall for it.
 */
import { createHmac, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EmbeddedJWK,
  base64url,
  compactDecrypt,
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTACKER_EC_KID,
  ATTACKER_RSA_KID,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_LIFETIME,
  DEFAULT_SUBJECT,
  ESCALATED_PERMISSION,
  FaultInputError,
  ID_TOKEN_NONCE,
  KID_INJECTIONS,
  OVERSIZE_TOKEN_LENGTH,
  TAMPERED_SUBJECT,
  UnknownFaultError,
  WRONG_AUDIENCE,
  WRONG_ISSUER,
  attackerEcKey,
  attackerRsaKey,
  forgeToken,
  signGoodToken,
  signingKeyFromJwk,
  type FaultContext,
  type GoodTokenInput,
  type SigningKey,
} from '../../mock-idp/tools/faults/index.js';
import { API, CANARY_URL, CLIENT_ID, INPUT, ISSUER, NOW, makeSigningKey, segments, verifyAsApi } from './helpers.js';

let key: SigningKey;
let ctx: FaultContext;
let good: string;

beforeAll(async () => {
  key = await makeSigningKey();
  ctx = { key, canaryUrl: CANARY_URL };
  good = await forgeToken(undefined, INPUT, ctx);
});

const forge = (id: string, input: GoodTokenInput = INPUT, context: FaultContext = ctx): Promise<string> => forgeToken(id, input, context);
const claimsOf = (token: string): JWTPayload => decodeJwt(token);
const headerOf = (token: string) => decodeProtectedHeader(token);
const withoutAlg = ({ alg: _alg, ...jwk }: JWK): JWK => jwk;

describe('good token', () => {
  it('is RS256 with typ at+jwt and the real kid', () => {
    expect(headerOf(good)).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: key.kid });
  });

  it('carries iss, sub, aud, iat and exp from the injected clock, then the extra claims', () => {
    expect(claimsOf(good)).toEqual({
      iss: ISSUER,
      sub: INPUT.subject,
      aud: API,
      iat: NOW,
      exp: NOW + DEFAULT_LIFETIME,
      ...INPUT.claims,
    });
  });

  it('defaults the subject and uses the current time when no clock is injected', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await signGoodToken({ issuer: ISSUER, audience: API, expiresIn: 60 }, key);
    const { sub, iat, exp } = claimsOf(token);
    expect(sub).toBe(DEFAULT_SUBJECT);
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(iat).toBeLessThanOrEqual(before + 2);
    expect(exp).toBe((iat ?? 0) + 60);
  });

  it('is the same token for the same input and clock (RS256 signatures are deterministic)', async () => {
    expect(await forgeToken(undefined, INPUT, ctx)).toBe(good);
  });

  it('signs with a SigningKey built from the dev key fixture', async () => {
    const { keys } = JSON.parse(readFileSync(new URL('../../fixtures/dev-keys.json', import.meta.url), 'utf8')) as { keys: JWK[] };
    const devKey = await signingKeyFromJwk(keys[0] ?? {});
    expect(devKey.publicJwk).not.toHaveProperty('d');
    await expect(verifyAsApi(await signGoodToken(INPUT, devKey), devKey)).resolves.toHaveProperty('payload');
  });

  it('signs with a node KeyObject as well as a CryptoKey', async () => {
    const privateKey = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey);
    const nodeKey: SigningKey = { ...key, privateKey };
    expect(await forgeToken(undefined, INPUT, { key: nodeKey })).toBe(good);
    const ps256 = await forgeToken('RS-27-ps256', INPUT, { key: nodeKey });
    await expect(compactVerify(ps256, await importJWK(withoutAlg(key.publicJwk), 'PS256'))).resolves.toHaveProperty('payload');
  });

  it('refuses a public or kid-less JWK as the signing key', async () => {
    await expect(signingKeyFromJwk(key.publicJwk)).rejects.toBeInstanceOf(FaultInputError);
    const privateKey = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey);
    const { kid: _kid, ...kidless } = privateKey.export({ format: 'jwk' }) as JWK;
    await expect(signingKeyFromJwk(kidless)).rejects.toBeInstanceOf(FaultInputError);
  });

  it('refuses an empty audience and a non-positive lifetime', async () => {
    await expect(signGoodToken({ ...INPUT, audience: [] }, key)).rejects.toBeInstanceOf(FaultInputError);
    await expect(signGoodToken({ ...INPUT, expiresIn: 0 }, key)).rejects.toBeInstanceOf(FaultInputError);
  });
});

describe('fault ids', () => {
  it('throws UnknownFaultError (ERR_UNKNOWN_FAULT) for an id that names no preset', async () => {
    const error = await forge('RS-99').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownFaultError);
    expect(error).toMatchObject({ code: 'ERR_UNKNOWN_FAULT', faultId: 'RS-99' });
  });

  it('lists the variants when given a case id that has several', async () => {
    await expect(forge('RS-25')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_FAULT', variants: ['RS-25-pem', 'RS-25-jwk'] });
  });

  it('accepts ids in any case', async () => {
    expect(headerOf(await forge('rs-23-MIXEDCASE')).alg).toBe('nOnE');
  });
});

describe('RS-07 oversized token', () => {
  it('is padded past 16 KiB and still validly signed', async () => {
    const token = await forge('RS-07');
    expect(token.length).toBeGreaterThanOrEqual(OVERSIZE_TOKEN_LENGTH);
    expect(token.length).toBeGreaterThan(16 * 1024);
    expect(typeof claimsOf(token).padding).toBe('string');
  });

  it('is refused with 431 by a Node HTTP server with the default header limit', async () => {
    const token = await forge('RS-07');
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(431);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('RS-08 / RS-09 shapes', () => {
  it('builds three segments of garbage that decode to no JSON', async () => {
    const token = await forge('RS-08-garbage');
    expect(segments(token)).toHaveLength(3);
    expect(() => decodeProtectedHeader(token)).toThrow();
  });

  it('builds a single segment', async () => {
    const token = await forge('RS-08-one-segment');
    expect(segments(token)).toHaveLength(1);
    expect(() => decodeJwt(token)).toThrow(errors.JWTInvalid);
  });

  it('builds a five-segment JWE that wraps the good token', async () => {
    const token = await forge('RS-08-five-segments');
    expect(segments(token)).toHaveLength(5);
    expect(headerOf(token)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    const privateKey = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey);
    const { plaintext } = await compactDecrypt(token, privateKey);
    expect(new TextDecoder().decode(plaintext)).toBe(good);
  });

  it('cuts the signature off the good token, leaving two segments', async () => {
    const token = await forge('RS-09');
    expect(segments(token)).toEqual(segments(good).slice(0, 2));
  });
});

describe('RS-10 to RS-12 signature faults', () => {
  it('RS-10 keeps the good signature over an escalated payload', async () => {
    const token = await forge('RS-10');
    expect(segments(token)[2]).toBe(segments(good)[2]);
    expect(claimsOf(token)).toMatchObject({
      sub: TAMPERED_SUBJECT,
      permissions: ['read:orders', ESCALATED_PERMISSION],
      scope: `read:orders ${ESCALATED_PERMISSION}`,
    });
  });

  it('RS-11 changes exactly one character, in the middle of the signature', async () => {
    const token = await forge('RS-11');
    const [forged, original] = [segments(token)[2] ?? '', segments(good)[2] ?? ''];
    expect(segments(token).slice(0, 2)).toEqual(segments(good).slice(0, 2));
    const differing = [...forged].flatMap((char, i) => (char === original[i] ? [] : [i]));
    expect(differing).toEqual([Math.floor(original.length / 2)]);
  });

  it('RS-12 is a valid signature of the attacker key under the real kid', async () => {
    const token = await forge('RS-12');
    const attacker = await attackerRsaKey();
    expect(headerOf(token).kid).toBe(key.kid);
    await expect(verifyAsApi(token, key, {}, { keys: [{ ...attacker.publicJwk, kid: key.kid }] })).resolves.toHaveProperty('payload');
  });
});

describe('RS-13 to RS-17 time faults', () => {
  it('RS-13 expired an hour beyond the tolerance, keeping the lifetime', async () => {
    const { iat, exp } = claimsOf(await forge('RS-13'));
    expect(exp).toBe(NOW - DEFAULT_CLOCK_TOLERANCE - 3600);
    expect(iat).toBe((exp ?? 0) - DEFAULT_LIFETIME);
  });

  it('RS-14 follows the given tolerance: inside passes and outside fails at 60 s', async () => {
    const wide = { ...ctx, clockTolerance: 60 };
    const inside = await forge('RS-14-inside', INPUT, wide);
    const outside = await forge('RS-14-outside', INPUT, wide);
    expect(claimsOf(inside).exp).toBe(NOW - 30);
    expect(claimsOf(outside).exp).toBe(NOW - 62);
    await expect(verifyAsApi(inside, key, { clockTolerance: 60 })).resolves.toHaveProperty('payload');
    await expect(verifyAsApi(outside, key, { clockTolerance: 60 })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('RS-14 inside cannot be forged for an API without tolerance', async () => {
    await expect(forge('RS-14-inside', INPUT, { ...ctx, clockTolerance: 0 })).rejects.toBeInstanceOf(FaultInputError);
    await expect(forge('RS-13', INPUT, { ...ctx, clockTolerance: -1 })).rejects.toBeInstanceOf(FaultInputError);
  });

  it('RS-15 drops exp and nothing else', async () => {
    const { exp: _exp, ...rest } = claimsOf(good);
    expect(claimsOf(await forge('RS-15'))).toEqual(rest);
  });

  it('RS-16 sets nbf to now + T + 60', async () => {
    expect(claimsOf(await forge('RS-16')).nbf).toBe(NOW + DEFAULT_CLOCK_TOLERANCE + 60);
  });

  it('RS-17 moves the window an hour ahead; jose alone accepts it unless maxTokenAge is set', async () => {
    const token = await forge('RS-17');
    expect(claimsOf(token)).toMatchObject({ iat: NOW + 3600, exp: NOW + 3600 + DEFAULT_LIFETIME });
    await expect(verifyAsApi(token, key)).resolves.toHaveProperty('payload');
  });
});

describe('RS-18 to RS-22 audience and issuer faults', () => {
  it('RS-18 names another API', async () => {
    expect(claimsOf(await forge('RS-18')).aud).toBe(WRONG_AUDIENCE);
  });

  it('RS-19 uses the Auth0 array [API, issuer userinfo]', async () => {
    expect(claimsOf(await forge('RS-19')).aud).toEqual([API, `${ISSUER}userinfo`]);
  });

  it('RS-20 drops aud, or uses an array without the API', async () => {
    expect(claimsOf(await forge('RS-20-missing'))).not.toHaveProperty('aud');
    expect(claimsOf(await forge('RS-20-without-api')).aud).toEqual([WRONG_AUDIENCE, `${ISSUER}userinfo`]);
  });

  it('RS-21 names another issuer', async () => {
    expect(claimsOf(await forge('RS-21')).iss).toBe(WRONG_ISSUER);
  });

  it('RS-22 drops the trailing slash, and needs one to drop', async () => {
    expect(claimsOf(await forge('RS-22')).iss).toBe('https://tenant.example.com');
    await expect(forge('RS-22', { ...INPUT, issuer: 'https://tenant.example.com' })).rejects.toBeInstanceOf(FaultInputError);
  });
});

describe('RS-23 to RS-28 algorithm faults', () => {
  it.each([
    ['RS-23-lowercase', 'none'],
    ['RS-23-capitalized', 'None'],
    ['RS-23-uppercase', 'NONE'],
    ['RS-23-mixedcase', 'nOnE'],
  ])('%s sets alg "%s", keeps the payload and leaves the signature empty', async (id, alg) => {
    const token = await forge(id);
    const [, payload, signature] = segments(token);
    expect(headerOf(token)).toEqual({ alg, typ: 'at+jwt', kid: key.kid });
    expect(payload).toBe(segments(good)[1]);
    expect(signature).toBe('');
  });

  it('RS-24 is the good token with an empty signature', async () => {
    expect(await forge('RS-24')).toBe(`${segments(good).slice(0, 2).join('.')}.`);
  });

  it('RS-25 is a valid HS256 MAC keyed with the public key as PEM', async () => {
    const token = await forge('RS-25-pem');
    const pem = createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: key.kid });
    await expect(jwtVerify(token, new TextEncoder().encode(pem), { algorithms: ['HS256'], currentDate: new Date(NOW * 1000) })).resolves.toHaveProperty(
      'payload',
    );
  });

  it('RS-25 is a valid HS256 MAC keyed with the published JWK as JSON text', async () => {
    const token = await forge('RS-25-jwk');
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    await expect(jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(NOW * 1000) })).resolves.toHaveProperty('payload');
  });

  it('RS-26 is a valid HS256 MAC under an empty secret', async () => {
    const [header, payload, signature] = segments(await forge('RS-26'));
    expect(signature).toBe(createHmac('sha256', '').update(`${header}.${payload}`).digest('base64url'));
  });

  it.each(['RS512', 'PS256'] as const)('RS-27 %s is genuinely signed by the real key', async (alg) => {
    const token = await forge(`RS-27-${alg.toLowerCase()}`);
    expect(headerOf(token).alg).toBe(alg);
    await expect(compactVerify(token, await importJWK(withoutAlg(key.publicJwk), alg))).resolves.toHaveProperty('payload');
  });

  it('RS-28 carries ES256 and a 64-byte all-zero signature', async () => {
    const token = await forge('RS-28');
    expect(headerOf(token).alg).toBe('ES256');
    expect(base64url.decode(segments(token)[2] ?? '')).toEqual(new Uint8Array(64));
  });
});

describe('RS-29 to RS-32 key-selection faults', () => {
  it('RS-29 RS256 embeds the attacker RSA key and verifies with it (the CVE-2018-0114 trap)', async () => {
    const token = await forge('RS-29-rs256');
    const attacker = await attackerRsaKey();
    expect(headerOf(token)).toMatchObject({ alg: 'RS256', kid: ATTACKER_RSA_KID, jwk: attacker.publicJwk });
    await expect(jwtVerify(token, EmbeddedJWK, { algorithms: ['RS256'], currentDate: new Date(NOW * 1000) })).resolves.toHaveProperty('payload');
  });

  it('RS-29 ES256 embeds the attacker EC key and verifies with it', async () => {
    const token = await forge('RS-29-es256');
    const attacker = await attackerEcKey();
    expect(headerOf(token)).toMatchObject({ alg: 'ES256', kid: ATTACKER_EC_KID, jwk: attacker.publicJwk });
    await expect(jwtVerify(token, EmbeddedJWK, { algorithms: ['ES256'], currentDate: new Date(NOW * 1000) })).resolves.toHaveProperty('payload');
  });

  it.each(['jku', 'x5u'] as const)('RS-30 points %s at the canary URL, signed by the attacker', async (name) => {
    const token = await forge(`RS-30-${name}`);
    expect(headerOf(token)).toMatchObject({ kid: ATTACKER_RSA_KID, [name]: CANARY_URL });
    await expect(verifyAsApi(token, key, {}, { keys: [(await attackerRsaKey()).publicJwk] })).resolves.toHaveProperty('payload');
  });

  it('RS-30 needs a canary URL that parses', async () => {
    await expect(forge('RS-30-jku', INPUT, { key })).rejects.toBeInstanceOf(FaultInputError);
    await expect(forge('RS-30-x5u', INPUT, { key, canaryUrl: 'not a url' })).rejects.toBeInstanceOf(FaultInputError);
  });

  it.each(Object.entries(KID_INJECTIONS))('%s puts %j in kid', async (id, kid) => {
    expect(headerOf(await forge(id)).kid).toBe(kid);
  });

  it('RS-32 uses a kid the IdP does not publish and a valid attacker signature', async () => {
    const token = await forge('RS-32');
    expect(headerOf(token).kid).toBe(ATTACKER_RSA_KID);
    await expect(verifyAsApi(token, key, {}, { keys: [(await attackerRsaKey()).publicJwk] })).resolves.toHaveProperty('payload');
  });

  it('generates each attacker key once per process', async () => {
    const [a, b] = await Promise.all([attackerRsaKey(), attackerRsaKey()]);
    expect(a).toBe(b);
    expect(await attackerEcKey()).toBe(await attackerEcKey());
  });
});

describe('RS-36 to RS-38 token-type faults', () => {
  it('RS-36 omits kid only', async () => {
    const token = await forge('RS-36');
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'at+jwt' });
    expect(segments(token)[1]).toBe(segments(good)[1]);
  });

  it('RS-36 meets ERR_JWKS_MULTIPLE_MATCHING_KEYS with two keys, and verifies when each key is tried', async () => {
    const token = await forge('RS-36');
    const other = await makeSigningKey('test-key-2');
    const jwks = createLocalJWKSet({ keys: [other.publicJwk, key.publicJwk] });
    const error = await jwtVerify(token, jwks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errors.JWKSMultipleMatchingKeys);
    const outcomes: boolean[] = [];
    for await (const candidate of error as errors.JWKSMultipleMatchingKeys) {
      outcomes.push(await compactVerify(token, candidate).then(() => true, () => false));
    }
    expect(outcomes).toEqual([false, true]);
  });

  it('RS-37 is a genuine ID token: typ JWT, aud = the client, a nonce, no API claims', async () => {
    const token = await forge('RS-37');
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    expect(claimsOf(token)).toEqual({ iss: ISSUER, sub: INPUT.subject, aud: CLIENT_ID, iat: NOW, exp: NOW + DEFAULT_LIFETIME, nonce: ID_TOKEN_NONCE });
    // what a login app checks on an ID token: it passes
    await expect(verifyAsApi(token, key, { audience: CLIENT_ID, typ: 'JWT' })).resolves.toHaveProperty('payload');
  });

  it('RS-37 takes the client id from the context, else azp, else a default', async () => {
    expect(claimsOf(await forge('RS-37', INPUT, { ...ctx, clientId: 'spa' })).aud).toBe('spa');
    expect(claimsOf(await forge('RS-37', { issuer: ISSUER, audience: API, now: NOW })).aud).toBe(DEFAULT_CLIENT_ID);
  });

  it('RS-38 drops sub and nothing else', async () => {
    const { sub: _sub, ...rest } = claimsOf(good);
    expect(claimsOf(await forge('RS-38'))).toEqual(rest);
  });
});
