/** sample-spa's server half: its environment variables, /config.json, and the built SPA it serves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createSpaApp } from '../../sample-spa/app.js';
import { domainOf, loadSpaConfig, SPA_DEFAULTS } from '../../sample-spa/config.js';
import { startSpa } from '../../sample-spa/server.js';

describe('loadSpaConfig', () => {
  it("defaults to the local mock as domain, the fixture's sample-spa client, the Orders API and port 5173", () => {
    expect(loadSpaConfig({})).toEqual({
      domain: 'http://localhost:4000',
      clientId: 'sample-spa',
      audience: 'https://api.example.com',
      scope: 'openid profile email read:orders write:orders',
      apiUrl: 'http://localhost:3001',
      useRefreshTokens: true,
      port: 5173,
      host: 'localhost',
    });
  });

  it('reads every variable and drops trailing slashes from URLs', () => {
    expect(
      loadSpaConfig({
        AUTH0_DOMAIN: 'https://tenant.auth0.com/',
        CLIENT_ID: 'abc',
        AUDIENCE: 'urn:orders',
        SCOPE: 'openid',
        API_URL: 'http://127.0.0.1:9/',
        USE_REFRESH_TOKENS: 'false',
        PORT: '0',
        HOST: '127.0.0.1',
      }),
    ).toEqual({ domain: 'https://tenant.auth0.com', clientId: 'abc', audience: 'urn:orders', scope: 'openid', apiUrl: 'http://127.0.0.1:9', useRefreshTokens: false, port: 0, host: '127.0.0.1' });
  });

  it('refuses a bad URL, flag or port with a message naming the variable', () => {
    expect(() => loadSpaConfig({ AUTH0_DOMAIN: 'tenant.auth0.com' })).toThrow(/AUTH0_DOMAIN/);
    expect(() => loadSpaConfig({ API_URL: 'ftp://x' })).toThrow(/API_URL/);
    expect(() => loadSpaConfig({ USE_REFRESH_TOKENS: 'yes' })).toThrow(/USE_REFRESH_TOKENS/);
    expect(() => loadSpaConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it("turns an issuer into Auth0Provider's domain (auth0-spa-js adds the slash back to check iss)", () => {
    expect(domainOf('http://localhost:4000/')).toBe('http://localhost:4000');
  });
});

describe('the sample-spa server', () => {
  const config = { ...SPA_DEFAULTS, port: 0, apiUrl: 'http://localhost:3999', useRefreshTokens: false };

  it('serves the browser half of the configuration at /config.json, never cached', async () => {
    const res = await request(createSpaApp(config)).get('/config.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ domain: 'http://localhost:4000', clientId: 'sample-spa', audience: 'https://api.example.com', scope: SPA_DEFAULTS.scope, apiUrl: 'http://localhost:3999', useRefreshTokens: false });
  });

  it('serves the built SPA at / and for the ?code=&state= callback', async () => {
    for (const path of ['/', '/?code=abc&state=xyz', '/some/client/route']) {
      const res = await request(createSpaApp(config)).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<div id="root"></div>');
      expect(res.text).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    }
  });

  it('refuses to start unbuilt, saying to run the build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'spa-unbuilt-'));
    try {
      expect(() => createSpaApp(config, empty)).toThrow(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('listens on port 0 on loopback and closes', async () => {
    const spa = await startSpa(config);
    try {
      expect(spa.url).toBe(`http://localhost:${spa.port}`);
      expect((await fetch(`${spa.url}/config.json`)).status).toBe(200);
    } finally {
      await spa.close();
    }
  });
});
