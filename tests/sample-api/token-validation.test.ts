/** RS-08..RS-31, RS-37, RS-38, RS-40: which access tokens the Orders API accepts. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import {
  AUDIENCE,
  SUB,
  apiFor,
  createSigningKey,
  defaultClaims,
  hs256Token,
  now,
  parseChallenge,
  rawToken,
  signAccessToken,
  signRaw,
  startJwksServer,
  type JwksServer,
  type Overrides,
  type SigningKey,
} from './helpers.js';

let key: SigningKey;
let jwks: JwksServer;
let app: Express;

beforeAll(async () => {
  key = await createSigningKey('k1');
  jwks = await startJwksServer([key]);
  app = apiFor(jwks);
});
afterAll(() => jwks.close());

const token = (claims?: Overrides, header?: Overrides) =>
  signAccessToken(key, { issuer: jwks.issuer, claims: claims ?? {}, header: header ?? {} });

const getOrders = (accessToken: string) =>
  request(app).get('/orders').set('Authorization', `Bearer ${accessToken}`);

async function expectInvalidToken(accessToken: string): Promise<void> {
  const res = await getOrders(accessToken);
  expect(res.status).toBe(401);
  const { scheme, params } = parseChallenge(res.headers['www-authenticate']);
  expect(scheme).toBe('Bearer');
  expect(params.realm).toBe(AUDIENCE);
  expect(params.error).toBe('invalid_token');
  expect(res.body.error).toBe('invalid_token');
}

describe('accepted access tokens', () => {
  it('accepts a valid RS256 access token with read:orders and returns the orders and the caller', async () => {
    const res = await getOrders(await token());
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(SUB);
    expect(res.body.orders.length).toBeGreaterThan(0);
  });

  it("accepts Auth0's aud array [api, issuer + userinfo]", async () => {
    const res = await getOrders(await token({ aud: [AUDIENCE, `${jwks.issuer}userinfo`] }));
    expect(res.status).toBe(200);
  });

  it('accepts typ application/at+jwt and a token without typ', async () => {
    expect((await getOrders(await token({}, { typ: 'application/at+jwt' }))).status).toBe(200);
    expect((await getOrders(await token({}, { typ: 'AT+JWT' }))).status).toBe(200);
    expect((await getOrders(await token({}, { typ: undefined }))).status).toBe(200);
  });

  it('accepts a token that expired within the 5 s clock tolerance', async () => {
    expect((await getOrders(await token({ exp: now() - 2 }))).status).toBe(200);
  });
});

describe('lifetime claims', () => {
  it('rejects an expired access token with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ iat: now() - 600, exp: now() - 10 }));
  });

  it('rejects an access token without exp with 401 invalid_token (jsonwebtoken alone accepts it)', async () => {
    await expectInvalidToken(await token({ exp: undefined }));
  });

  it('rejects an access token issued an hour in the future with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ iat: now() + 3600, exp: now() + 7200 }));
  });

  it('rejects an access token not valid before a future nbf with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ nbf: now() + 65 }));
  });
});

describe('audience, issuer and subject', () => {
  it('rejects an access token for another audience with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ aud: 'https://other-api.example.com' }));
  });

  it('rejects an access token whose aud array lacks this API, or has no aud, with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ aud: ['https://other-api.example.com', `${jwks.issuer}userinfo`] }));
    await expectInvalidToken(await token({ aud: undefined }));
  });

  it('rejects an access token from another issuer with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ iss: 'https://evil.example.com/' }));
  });

  it('rejects an issuer without its trailing slash with 401 invalid_token (exact match)', async () => {
    await expectInvalidToken(await token({ iss: jwks.issuer.replace(/\/$/, '') }));
  });

  it('rejects an access token without sub with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ sub: undefined }));
  });
});

describe('token type', () => {
  it("accepts Auth0's default token dialect (typ JWT, azp, no jti) and the RFC 9068 one (typ at+jwt, client_id, jti)", async () => {
    expect((await getOrders(await token({ azp: 'sample-spa' }, { typ: 'JWT' }))).status).toBe(200);
    expect((await getOrders(await token({ client_id: 'sample-spa', jti: 'j1' }, { typ: 'at+jwt' }))).status).toBe(200);
  });

  it('rejects an ID token of the API (typ JWT, a nonce) and other JWT types with 401 invalid_token', async () => {
    await expectInvalidToken(await token({ nonce: 'n-1' }, { typ: 'JWT' }));
    await expectInvalidToken(await token({}, { typ: 'logout+jwt' }));
    await expectInvalidToken(await token({}, { typ: 'id_token+jwt' }));
  });

  it('with TOKEN_PROFILE=rfc9068 requires typ at+jwt, client_id and jti, as express-oauth2-jwt-bearer strict mode', async () => {
    const strict = apiFor(jwks, { TOKEN_PROFILE: 'rfc9068' });
    const get = (accessToken: string) => request(strict).get('/orders').set('Authorization', `Bearer ${accessToken}`);
    expect((await get(await token({ client_id: 'sample-spa', jti: 'j1' }, { typ: 'at+jwt' }))).status).toBe(200);
    for (const [claims, header] of [[{ azp: 'sample-spa' }, { typ: 'JWT' }], [{ client_id: 'sample-spa', jti: 'j1' }, { typ: undefined }], [{ jti: 'j1' }, {}], [{ client_id: 'sample-spa' }, {}]] as const) {
      const res = await get(await token(claims, header));
      expect(res.status).toBe(401);
      expect(parseChallenge(res.headers['www-authenticate']).params.error).toBe('invalid_token');
    }
  });

  it('rejects a token with a crit header it does not understand with 401 invalid_token', async () => {
    const signed = signRaw(key, 'RS256', { typ: 'at+jwt', crit: ['x-unknown'], 'x-unknown': true }, defaultClaims(jwks.issuer));
    await expectInvalidToken(signed);
  });
});

describe('signatures and algorithms', () => {
  it('rejects alg none in any casing with 401 invalid_token', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expectInvalidToken(rawToken({ alg, typ: 'at+jwt' }, defaultClaims(jwks.issuer)));
    }
  });

  it('rejects an RS256 header with an empty signature with 401 invalid_token', async () => {
    const [header, payload] = (await token()).split('.');
    await expectInvalidToken(`${header}.${payload}.`);
  });

  it('rejects HS256 signed with the RSA public key (PEM and JWK) as the secret with 401 invalid_token', async () => {
    const header = { alg: 'HS256', kid: key.kid, typ: 'at+jwt' };
    await expectInvalidToken(hs256Token(header, defaultClaims(jwks.issuer), key.publicPem));
    await expectInvalidToken(hs256Token(header, defaultClaims(jwks.issuer), JSON.stringify(key.publicJwk)));
    await expectInvalidToken(hs256Token(header, defaultClaims(jwks.issuer), ''));
  });

  it('rejects an algorithm off the allow-list (RS512, PS256) with 401 invalid_token', async () => {
    for (const alg of ['RS512', 'PS256'] as const) {
      // Genuinely signed by the published key, only with another algorithm.
      await expectInvalidToken(signRaw(key, alg, { typ: 'at+jwt' }, defaultClaims(jwks.issuer)));
    }
  });

  it('rejects a token signed by an attacker key under the legitimate kid with 401 invalid_token', async () => {
    const attacker = await createSigningKey(key.kid);
    await expectInvalidToken(await signAccessToken(attacker, { issuer: jwks.issuer }));
  });

  it('rejects a payload changed after signing (more permissions) with 401 invalid_token', async () => {
    const [header, , signature] = (await token()).split('.');
    const forged = rawToken({}, { ...defaultClaims(jwks.issuer), permissions: ['read:orders', 'write:orders'] });
    const forgedPayload = forged.split('.')[1];
    await expectInvalidToken(`${header}.${forgedPayload}.${signature}`);
  });

  it('rejects a token with one flipped signature character with 401 invalid_token', async () => {
    const [header, payload, signature = ''] = (await token()).split('.');
    const middle = Math.floor(signature.length / 2);
    const flipped = signature[middle] === 'A' ? 'B' : 'A';
    await expectInvalidToken(`${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`);
  });

  it('rejects a token with an embedded jwk or a jku/x5u header and never fetches the jku', async () => {
    const attacker = await createSigningKey('attacker');
    const canary = await startJwksServer([attacker]);
    try {
      const embedded = { jwk: attacker.publicJwk };
      const remote = { jku: canary.jwksUri, x5u: canary.jwksUri };
      await expectInvalidToken(await signAccessToken(attacker, { issuer: jwks.issuer, header: embedded }));
      await expectInvalidToken(await signAccessToken(attacker, { issuer: jwks.issuer, header: remote }));
      expect(canary.fetches).toBe(0);
    } finally {
      await canary.close();
    }
  });
});

describe('garbage never causes a 500', () => {
  it('rejects garbage, one-segment, two-segment and five-segment (JWE-shaped) tokens with 401 invalid_token', async () => {
    const valid = await token();
    const [header, payload] = valid.split('.');
    for (const garbage of ['garbage', 'a.b.c', `${header}.${payload}`, 'a.b.c.d.e', '...', 'e30.e30.e30', '%00', 'Zm9v.YmFy.YmF6']) {
      await expectInvalidToken(garbage);
    }
  });

  it('rejects kid injection strings (path traversal, SQL, shell, CRLF, huge) with 401 invalid_token', async () => {
    const kids: unknown[] = ['../../dev/null', "' OR 1=1 --", '$(touch /tmp/pwned)', 'a\r\nX-Injected: 1', 'x'.repeat(4000), 42, { a: 1 }, null];
    for (const kid of kids) {
      await expectInvalidToken(await token({}, { kid }));
    }
  });

  it('rejects a payload that is not a JSON object with 401 invalid_token', async () => {
    await expectInvalidToken(signRaw(key, 'RS256', { typ: 'at+jwt' }, 'hello'));
    await expectInvalidToken(signRaw(key, 'RS256', { typ: 'at+jwt' }, '"hello"'));
    await expectInvalidToken(signRaw(key, 'RS256', { typ: 'at+jwt' }, '[1,2]'));
  });
});
