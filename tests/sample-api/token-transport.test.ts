/** RS-01..RS-07: how the token travels, and the RFC 6750 challenge for each mistake. */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import {
  AUDIENCE,
  apiFor,
  createSigningKey,
  parseChallenge,
  signAccessToken,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from './helpers.js';

let key: SigningKey;
let jwks: JwksServer;
let app: Express;
let valid: string;

beforeAll(async () => {
  key = await createSigningKey('k1');
  jwks = await startJwksServer([key]);
  app = apiFor(jwks);
  valid = await signAccessToken(key, { issuer: jwks.issuer });
});
afterAll(() => jwks.close());

const errorParam = (res: { headers: Record<string, string> }) =>
  parseChallenge(res.headers['www-authenticate']).params.error;

/** Sends raw header lines (supertest cannot repeat a header). */
async function rawGet(headers: Array<[string, string]>): Promise<number> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/orders', headers: headers.flat() }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject).end();
    });
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

describe('no credentials', () => {
  it('answers a request without a token with 401 and a bare Bearer challenge (no error code)', async () => {
    const res = await request(app).get('/orders');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${AUDIENCE}"`);
  });

  it('answers another scheme (Basic) with 401 and a bare Bearer challenge', async () => {
    const res = await request(app).get('/orders').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
    expect(errorParam(res)).toBeUndefined();
  });

  it('does not accept a token in the access_token query parameter (401)', async () => {
    const res = await request(app).get('/orders').query({ access_token: valid });
    expect(res.status).toBe(401);
    expect(parseChallenge(res.headers['www-authenticate']).scheme).toBe('Bearer');
  });
});

describe('how the token is sent', () => {
  it('accepts the Bearer scheme in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await request(app).get('/orders').set('Authorization', `${scheme} ${valid}`);
      expect(res.status).toBe(200);
    }
  });

  it('rejects a token sent in both the header and the query with 400 invalid_request', async () => {
    const res = await request(app).get('/orders').query({ access_token: valid }).set('Authorization', `Bearer ${valid}`);
    expect(res.status).toBe(400);
    expect(errorParam(res)).toBe('invalid_request');
  });

  it('rejects two Authorization headers with 400 invalid_request, never using either identity', async () => {
    expect(await rawGet([['Authorization', `Bearer ${valid}`], ['Authorization', `Bearer ${valid}`]])).toBe(400);
    expect(await rawGet([['Authorization', 'Bearer garbage'], ['Authorization', `Bearer ${valid}`]])).toBe(400);
  });

  it('rejects a malformed Bearer header (no token, two tokens) with 400 invalid_request', async () => {
    for (const header of ['Bearer', 'Bearer   ', `Bearer ${valid} extra`]) {
      const res = await request(app).get('/orders').set('Authorization', header);
      expect(res.status).toBe(400);
      expect(errorParam(res)).toBe('invalid_request');
    }
  });

  it('answers an Authorization header over 16 KiB with 431 or 401, without crashing', async () => {
    const status = await rawGet([['Authorization', `Bearer ${'a'.repeat(17 * 1024)}`]]);
    expect([401, 431]).toContain(status);
    // A large header just under Node's limit reaches the token check.
    const res = await request(app).get('/orders').set('Authorization', `Bearer ${'a'.repeat(12 * 1024)}`);
    expect(res.status).toBe(401);
    expect(errorParam(res)).toBe('invalid_token');
    expect((await request(app).get('/health')).status).toBe(200);
  });
});
