/** RS-39, RS-40: Auth0 RBAC permissions (or scope) per route, and the public routes. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import {
  AUDIENCE,
  SUB,
  apiFor,
  createSigningKey,
  parseChallenge,
  signAccessToken,
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

const bearer = async (claims: Overrides) =>
  `Bearer ${await signAccessToken(key, { issuer: jwks.issuer, claims })}`;

describe('permissions', () => {
  it('answers a valid token without write:orders with 403 insufficient_scope and scope="write:orders"', async () => {
    const res = await request(app)
      .post('/orders')
      .set('Authorization', await bearer({ permissions: ['read:orders'] }))
      .send({ item: 'Tea', quantity: 1 });
    expect(res.status).toBe(403);
    const { scheme, params } = parseChallenge(res.headers['www-authenticate']);
    expect(scheme).toBe('Bearer');
    expect(params).toMatchObject({ realm: AUDIENCE, error: 'insufficient_scope', scope: 'write:orders' });
    expect(res.body.error).toBe('insufficient_scope');
  });

  it('answers a token with an empty permissions array with 403 on GET /orders', async () => {
    const res = await request(app).get('/orders').set('Authorization', await bearer({ permissions: [] }));
    expect(res.status).toBe(403);
    expect(parseChallenge(res.headers['www-authenticate']).params.scope).toBe('read:orders');
  });

  it('falls back to the scope claim when permissions is absent (200)', async () => {
    const res = await request(app)
      .get('/orders')
      .set('Authorization', await bearer({ permissions: undefined, scope: 'openid read:orders' }));
    expect(res.status).toBe(200);
  });

  it('does not read the scope claim when a permissions array is present', async () => {
    const res = await request(app)
      .get('/orders')
      .set('Authorization', await bearer({ permissions: ['write:orders'], scope: 'read:orders' }));
    expect(res.status).toBe(403);
  });

  it('creates an order with write:orders (201) and lists it with read:orders', async () => {
    const authorization = await bearer({ permissions: ['read:orders', 'write:orders'] });
    const created = await request(app).post('/orders').set('Authorization', authorization).send({ item: 'Tea', quantity: 3 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ item: 'Tea', quantity: 3, createdBy: SUB });
    const listed = await request(app).get('/orders').set('Authorization', authorization);
    expect(listed.body.orders).toContainEqual(created.body);
  });

  it('rejects an invalid order body with 400 only after authorisation', async () => {
    const authorization = await bearer({ permissions: ['write:orders'] });
    const bad = await request(app).post('/orders').set('Authorization', authorization).send({ item: '', quantity: 0 });
    expect(bad.status).toBe(400);
    const broken = await request(app)
      .post('/orders')
      .set('Authorization', authorization)
      .set('Content-Type', 'application/json')
      .send('{"item":');
    expect(broken.status).toBe(400);
    const anonymous = await request(app).post('/orders').set('Content-Type', 'application/json').send('{"item":');
    expect(anonymous.status).toBe(401);
  });
});

describe('public routes', () => {
  it('serves /health and /public/orders without a token', async () => {
    expect((await request(app).get('/health')).status).toBe(200);
    const res = await request(app).get('/public/orders');
    expect(res.status).toBe(200);
    expect(res.body.orders.length).toBeGreaterThan(0);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
