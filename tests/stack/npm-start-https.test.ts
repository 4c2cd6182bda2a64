/**
 * `MOCK_IDP_HTTPS=1 npm start` (dist/stack/start.js): the mock on HTTPS, the samples pointed at it and
 * trusting its CA in their own process (sample-app's express-openid-connect through `customFetch`,
 * sample-api's jwks-rsa through `requestAgent`); a login through sample-app works end to end.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loginThroughApp } from '../../mock-idp/tools/headless/login.js';
import { startLocalStack } from '../../stack/local-stack.js';
import { USERS } from '../helpers/oauth.js';
import { tempHome } from '../https/helpers.js';
import { FREE_PORTS, startStackProcess } from '../helpers/stack-process.js';

describe('MOCK_IDP_HTTPS=1 npm start', () => {
  it('serves the mock over HTTPS and logs alice in through sample-app, whose API call validates her token against the https JWKS', async () => {
    const home = tempHome();
    const { proc, ready, out, urls, err } = await startStackProcess({ ...FREE_PORTS, MOCK_IDP_HTTPS: '1', MOCK_IDP_HOME: home });
    expect(ready, `${out}${err()}`).toBe(true);
    expect(urls.idp).toMatch(/^https:\/\/localhost:\d+\/$/);
    const caPath = join(home, 'ca', 'ca.pem');
    expect(out).toContain(`export NODE_EXTRA_CA_CERTS=${caPath}`);
    const ca = await readFile(caPath, 'utf8');

    // The SPA's configuration names the https domain.
    expect(await (await fetch(`${urls.spa}/config.json`)).json()).toMatchObject({ domain: urls.idp.replace(/\/$/, '') });

    const { browser, page } = await loginThroughApp(urls.app, USERS.alice, { path: '/profile', ca });
    expect(page.url).toBe(`${urls.app}/profile`);
    expect(JSON.parse(page.body)).toMatchObject({ email: 'alice@example.com' });
    expect(page.hops.some((hop) => hop.startsWith(`${urls.idp}interaction/`))).toBe(true);
    const orders = await browser.navigate(`${urls.app}/orders`);
    expect(orders.response.status).toBe(200);
    expect(orders.body).toContain('<h1>Orders</h1>');

    // The printed curl command works as printed (it names the CA with --cacert).
    const curl = out.slice(out.indexOf('TOKEN=$(curl'), out.indexOf('\n\nCtrl-C'));
    expect(curl).toContain(`--cacert ${caPath}`);
    const { stdout } = await promisify(execFile)('bash', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ orders: expect.any(Array), user: 'orders-worker@clients' });

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number];
    expect(code).toBe(0);
  });

  it('refuses a MOCK_IDP_HTTPS that is neither 1 nor 0, with exit 1', async () => {
    const { ready, proc, err } = await startStackProcess({ ...FREE_PORTS, MOCK_IDP_HTTPS: 'yes please', MOCK_IDP_HOME: tempHome() });
    expect(ready).toBe(false);
    expect(proc.exitCode).toBe(1);
    expect(err()).toContain('MOCK_IDP_HTTPS must be 1 or 0');
  });
});

describe('startLocalStack({ https: true }) in this process', () => {
  it('logs alice in through sample-app against the https mock', async () => {
    const stack = await startLocalStack({ https: true, home: tempHome(), ports: { idp: 0, api: 0, app: 0, spa: 0 } });
    try {
      expect(stack.idp.issuer).toMatch(/^https:/);
      const { browser, page } = await loginThroughApp(stack.app.url, USERS.bob, { path: '/profile', ca: stack.idp.ca!.certPem });
      expect(JSON.parse(page.body)).toMatchObject({ email: 'bob@example.com' });
      expect((await browser.navigate(`${stack.app.url}/orders`)).body).toContain('<h1>Orders</h1>');
    } finally {
      await stack.close();
    }
  });
});
