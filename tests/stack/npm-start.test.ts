/** `npm start` (dist/stack/start.js): all four servers, wired, printed, stopped together. */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FREE_PORTS, startStackProcess } from '../helpers/stack-process.js';

describe('npm start', () => {
  it('serves sample-spa beside mock-idp, sample-api and sample-app, wired to each other, and stops them all on SIGTERM', async () => {
    const { proc, ready, urls, out } = await startStackProcess(FREE_PORTS);
    expect(ready, out).toBe(true);
    expect(urls.spa).toMatch(/^http:\/\/localhost:\d+$/);

    const config = (await (await fetch(`${urls.spa}/config.json`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ domain: urls.idp!.replace(/\/$/, ''), clientId: 'sample-spa', apiUrl: urls.api, useRefreshTokens: true });
    expect(await (await fetch(`${urls.spa}/`)).text()).toContain('<div id="root"></div>');

    // The API and the mock's token endpoint both accept the SPA's origin.
    const apiPreflight = await fetch(`${urls.api}/orders`, { method: 'OPTIONS', headers: { origin: urls.spa!, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(apiPreflight.headers.get('access-control-allow-origin')).toBe(urls.spa);
    const tokenPreflight = await fetch(`${urls.idp}oauth/token`, { method: 'OPTIONS', headers: { origin: urls.spa!, 'access-control-request-method': 'POST' } });
    expect(tokenPreflight.headers.get('access-control-allow-origin')).toBe(urls.spa);

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number];
    expect(code).toBe(0);
    await expect(fetch(`${urls.spa}/`)).rejects.toThrow();
  });

  it('names a bad port variable and exits 1 without leaving anything listening', async () => {
    const { ready, proc, err } = await startStackProcess({ ...FREE_PORTS, SAMPLE_SPA_PORT: 'abc' });
    expect(ready).toBe(false);
    expect(proc.exitCode).toBe(1);
    expect(err()).toContain('SAMPLE_SPA_PORT');
  });
});
