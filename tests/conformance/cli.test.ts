/** `mock-idp conformance api ...`: arguments, output formats, exit codes. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { runConformanceCommand } from '../../mock-idp/cli/conformance-command.js';
import type { ConformanceReport } from '../../mock-idp/conformance/index.js';
import { FLAWS, startProtectedApi } from '../fixtures/flawed-apis/index.js';
import { API, PERMISSION, freePort, withIdp } from './helpers.js';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runConformanceCommand(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const FAST = ['--rotation-wait', '2.5', '--jwks-cooldown', '1', '--timeout', '2'];
const outDir = mkdtempSync(join(tmpdir(), 'conformance-cli-'));

describe('arguments', () => {
  it('prints the usage with --help and exits 0', async () => {
    const { code, stdout } = await run(['api', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/mock-idp conformance api --url URL --audience API --permission PERM/);
  });

  it.each([
    [['api', '--audience', API, '--permission', PERMISSION], /--url is required/],
    [['api', '--url', 'http://127.0.0.1:1/orders', '--permission', PERMISSION], /--audience is required/],
    [['api', '--url', 'http://127.0.0.1:1/orders', '--audience', API], /--permission is required/],
    [['api', '--url', 'ftp://x/orders', '--audience', API, '--permission', PERMISSION], /--url must be an absolute http\(s\) URL, got "ftp:\/\/x\/orders"/],
    [['api', '--url', 'http://x/', '--audience', API, '--permission', PERMISSION, '--format', 'xml'], /--format must be one of text, json, junit/],
    [['api', '--url', 'http://x/', '--audience', API, '--permission', PERMISSION, '--token-dialect', 'jwt'], /--token-dialect must be one of access_token, access_token_authz, rfc9068_profile, rfc9068_profile_authz/],
    [['api', '--url', 'http://x/', '--audience', API, '--permission', PERMISSION, '--rotation-wait', 'soon'], /--rotation-wait must be a number of seconds/],
    [['api', '--url', 'http://x/', '--audience', API, '--permission', PERMISSION, '--issuer', 'http://localhost:4000/', '--port', '4001'], /--port starts a mock-idp/],
    [['api', '--url', 'http://x/', '--audience', API, '--permission', PERMISSION, '--verbose'], /unknown option --verbose for "conformance api" \(mock-idp conformance --help\)$/m],
    [['web', '--url', 'http://x/'], /unknown conformance target "web"/],
  ])('exits 2 with a one-line message for bad arguments: %j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^mock-idp conformance: [^\n]+ \(mock-idp conformance --help\)\n$/);
  });
});

describe('unreachable targets', () => {
  it('exits 2 naming the API when nothing listens at --url', async () => {
    await withIdp(async (idp) => {
      const port = await freePort();
      const { code, stderr } = await run(['api', '--url', `http://127.0.0.1:${port}/orders`, '--audience', API, '--permission', PERMISSION, '--issuer', idp.issuer]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`the API at http://127\\.0\\.0\\.1:${port}/orders is unreachable: connection dropped \\(ECONNREFUSED\\)`));
    });
  });

  it('exits 2 naming the IdP when no mock-idp answers at --issuer', async () => {
    const port = await freePort();
    const { code, stderr } = await run(['api', '--url', 'http://127.0.0.1:1/orders', '--audience', API, '--permission', PERMISSION, '--issuer', `http://127.0.0.1:${port}/`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`cannot reach the mock-idp at http://127\\.0\\.0\\.1:${port}/_mock/health`));
  });
});

describe('runs', () => {
  it('drives a running mock-idp over its admin API (--issuer), writes a JSON report with --out and leaves the mock\'s keys as it found them', async () => {
    await withIdp(async (idp) => {
      // A next key pending, as Auth0 publishes one ahead of a rotation: it leaves the JWKS for the run and comes back.
      await idp.publishNextKey();
      const keysBefore = idp.keys();
      const jwksBefore = await (await fetch(idp.jwksUri)).json();
      const api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION });
      try {
        const out = join(outDir, 'report.json');
        const { code, stdout, stderr } = await run(['api', '--url', `${api.url}/orders`, '--audience', API, '--permission', PERMISSION, '--issuer', idp.issuer, '--token-dialect', 'rfc9068_profile_authz', '--format', 'json', '--out', out, ...FAST]);
        const report = JSON.parse(readFileSync(out, 'utf8')) as ConformanceReport;
        expect(code).toBe(0);
        // It says before and after that it changes the keys of a mock other apps trust, and that they are back.
        const notes = stderr.trim().split('\n');
        expect(notes).toEqual([`mock-idp conformance: the run rotates the signing key of the mock-idp at ${idp.issuer} (RS-34, RS-35) and puts its keys back at the end`, `mock-idp conformance: the keys of the mock-idp at ${idp.issuer} are back as they were`]);
        expect(report.keysRestored).toBe(true);
        expect(stdout).toBe(`${report.summary.passed} passed, 0 failed, 0 warnings, 0 skipped (report: ${out})\n`);
        expect(report.target).toMatchObject({ issuer: idp.issuer, audience: API, permissions: [PERMISSION] });
        expect(report.results.every((r) => r.verdict === 'PASS')).toBe(true);
        // the run rotated the mock's keys through its admin API, then put the same ring back: same keys, same signing key, same pending next key
        expect(idp.events().map((e) => e.type)).toEqual(expect.arrayContaining(['keys.rotated', 'keys.retired', 'keys.restored']));
        expect(idp.keys()).toEqual(keysBefore);
        expect(await (await fetch(idp.jwksUri)).json()).toEqual(jwksBefore);
        expect((await idp.mintToken({ client: 'orders-worker', audience: API })).token).toSatisfy((t: string) => decodeProtectedHeader(t).kid === keysBefore[0]!.kid);
      } finally {
        await api.close();
      }
    });
  }, 30_000);

  it('exits 1 and reports the failed MUST case as a JUnit failure', async () => {
    await withIdp(async (idp) => {
      const api = await startProtectedApi({ issuer: idp.issuer, audience: API, permission: PERMISSION }, FLAWS['401 where 403 is due']);
      try {
        const { code, stdout } = await run(['api', '--url', `${api.url}/orders`, '--audience', API, '--permission', PERMISSION, '--issuer', idp.issuer, '--token-dialect', 'rfc9068_profile_authz', '--format', 'junit', ...FAST]);
        expect(code).toBe(1);
        expect(stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="mock-idp conformance" tests="60" failures="1" errors="0" skipped="0"/);
        expect(stdout).toMatch(/<testcase classname="mock-idp\.conformance\.RS-39" name="RS-39 Valid token without the permission" time="[\d.]+">\n.*\n\s*<failure type="MUST" message="401 where 403 is due/);
      } finally {
        await api.close();
      }
    });
  }, 30_000);

  it('starts its own mock-idp on --port and prints the table with the summary as the last line', async () => {
    const port = await freePort();
    // the API under test is configured for the issuer the command is about to start
    const api = await startProtectedApi({ issuer: `http://localhost:${port}/`, audience: API, permission: PERMISSION });
    try {
      const { code, stdout } = await run(['api', '--url', `${api.url}/orders`, '--audience', API, '--permission', PERMISSION, '--port', String(port), '--token-dialect', 'rfc9068_profile_authz', ...FAST]);
      const lines = stdout.trimEnd().split('\n');
      expect(code).toBe(0);
      expect(lines[0]).toBe(`mock-idp conformance: GET ${api.url}/orders`);
      expect(lines[3]).toMatch(/^id\s+sent\s+expected\s+got\s+verdict\s+reference$/);
      expect(lines[5]).toMatch(/^RS-40\s+good token with the permission\s+200\s+200\s+PASS/);
      expect(lines.at(-1)).toBe('60 passed, 0 failed, 0 warnings, 0 skipped');
    } finally {
      await api.close();
    }
  }, 30_000);
});
