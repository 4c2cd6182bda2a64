/** sample-api and browser callers (sample-spa): CORS for the configured origins only, preflights before any token check. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, createSigningKey, signAccessToken, startJwksServer, type JwksServer, type SigningKey } from './helpers.js';

const SPA_ORIGIN = 'http://localhost:5173';
const STRANGER = 'http://evil.example';

let jwks: JwksServer;
let key: SigningKey;
beforeAll(async () => {
  key = await createSigningKey('k1');
  jwks = await startJwksServer([key]);
});
afterAll(() => jwks.close());

describe('sample-api CORS', () => {
  const api = () => apiFor(jwks, { CORS_ORIGINS: SPA_ORIGIN });

  it('answers a preflight from the SPA origin without a token, allowing the Authorization header', async () => {
    const res = await request(api())
      .options('/orders')
      .set('Origin', SPA_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
  });

  it('gives an origin it was not told about no CORS headers', async () => {
    const preflight = await request(api()).options('/orders').set('Origin', STRANGER).set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const token = await signAccessToken(key, { issuer: jwks.issuer });
    const res = await request(api()).get('/orders').set('Origin', STRANGER).set('Authorization', `Bearer ${token}`);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets the SPA read the orders, and read the WWW-Authenticate challenge of a 401 and a 403', async () => {
    const token = await signAccessToken(key, { issuer: jwks.issuer });
    const ok = await request(api()).get('/orders').set('Origin', SPA_ORIGIN).set('Authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);

    const refused = await request(api()).get('/orders').set('Origin', SPA_ORIGIN).set('Authorization', 'Bearer not-a-jwt');
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(refused.headers['access-control-expose-headers']).toContain('WWW-Authenticate');

    const forbidden = await request(api()).post('/orders').set('Origin', SPA_ORIGIN).set('Authorization', `Bearer ${token}`).send({ item: 'x', quantity: 1 });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(forbidden.headers['www-authenticate']).toContain('insufficient_scope');
  });
});
