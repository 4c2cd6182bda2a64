/** RS-32..RS-36 and IdP outages: the JWKS cache, key rotation, and never a 500. */
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiFor,
  createSigningKey,
  parseChallenge,
  signAccessToken,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from './helpers.js';

let k1: SigningKey;
let jwks: JwksServer;

beforeEach(async () => {
  k1 = await createSigningKey('k1');
  jwks = await startJwksServer([k1]);
});
afterEach(() => jwks.close().catch(() => undefined));

const getOrders = (app: ReturnType<typeof apiFor>, token: string) =>
  request(app).get('/orders').set('Authorization', `Bearer ${token}`);
const errorParam = (res: { headers: Record<string, string> }) =>
  parseChallenge(res.headers['www-authenticate']).params.error;

describe('unknown keys', () => {
  it('rejects an unknown kid with 401 invalid_token after one refetch, not 500', async () => {
    const app = apiFor(jwks);
    const stranger = await createSigningKey('unknown-kid');
    const res = await getOrders(app, await signAccessToken(stranger, { issuer: jwks.issuer }));
    expect(res.status).toBe(401);
    expect(errorParam(res)).toBe('invalid_token');
    expect(jwks.fetches).toBe(1);
  });

  it('answers a flood of unknown kids with 401 (rate-limited refetches), never 500', async () => {
    const app = apiFor(jwks);
    const stranger = await createSigningKey('stranger');
    for (let i = 0; i < 8; i++) {
      const token = await signAccessToken(stranger, { issuer: jwks.issuer, header: { kid: `unknown-${i}` } });
      const res = await getOrders(app, token);
      expect(res.status).toBe(401);
      expect(errorParam(res)).toBe('invalid_token');
    }
    expect(jwks.fetches).toBeLessThanOrEqual(5); // jwksRequestsPerMinute
  });

  it('rejects a token without kid when several keys are published with 401 invalid_token', async () => {
    const k2 = await createSigningKey('k2');
    jwks.publish([k1, k2]);
    const res = await getOrders(apiFor(jwks), await signAccessToken(k1, { issuer: jwks.issuer, header: { kid: undefined } }));
    expect(res.status).toBe(401);
    expect(errorParam(res)).toBe('invalid_token');
  });
});

describe('key rotation', () => {
  it('accepts a token signed with a new kid published later (refetches the JWKS)', async () => {
    const app = apiFor(jwks);
    expect((await getOrders(app, await signAccessToken(k1, { issuer: jwks.issuer }))).status).toBe(200);
    const k2 = await createSigningKey('k2');
    jwks.publish([k1, k2]);
    expect((await getOrders(app, await signAccessToken(k2, { issuer: jwks.issuer }))).status).toBe(200);
    expect(jwks.fetches).toBe(2);
  });

  it('stops accepting a retired key once its cache entry expires (jwksCacheMaxAge)', async () => {
    const k2 = await createSigningKey('k2');
    const oldToken = await signAccessToken(k1, { issuer: jwks.issuer });
    const app = apiFor(jwks, { JWKS_CACHE_MAX_AGE_MS: '500' });
    expect((await getOrders(app, oldToken)).status).toBe(200);
    jwks.publish([k2]);
    expect((await getOrders(app, oldToken)).status).toBe(200); // still cached
    await new Promise((resolve) => setTimeout(resolve, 700));
    const res = await getOrders(app, oldToken);
    expect(res.status).toBe(401);
    expect(errorParam(res)).toBe('invalid_token');
  });
});

describe('identity provider outages', () => {
  it('answers 503 with Retry-After (never 500) when the JWKS server is down', async () => {
    const token = await signAccessToken(k1, { issuer: jwks.issuer });
    await jwks.close();
    const res = await getOrders(apiFor(jwks), token);
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.error).toBe('temporarily_unavailable');
  });

  it('answers 503 (never 500) when the JWKS endpoint returns an error, HTML, or no keys', async () => {
    const token = await signAccessToken(k1, { issuer: jwks.issuer });
    const failures = [
      { status: 500, body: '{"message":"boom"}' },
      { status: 200, body: '<html>maintenance</html>' },
      { status: 200, body: '{"keys":[]}' },
      { status: 200, body: '{"keys":"nope"}' },
      { status: 200, body: 'null' },
    ];
    for (const failure of failures) {
      jwks.fail(failure);
      const res = await getOrders(apiFor(jwks), token);
      expect(res.status, failure.body).toBe(503);
    }
  });

  it('keeps accepting tokens signed with cached keys while the IdP is down', async () => {
    const app = apiFor(jwks);
    const token = await signAccessToken(k1, { issuer: jwks.issuer });
    expect((await getOrders(app, token)).status).toBe(200);
    await jwks.close();
    expect((await getOrders(app, token)).status).toBe(200);
  });
});
