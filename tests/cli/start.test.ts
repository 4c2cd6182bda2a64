import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe as startBanner } from '../../mock-idp/cli/start-command.js';
import { parseTenant } from '../../mock-idp/index.js';
import { cli, startCli } from '../helpers/cli.js';
import { fixtureTenant } from '../mock-idp/tenants.js';

describe("mock-idp start's banner", () => {
  it("prints each application's and API's effective lifetimes, marking the tenant's own settings apart from the defaults", () => {
    const tenant = fixtureTenant();
    const app = tenant.applications!.find((a) => a.clientId === 'sample-app')!;
    app.idTokenLifetime = 600;
    app.refreshToken = { idleLifetime: 7200, reuseInterval: 30 };
    tenant.apis![0]!.tokenLifetime = 300;
    const out = startBanner('http://localhost:4000/', parseTenant(tenant), ['127.0.0.1:4000']);
    expect(out).toContain('  sample-app: ID token 10m · refresh token idle 2h, absolute 30d (default), rotating, reuse interval 30s');
    expect(out).toContain('  https://api.example.com: access token 5m');
    expect(out).toContain('  orders-worker (m2m): access tokens live as long as their API says');
    expect(out).toContain('  no audience (/userinfo only): access token 1d (default)');
  });
});

describe('mock-idp start (the built CLI)', () => {
  it('serves discovery with the trailing-slash issuer and Auth0 paths, and stops cleanly on SIGTERM', async () => {
    const { proc, issuer, out } = await startCli(['--port', '0']);
    expect(issuer).toMatch(/^http:\/\/localhost:\d+\/$/);
    expect(out).toContain('alice@example.com');
    expect(out).toContain(`${issuer}_mock/`);
    // The effective lifetimes, per application and API, with where each comes from.
    expect(out).toMatch(/^ {2}sample-spa: ID token 10h \(default\) · refresh token idle 15d \(default\), absolute 30d \(default\), rotating$/m);
    expect(out).toMatch(/^ {2}https:\/\/api\.example\.com: access token 1d \(default\)$/m);
    const discovery = (await (await fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth/token`,
      userinfo_endpoint: `${issuer}userinfo`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      revocation_endpoint: `${issuer}oauth/revoke`,
      end_session_endpoint: `${issuer}oidc/logout`,
    });

    const response = await fetch(`${issuer}oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'orders-worker-secret', audience: 'https://api.example.com' }),
    });
    const { access_token } = (await response.json()) as { access_token: string };
    const { payload, protectedHeader } = await jwtVerify(access_token, createRemoteJWKSet(new URL(discovery.jwks_uri!)), { issuer, audience: 'https://api.example.com', typ: 'JWT' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: 'orders-worker@clients', gty: 'client-credentials', azp: 'orders-worker', scope: 'read:orders', permissions: ['read:orders'] });

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number];
    expect(code).toBe(0);
  });

  it('answers on both 127.0.0.1 and ::1 (where the machine has IPv6) when bound to localhost', async () => {
    const { issuer } = await startCli(['--port', '0']);
    const port = new URL(issuer).port;
    expect((await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).status).toBe(200);
    const hasIpv6Loopback = Object.values(networkInterfaces()).flat().some((i) => i?.address === '::1');
    if (hasIpv6Loopback) expect((await fetch(`http://[::1]:${port}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('refuses a bad tenant file before listening, naming every wrong field, with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-cli-'));
    const file = join(dir, 'tenant.json');
    writeFileSync(file, JSON.stringify({ apis: [{ identifier: 'https://api', name: 'x', tokenLifetime: -1 }], users: [{ sub: 'bad', email: 'nope', password: 'p', name: 'n' }], typo: true }));
    const { code, stderr, stdout } = await cli('start', '--config', file, '--port', '0');
    expect(code).toBe(1);
    expect(stdout).not.toContain('Ready.');
    for (const path of ['$.typo', '$.apis[0].tokenLifetime', '$.users[0].sub', '$.users[0].email']) expect(stderr).toContain(path);
  });

  it('refuses to start on an action file with a syntax error, naming the file and line, with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-cli-'));
    writeFileSync(join(dir, 'broken.cjs'), 'exports.onExecutePostLogin = async () => {\n  const = 1;\n};\n');
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify({ actions: { postLogin: ['./broken.cjs'] } }));
    const { code, stderr, stdout } = await cli('start', '--config', join(dir, 'tenant.json'), '--port', '0');
    expect(code).toBe(1);
    expect(stdout).not.toContain('Ready.');
    expect(stderr).toContain('$.actions.postLogin[0]');
    expect(stderr).toContain(`${join(dir, 'broken.cjs')}:2`);
  });

  it('exits with 2 and one line naming the unknown option and the one meant', async () => {
    const { code, stderr } = await cli('start', '--prot', '4000');
    expect(code).toBe(2);
    expect(stderr).toBe('mock-idp: unknown option --prot for "start"; did you mean --port? (mock-idp --help)\n');
  });

  it('reports a port already in use by number, with exit code 1', async () => {
    const { issuer } = await startCli(['--port', '0']);
    const port = new URL(issuer).port;
    const second = await cli('start', '--port', port);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`port ${port}`);
  });
});
