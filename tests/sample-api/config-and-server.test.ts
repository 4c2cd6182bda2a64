/** loadApiConfig's environment variables and startApi's listening behaviour. */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../sample-api/config.js';
import { startApi } from '../../sample-api/server.js';

describe('loadApiConfig', () => {
  it("defaults to the local IdP's issuer with its trailing slash and Auth0's JWKS path", () => {
    expect(loadApiConfig({})).toEqual({
      issuer: 'http://localhost:4000/',
      audience: 'https://api.example.com',
      jwksUri: 'http://localhost:4000/.well-known/jwks.json',
      port: 3001,
      host: 'localhost',
      clockTolerance: 5,
      jwksCacheMaxAge: 600_000,
      corsOrigins: ['http://localhost:5173'],
      tokenProfile: 'auth0',
    });
  });

  it('keeps ISSUER_BASE_URL exactly as given for the iss comparison, and still builds a valid JWKS URL', () => {
    const config = loadApiConfig({ ISSUER_BASE_URL: 'https://tenant.auth0.com' });
    expect(config.issuer).toBe('https://tenant.auth0.com');
    expect(config.jwksUri).toBe('https://tenant.auth0.com/.well-known/jwks.json');
  });

  it('reads every variable', () => {
    const config = loadApiConfig({
      ISSUER_BASE_URL: 'http://127.0.0.1:9/',
      AUDIENCE: 'urn:orders',
      JWKS_URI: 'http://127.0.0.1:9/keys',
      PORT: '0',
      HOST: '0.0.0.0',
      CLOCK_TOLERANCE: '0',
      JWKS_CACHE_MAX_AGE_MS: '1000',
      CORS_ORIGINS: 'http://localhost:8080, https://spa.example.com/',
      TOKEN_PROFILE: 'rfc9068',
    });
    expect(config).toEqual({
      issuer: 'http://127.0.0.1:9/',
      audience: 'urn:orders',
      jwksUri: 'http://127.0.0.1:9/keys',
      port: 0,
      host: '0.0.0.0',
      clockTolerance: 0,
      jwksCacheMaxAge: 1000,
      corsOrigins: ['http://localhost:8080', 'https://spa.example.com'],
      tokenProfile: 'rfc9068',
    });
  });

  it('refuses an invalid PORT, a non-URL issuer, or a negative tolerance with a message naming the variable', () => {
    expect(() => loadApiConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadApiConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadApiConfig({ ISSUER_BASE_URL: 'tenant.auth0.com' })).toThrow(/ISSUER_BASE_URL/);
    expect(() => loadApiConfig({ CLOCK_TOLERANCE: '-1' })).toThrow(/CLOCK_TOLERANCE/);
    expect(() => loadApiConfig({ CORS_ORIGINS: 'localhost:5173' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadApiConfig({ TOKEN_PROFILE: 'at+jwt' })).toThrow(/TOKEN_PROFILE must be auth0 or rfc9068/);
    expect(() => loadApiConfig({ CORS_ORIGINS: 'http://localhost:5173/app' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('startApi', () => {
  it('listens on port 0 on 127.0.0.1 for localhost, reports the real port, and closes', async () => {
    const api = await startApi({ ...loadApiConfig({}), port: 0 });
    try {
      expect(api.port).toBeGreaterThan(0);
      expect(api.url).toBe(`http://localhost:${api.port}`);
      const res = await fetch(`${api.url}/health`);
      expect(res.status).toBe(200);
    } finally {
      await api.close();
    }
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  });

  it('rejects with an error naming the port when it is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startApi({ ...loadApiConfig({}), port })).rejects.toThrow(new RegExp(`port ${port}.*in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
