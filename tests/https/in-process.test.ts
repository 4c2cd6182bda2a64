/** startMockIdp({ https: true }): TLS on the same port, a certificate from the local TEST CA, and idp.ca. */
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTrustingCa, startMockIdp, TlsError, type MockIdp } from '../../mock-idp/index.js';
import { httpsGet, peerCertificate, tempHome } from './helpers.js';

const started: MockIdp[] = [];
afterEach(async () => void (await Promise.all(started.splice(0).map((idp) => idp.close()))));

async function start(options: Parameters<typeof startMockIdp>[0] & { https: true }) {
  const idp = await startMockIdp(options);
  started.push(idp);
  return idp;
}

describe('startMockIdp({ https: true })', () => {
  it('serves discovery over HTTPS, trusted with only its CA, with issuer https://localhost:<port>/', async () => {
    const home = tempHome();
    const idp = await start({ https: true, home });
    expect(idp.issuer).toBe(`https://localhost:${idp.port}/`);
    expect(idp.ca.certPath).toBe(join(home, 'ca', 'ca.pem'));
    expect(idp.ca.certPem).toBe(await readFile(idp.ca.certPath, 'utf8'));
    expect(new X509Certificate(idp.ca.certPem).ca).toBe(true);

    const answer = await httpsGet(`${idp.issuer}.well-known/openid-configuration`, idp.ca.certPem);
    expect(answer.status).toBe(200);
    const discovery = JSON.parse(answer.body) as Record<string, string>;
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}authorize`,
      token_endpoint: `${idp.issuer}oauth/token`,
      jwks_uri: `${idp.issuer}.well-known/jwks.json`,
    });
    // Over IPv4 as well as the name: the certificate covers 127.0.0.1.
    expect((await httpsGet(`https://127.0.0.1:${idp.port}/.well-known/jwks.json`, idp.ca.certPem)).status).toBe(200);
    // Plain HTTP on that port gets no answer an HTTP client can use.
    await expect(fetch(`http://localhost:${idp.port}/.well-known/jwks.json`)).rejects.toThrow();
  });

  it('is refused by a client that does not trust the CA', async () => {
    const idp = await start({ https: true, home: tempHome() });
    const other = await start({ https: true, home: tempHome() });
    await expect(fetch(`${idp.issuer}.well-known/jwks.json`)).rejects.toMatchObject({ cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    await expect(httpsGet(`${idp.issuer}.well-known/jwks.json`, other.ca.certPem)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('creates the CA once under the home and keeps it; every start issues a new server certificate', async () => {
    const home = tempHome();
    const first = await start({ https: true, home });
    const firstLeaf = await peerCertificate(first.port);
    await first.close();
    const second = await start({ https: true, home });
    expect(second.ca.certPem).toBe(first.ca.certPem);
    const secondLeaf = await peerCertificate(second.port);
    expect(secondLeaf.serialNumber).not.toBe(firstLeaf.serialNumber);
    expect(new X509Certificate(secondLeaf.raw).checkIssued(new X509Certificate(second.ca.certPem))).toBe(true);
  });

  it('covers localhost, 127.0.0.1, ::1, the tlsNames and the issuer host in the certificate', async () => {
    const idp = await start({ https: true, home: tempHome(), tlsNames: ['mock-idp', '10.0.0.7'], issuer: 'https://idp.example.test:4443/' });
    const names = (await peerCertificate(idp.port)).subjectaltname?.split(', ');
    expect(names).toEqual(expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'DNS:mock-idp', 'IP Address:10.0.0.7', 'DNS:idp.example.test']));
    // A client calling it by the extra name verifies it with the CA alone.
    const byName = await httpsGet(`https://127.0.0.1:${idp.port}/.well-known/jwks.json`, idp.ca.certPem, { servername: 'mock-idp', headers: { host: `mock-idp:${idp.port}` } });
    expect(byName.status).toBe(200);
  });

  it('signs tokens whose iss is the https issuer, verifiable against the https JWKS; its own headless login trusts its CA', async () => {
    const idp = await start({ https: true, home: tempHome() });
    const trusting = fetchTrustingCa(idp.ca.certPem);
    const jwks = (await (await trusting(idp.jwksUri)).json()) as JSONWebKeySet;
    const tokens = await idp.loginForTokens({ user: 'alice@example.com', audience: 'https://api.example.com' });
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), { issuer: idp.issuer, audience: 'https://api.example.com' });
    expect(payload).toMatchObject({ iss: idp.issuer, sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f1' });
    expect(payload.aud).toContain(`${idp.issuer}userinfo`);
  });

  it('sets its session cookies Secure over HTTPS', async () => {
    const idp = await start({ https: true, home: tempHome() });
    const params = new URLSearchParams({ client_id: 'sample-app', redirect_uri: 'http://localhost:3000/callback', response_type: 'code', scope: 'openid', nonce: 'n', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const answer = await httpsGet(`${idp.issuer}authorize?${params}`, idp.ca.certPem);
    expect(answer.status).toBe(303);
    const cookies = answer.headers['set-cookie'] ?? [];
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.toLowerCase()).toContain('; secure');
  });

  it('refuses a tlsName that is neither a DNS name nor an IP address, and a home it cannot write, with typed errors', async () => {
    const badName = startMockIdp({ https: true, home: tempHome(), tlsNames: ['not a name'] });
    await expect(badName).rejects.toBeInstanceOf(TlsError);
    await expect(badName).rejects.toMatchObject({ code: 'ERR_TLS_INVALID_NAME' });
    const file = join(tempHome(), 'a-file');
    await writeFile(file, 'not a directory');
    await expect(startMockIdp({ https: true, home: join(file, 'home') })).rejects.toMatchObject({ name: 'TlsError', code: 'ERR_TLS_HOME_UNUSABLE', message: expect.stringContaining('MOCK_IDP_HOME') });
  });

  it('reports a damaged CA instead of replacing it', async () => {
    const home = tempHome();
    const { ca } = await start({ https: true, home });
    await writeFile(ca.certPath, 'garbage');
    await expect(startMockIdp({ https: true, home })).rejects.toMatchObject({ name: 'TlsError', code: 'ERR_TLS_CA_CORRUPT' });
    expect(await readFile(ca.certPath, 'utf8')).toBe('garbage');
  });

  it('leaves idp.ca undefined and the issuer http:// without https', async () => {
    const idp = await startMockIdp({ port: 0 });
    started.push(idp);
    expect(idp.ca).toBeUndefined();
    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+\/$/);
  });
});
