/** `mock-idp start --admin-token T [--allow-remote-admin] [--allowed-host NAME]` (the built CLI), and `npm start`'s MOCK_IDP_ADMIN_TOKEN and MOCK_IDP_ALLOWED_HOSTS. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-request.js';

const CLI = join(process.cwd(), 'dist', 'bin', 'mock-idp.mjs');
const STACK = join(process.cwd(), 'dist', 'stack', 'start.js');

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** Runs a script until it prints `ready` (resolves with its output) or exits (resolves with the exit code and output). */
async function launch(script: string, args: string[], ready: string, env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null | 'ready'>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes(ready)) resolve('ready');
    });
    proc.once('exit', (c) => resolve(c));
  });
  return { proc, code, stdout, stderr: () => stderr, issuer: /issuer\s+(\S+)/.exec(stdout)?.[1] };
}

/** The status of GET <path> on the mock at `issuer`, sent to 127.0.0.1 with this Host header (fetch cannot set Host). */
async function statusWithHost(issuer: string, path: string, host: string): Promise<number> {
  return (await rawRequest(Number(new URL(issuer).port), path, { headers: { host } })).status;
}

const nonLoopbackIpv4 = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

describe('mock-idp start and the admin API', () => {
  it('refuses --allow-remote-admin without --admin-token: exit 2 and one line naming both flags, nothing served', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--allow-remote-admin'], 'Ready.');
    expect(run.code).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--allow-remote-admin.*--admin-token/);
    expect(run.stdout).not.toContain('Ready.');
  });

  it('refuses --redis with --data-dir: exit 2 and one line naming both flags (the check startMockIdp makes)', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--redis', 'redis://127.0.0.1:1', '--data-dir', '/nonexistent'], 'Ready.');
    expect(run.code).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--redis.*--data-dir/);
  });

  it('refuses an empty --admin-token with exit 2', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--admin-token', ''], 'Ready.');
    expect(run.code).toBe(2);
    expect(run.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('guards the admin API with --admin-token: 401 without it, 200 with it', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--admin-token', 'cli-secret'], 'Ready.');
    expect(run.code).toBe('ready');
    expect((await fetch(`${run.issuer}_mock/health`)).status).toBe(401);
    expect((await fetch(`${run.issuer}_mock/health`, { headers: { authorization: 'Bearer cli-secret' } })).status).toBe(200);
  });

  it('lets another machine in with --allow-remote-admin and the token only', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--host', '0.0.0.0', '--admin-token', 'cli-secret', '--allow-remote-admin'], 'Ready.');
    expect(run.code).toBe('ready');
    const ip = nonLoopbackIpv4();
    const base = `http://${ip ?? '127.0.0.1'}:${new URL(run.issuer!).port}/_mock/health`;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(base, { headers: { authorization: 'Bearer cli-secret' } })).status).toBe(200);
  });
});

describe('mock-idp start --allowed-host', () => {
  it('answers the admin API and the device page under each name given, and still refuses any other (421)', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--allowed-host', 'mock-idp.test', '--allowed-host', 'Other.Test:8443'], 'Ready.');
    expect(run.code).toBe('ready');
    const port = new URL(run.issuer!).port;
    for (const path of ['/_mock/health', '/activate']) {
      for (const host of [`mock-idp.test:${port}`, 'other.test', `localhost:${port}`]) expect({ path, host, status: await statusWithHost(run.issuer!, path, host) }).toEqual({ path, host, status: 200 });
      expect(await statusWithHost(run.issuer!, path, `evil.example:${port}`)).toBe(421);
    }
  });

  it('refuses a value that is no host name with exit 2 and one line', async () => {
    const run = await launch(CLI, ['start', '--port', '0', '--allowed-host', 'no spaces'], 'Ready.');
    expect(run.code).toBe(2);
    expect(run.stderr().trim().split('\n')).toEqual([expect.stringContaining('--allowed-host')]);
  });
});

describe('npm start and MOCK_IDP_ADMIN_TOKEN, MOCK_IDP_ALLOWED_HOSTS', () => {
  const FREE_PORTS = { MOCK_IDP_PORT: '0', SAMPLE_API_PORT: '0', SAMPLE_APP_PORT: '0', SAMPLE_SPA_PORT: '0' };

  it("gives the stack's mock the admin token from MOCK_IDP_ADMIN_TOKEN", async () => {
    const run = await launch(STACK, [], 'Ctrl-C stops them all.', { ...FREE_PORTS, MOCK_IDP_ADMIN_TOKEN: 'stack-secret' });
    expect(run.code).toBe('ready');
    expect(run.stdout).toContain('MOCK_IDP_ADMIN_TOKEN');
    expect((await fetch(`${run.issuer}_mock/health`)).status).toBe(401);
    expect((await fetch(`${run.issuer}_mock/health`, { headers: { authorization: 'Bearer stack-secret' } })).status).toBe(200);
    run.proc.kill('SIGTERM');
    expect((await once(run.proc, 'exit'))[0]).toBe(0);
  });

  it('leaves the admin API without a token when MOCK_IDP_ADMIN_TOKEN is unset or empty, and answers to the names of MOCK_IDP_ALLOWED_HOSTS', async () => {
    const run = await launch(STACK, [], 'Ctrl-C stops them all.', { ...FREE_PORTS, MOCK_IDP_ADMIN_TOKEN: '', MOCK_IDP_ALLOWED_HOSTS: 'mock-idp.test, idp.internal' });
    expect(run.code).toBe('ready');
    expect((await fetch(`${run.issuer}_mock/health`)).status).toBe(200);
    for (const host of ['mock-idp.test', 'idp.internal:4000']) expect(await statusWithHost(run.issuer!, '/_mock/health', host)).toBe(200);
    expect(await statusWithHost(run.issuer!, '/_mock/health', 'evil.example')).toBe(421);
  });
});
