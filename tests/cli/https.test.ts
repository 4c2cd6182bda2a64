/** `mock-idp start --https`, `mock-idp ca [--bundle]` (the built CLI), each run with MOCK_IDP_HOME in a temporary directory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startCli } from '../helpers/cli.js';
import { httpsGet, peerCertificate, tempHome } from '../https/helpers.js';

const CHILD = join(process.cwd(), 'tests', 'https', 'client-credentials-child.mjs');

/** Every process a test runs until it exits: killed after the test, also when it never exits by itself. */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const proc of running) proc.kill('SIGKILL');
  running.clear();
});

/** The environment of a run: MOCK_IDP_HOME set, no NODE_EXTRA_CA_CERTS inherited. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env;
  return { ...env, ...extra };
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  running.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = (await once(proc, 'exit')) as [number];
  running.delete(proc);
  return { code, stdout, stderr };
}

const cli = (args: string[], home: string) => run(process.execPath, [CLI, ...args], envWith({ MOCK_IDP_HOME: home }));

const startHttps = (home: string, args: string[] = [], https = true) => startCli([...(https ? ['--https'] : []), '--port', '0', ...args], envWith({ MOCK_IDP_HOME: home }));

describe('mock-idp ca', () => {
  it('prints only the path of the CA certificate, creating the CA once', async () => {
    const home = tempHome();
    const first = await cli(['ca'], home);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`${join(home, 'ca', 'ca.pem')}\n`);
    const cert = new X509Certificate(await readFile(first.stdout.trim()));
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('mock-idp TEST CA');
    const again = await cli(['ca'], home);
    expect(again.stdout).toBe(first.stdout);
    expect(new X509Certificate(await readFile(again.stdout.trim())).fingerprint256).toBe(cert.fingerprint256);
  });

  it('--bundle prints the path of a bundle of the system roots and the mock CA', async () => {
    const home = tempHome();
    const { code, stdout } = await cli(['ca', '--bundle'], home);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\S+\.pem\n$/);
    const bundle = await readFile(stdout.trim(), 'utf8');
    const ca = await readFile(join(home, 'ca', 'ca.pem'), 'utf8');
    expect(bundle).toContain(ca.trim());
    expect(bundle).toContain(rootCertificates[0]!.trim());
  });

  it('says why the CA cannot be kept, with exit 1, when MOCK_IDP_HOME is not a directory it can write', async () => {
    const file = join(tempHome(), 'a-file');
    await writeFile(file, 'x');
    const { code, stdout, stderr } = await cli(['ca'], join(file, 'home'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^mock-idp: the mock-idp CA cannot be created in .* \(ENOTDIR\): set MOCK_IDP_HOME to a directory you can write\n$/);
  });

  it('refuses an option of start, with exit 2', async () => {
    expect((await cli(['ca', '--https'], tempHome())).code).toBe(2);
  });
});

describe('mock-idp start --https', () => {
  it('serves discovery over TLS on the port, issuer https://localhost:<port>/, and prints the export line', async () => {
    const home = tempHome();
    const { issuer, out, port } = await startHttps(home);
    expect(issuer).toBe(`https://localhost:${port}/`);
    const caPath = join(home, 'ca', 'ca.pem');
    expect(out).toContain(`\n  export NODE_EXTRA_CA_CERTS=${caPath}\n`);
    const discovery = await httpsGet(`${issuer}.well-known/openid-configuration`, await readFile(caPath, 'utf8'));
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body)).toMatchObject({ issuer, token_endpoint: `${issuer}oauth/token`, jwks_uri: `${issuer}.well-known/jwks.json` });
    // `mock-idp ca` names the same CA the server's certificate comes from.
    expect((await cli(['ca'], home)).stdout.trim()).toBe(caPath);
  });

  it('lets a child node with only NODE_EXTRA_CA_CERTS=$(mock-idp ca) get a client-credentials token and verify it against the https JWKS', async () => {
    const home = tempHome();
    const { issuer } = await startHttps(home);
    const caPath = (await cli(['ca'], home)).stdout.trim();
    const trusted = await run(process.execPath, [CHILD, issuer], envWith({ NODE_EXTRA_CA_CERTS: caPath }));
    expect(trusted.stderr).toBe('');
    expect(JSON.parse(trusted.stdout)).toMatchObject({ iss: issuer, sub: 'orders-worker@clients', gty: 'client-credentials', aud: 'https://api.example.com' });
    // Without it, the same child fails on the certificate.
    const untrusted = await run(process.execPath, [CHILD, issuer], envWith({}));
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('lets `mock-idp token --issuer https://...` ask the running mock, trusting the CA of MOCK_IDP_HOME', async () => {
    const home = tempHome();
    const { issuer } = await startHttps(home);
    const { code, stdout, stderr } = await cli(['token', '--user', 'bob@example.com', '--audience', 'https://api.example.com', '--issuer', issuer], home);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const payload = JSON.parse(Buffer.from(stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: issuer, sub: 'auth0|65a1f0c2e4b0a1b2c3d4e5f2' });
  });

  it('adds each --tls-name to the certificate', async () => {
    const { port } = await startHttps(tempHome(), ['--tls-name', 'mock-idp', '--tls-name', 'idp.internal.test']);
    const names = (await peerCertificate(port)).subjectaltname?.split(', ');
    expect(names).toEqual(expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1', 'DNS:mock-idp', 'DNS:idp.internal.test']));
  });

  it('refuses a bad --tls-name and --tls-name without --https (exit 2), and a damaged CA (exit 1), each in one clear line', async () => {
    const home = tempHome();
    const bad = await cli(['start', '--https', '--port', '0', '--tls-name', 'no spaces'], home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tls-name: "no spaces" is neither a DNS name nor an IP address');
    const alone = await cli(['start', '--port', '0', '--tls-name', 'mock-idp'], home);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--tls-name names a certificate: it needs --https');

    await writeFile(join(home, 'ca', 'ca.pem'), 'damaged');
    const damaged = await cli(['start', '--https', '--port', '0'], home);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/^mock-idp: cannot serve HTTPS: the mock-idp CA in .* is unusable: .*remove .* to create a new CA/m);
  });

  // How long it takes is a benchmark figure (npm run bench), not a test: here, that the start reuses the CA.
  it('starts with the CA already made and keeps it (no new CA per start)', async () => {
    const home = tempHome();
    await cli(['ca'], home);
    const before = await readFile(join(home, 'ca', 'ca.pem'), 'utf8');
    const { out } = await startHttps(home);
    expect(out).toContain('https://localhost:');
    expect(await readFile(join(home, 'ca', 'ca.pem'), 'utf8')).toBe(before);
  });
});

describe('mock-idp start --trust-proxy', () => {
  it('builds endpoint URLs from X-Forwarded-Proto / X-Forwarded-Host, for a TLS terminator in front', async () => {
    const { port } = await startHttps(tempHome(), ['--trust-proxy', '--issuer', 'https://idp.example.test/'], false);
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'idp.example.test' };
    const discovery = (await (await fetch(`http://localhost:${port}/.well-known/openid-configuration`, { headers })).json()) as Record<string, string>;
    expect(discovery).toMatchObject({ issuer: 'https://idp.example.test/', token_endpoint: 'https://idp.example.test/oauth/token', authorization_endpoint: 'https://idp.example.test/authorize' });
  });
});
