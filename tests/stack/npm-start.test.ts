/** `npm start` (dist/stack/start.js): all four servers, wired, printed, stopped together. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const START = join(process.cwd(), 'dist', 'stack', 'start.js');
const FREE_PORTS = { MOCK_IDP_PORT: '0', SAMPLE_API_PORT: '0', SAMPLE_APP_PORT: '0', SAMPLE_SPA_PORT: '0' };

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

async function startStackProcess(env: Record<string, string>) {
  const proc = spawn(process.execPath, [START], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child = proc;
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d));
  const ready = await new Promise<boolean>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('Ctrl-C stops them all.')) resolve(true);
    });
    proc.once('exit', () => resolve(false));
  });
  const stackSection = out.slice(out.indexOf('Local stack:'));
  const url = (name: string) => new RegExp(`^  ${name}\\s+(http\\S+)`, 'm').exec(stackSection)?.[1];
  return { proc, ready, out, err: () => err, urls: { idp: url('mock-idp'), api: url('sample-api'), app: url('sample-app'), spa: url('sample-spa') } };
}

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
