/** fetchTrustingCa: fetch's behaviour on node:https with an extra CA. */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCa, issueServerCertificate } from '../../mock-idp/core/tls/index.js';
import { fetchTrustingCa } from '../../mock-idp/tools/headless/trusting-fetch.js';
import { tempHome } from './helpers.js';

let base: string;
let caPem: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const ca = await ensureCa(tempHome());
  caPem = ca.certPem;
  const server = createServer(await issueServerCertificate(ca), (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      if (req.url === '/redirect') return res.writeHead(303, { location: '/echo?from=redirect' }).end();
      if (req.url === '/empty') return res.writeHead(204).end();
      res.writeHead(201, [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
      res.end(JSON.stringify({ method: req.method, url: req.url, body, type: req.headers['content-type'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

describe('fetchTrustingCa', () => {
  it('sends the method, headers and body, and returns status, every Set-Cookie, the body and the URL', async () => {
    const response = await fetchTrustingCa(caPem)(`${base}/echo`, { method: 'POST', body: new URLSearchParams({ a: 'b c' }) });
    expect(response.status).toBe(201);
    expect(response.url).toBe(`${base}/echo`);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ method: 'POST', url: '/echo', body: 'a=b+c', type: 'application/x-www-form-urlencoded;charset=UTF-8' });
  });

  it('follows a 303 as a GET by default, and returns it with redirect: manual', async () => {
    const send = fetchTrustingCa(caPem);
    const followed = await send(`${base}/redirect`, { method: 'POST', body: 'x' });
    expect(await followed.json()).toMatchObject({ method: 'GET', url: '/echo?from=redirect', body: '', type: null });
    const manual = await send(`${base}/redirect`, { redirect: 'manual' });
    expect(manual.status).toBe(303);
    expect(manual.headers.get('location')).toBe('/echo?from=redirect');
  });

  it('answers a 204 with no body, and fails as fetch does (TypeError, cause) on a certificate it does not trust', async () => {
    expect(await (await fetchTrustingCa(caPem)(`${base}/empty`)).text()).toBe('');
    const other = await ensureCa(tempHome());
    await expect(fetchTrustingCa(other.certPem)(`${base}/echo`)).rejects.toMatchObject({ name: 'TypeError', cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
  });
});
