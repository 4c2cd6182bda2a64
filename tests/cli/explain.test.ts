/** `mock-idp explain` (the built CLI) against a running mock. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';

const CLI = join(process.cwd(), 'dist', 'bin', 'mock-idp.mjs');
const API = 'https://api.example.com';

let idp: MockIdp;
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
});
afterAll(() => idp.close());

async function run(args: string[], stdin?: string) {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d));
  proc.stderr.on('data', (d: Buffer) => (stderr += d));
  proc.stdin.end(stdin ?? '');
  const [code] = (await once(proc, 'exit')) as [number];
  return { code, stdout, stderr };
}

describe('mock-idp explain', () => {
  it('says Valid and exits 0 for a good token of the running mock', async () => {
    const { token } = await idp.mintToken({ user: 'alice@example.com', audience: API });
    const { code, stdout } = await run(['explain', token, '--issuer', idp.issuer, '--audience', API]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Valid: /);
    expect(stdout).toMatch(/signature\s+pass/);
    // The token's times as ISO times, with how long until it expires.
    expect(stdout).toMatch(/^ {2}exp {9}\d{4}-\d\d-\d\dT[\d:.]+Z {2}expires in (23h59m|1d)/m);
    expect(stdout).toMatch(/^ {2}iat {9}\d{4}-\d\d-\d\dT[\d:.]+Z {2}\d+s ago$/m);
  });

  it('says Refused, names the failed check with its jose code, and exits 1 for an expired token read from stdin', async () => {
    const { token } = await idp.mintToken({ user: 'alice@example.com', audience: API, fault: 'RS-13' });
    const { code, stdout } = await run(['explain', '-', '--issuer', idp.issuer, '--audience', API], `${token}\n`);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Refused: /);
    expect(stdout).toMatch(/expiry\s+FAIL\s+ERR_JWT_EXPIRED/);
  });

  it('prints the explanation as JSON with --json', async () => {
    const { token } = await idp.mintToken({ user: 'alice@example.com', audience: API });
    const { code, stdout } = await run(['explain', token, '--issuer', idp.issuer, '--audience', 'https://other.example', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ valid: false, checks: expect.arrayContaining([expect.objectContaining({ check: 'audience', status: 'fail' })]) });
  });

  it('exits 2 for an empty token or a stray option, and 1 naming the URL when no mock answers', async () => {
    expect((await run(['explain', '-', '--issuer', idp.issuer], '  ')).code).toBe(2);
    expect((await run(['explain', 'x.y.z', '--user', 'alice@example.com'])).code).toBe(2);
    const unreachable = await run(['explain', 'x.y.z', '--issuer', 'http://127.0.0.1:9/']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('http://127.0.0.1:9/_mock/explain');
  });
});
