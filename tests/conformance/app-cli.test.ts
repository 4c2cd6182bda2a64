/**
 * `mock-idp conformance app ...` against a running mock (--issuer: the admin API and
 * the HTTP driver), and the login faults it plants: arguments, formats, exit codes,
 * and that a planted fault reaches only its own authorization.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceCommand } from '../../mock-idp/cli/conformance-command.js';
import { httpDriver, type AppConformanceReport } from '../../mock-idp/conformance/index.js';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { decodeJwt } from 'jose';
import { AppLogin } from '../../mock-idp/conformance/app/login.js';
import { startLoginApp, type RunningLoginApp } from '../fixtures/flawed-login-apps/base.js';
import { APP } from '../helpers/oauth.js';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runConformanceCommand(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

let idp: MockIdp;
let app: RunningLoginApp;
const outDir = mkdtempSync(join(tmpdir(), 'conformance-app-cli-'));

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  app = await startLoginApp({ issuer: idp.issuer, clientId: APP.clientId, clientSecret: APP.secret });
  await idp.updateTenant((t) => {
    t.applications = (t.applications ?? []).map((a) => (a.clientId === APP.clientId ? { ...a, callbacks: [`${app.url}/callback`], backchannelLogoutUri: `${app.url}/backchannel-logout` } : a));
  });
});
afterAll(async () => {
  await app.close();
  await idp.close();
});

const target = () => ['app', '--login-url', `${app.url}/login`, '--protected-url', `${app.url}/profile`, '--issuer', idp.issuer];

describe('mock-idp conformance app', () => {
  it.each([
    [['app', '--protected-url', 'http://x/p', '--client-id', 'c'], /--login-url is required/],
    [['app', '--login-url', 'http://x/l', '--protected-url', 'http://x/p'], /--client-id is required/],
    [['app', '--login-url', 'ftp://x/l', '--protected-url', 'http://x/p', '--client-id', 'c'], /--login-url must be an absolute http\(s\) URL, got "ftp:\/\/x\/l"/],
    [['app', '--login-url', 'http://x/l', '--protected-url', 'http://x/p', '--client-id', 'c', '--format', 'xml'], /--format must be one of text, json, junit/],
    [['app', '--login-url', 'http://x/l', '--protected-url', 'http://x/p', '--client-id', 'c', '--clientid', 'c'], /unknown option --clientid for "conformance app"; did you mean --client-id\?/],
  ])('exits 2 with one line for bad arguments: %j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs against a running mock (--issuer) and writes the JSON report with --out; exit 0 for a correct app, its keys left as found', async () => {
    const keysBefore = idp.keys();
    const out = join(outDir, 'report.json');
    const { code, stdout } = await run([...target(), '--client-id', APP.clientId, '--rotation-wait', '2.5', '--format', 'json', '--out', out]);
    const report = JSON.parse(readFileSync(out, 'utf8')) as AppConformanceReport;
    expect(code).toBe(0);
    expect(stdout).toBe(`${report.summary.passed} passed, 0 failed, 0 warnings, 3 skipped (report: ${out})\n`);
    // RP-24 over --issuer: the logout tokens forged by the running mock (POST /_mock/logout-tokens), each judged.
    expect(report.results.filter((r) => r.caseId === 'RP-24').map((r) => `${r.checkId} ${r.verdict}`)).toEqual([
      ...['alg-none', 'wrong-iss', 'wrong-aud', 'no-events', 'with-nonce'].map((f) => `RP-24-${f} PASS`),
      'RP-24-valid PASS',
    ]);
    expect(report.target).toMatchObject({ loginUrl: `${app.url}/login`, clientId: APP.clientId, issuer: idp.issuer, responseType: 'code' });
    expect(report.results[0]).toMatchObject({ caseId: 'RP-00', verdict: 'PASS' });
    expect(report.results.find((r) => r.checkId === 'RP-13')?.verdict).toBe('PASS');
    // RP-14 over --issuer: the unparseable key published through POST /_mock/keys/unparseable, and removed again.
    expect(report.results.find((r) => r.checkId === 'RP-14')?.verdict).toBe('PASS');
    expect(idp.keys()).toEqual(keysBefore);
    expect(((await (await fetch(idp.jwksUri)).json()) as { keys: unknown[] }).keys).toHaveLength(keysBefore.length);
  }, 40_000);

  it('stops after the baseline and names the cause when the client id is not the one the app uses (exit 1)', async () => {
    const { code, stdout } = await run([...target(), '--client-id', 'sample-spa']);
    expect(code).toBe(1);
    expect(stdout).toContain('MISCONFIGURED TARGET: the unfaulted login (RP-00)');
    expect(stdout).toContain('the app sends client_id "sample-app", not "sample-spa"');
    expect(stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 warnings, 0 skipped');
  });
});

describe('POST /_mock/login-faults', () => {
  const plant = (body: unknown) => fetch(`${idp.issuer}_mock/login-faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('refuses an unknown fault with 400 and an unknown application with 404', async () => {
    expect((await plant({ state: 's', clientId: APP.clientId, fault: 'RP-99' })).status).toBe(400);
    expect((await plant({ state: '', clientId: APP.clientId, fault: 'RP-04' })).status).toBe(400);
    expect((await plant({ state: 's', clientId: 'nobody', fault: 'RP-04' })).status).toBe(404);
  });

  it('over --issuer, a plan the mock refuses is reported with its status and error, not as an unreachable IdP', async () => {
    const driver = await httpDriver(idp.issuer);
    await expect(driver.planLoginFault({ state: 'x'.repeat(3000), clientId: APP.clientId, fault: 'RP-04' })).rejects.toMatchObject({ code: 'ERR_IDP_REFUSED', message: expect.stringMatching(/refused POST .*login-faults: 400 .*state/) });
    await expect(driver.planLoginFault({ state: 's', clientId: 'nobody', fault: 'RP-04' })).rejects.toMatchObject({ code: 'ERR_IDP_REFUSED', message: expect.stringMatching(/: 404 /) });
  });

  it('forges the ID token of the one authorization it is planted for, not of another login with the same state', async () => {
    const redirectUri = `${app.url}/callback`;
    const browserLogin = new AppLogin({ loginUrl: `${app.url}/login`, protectedUrl: `${app.url}/profile`, issuer: idp.issuer, user: 'alice@example.com' });
    // Two authorizations with the same state (express-openid-connect's may repeat): nonce and code_challenge tell them apart.
    const idTokenOf = async (fault?: 'RP-04') => {
      const verifier = randomBytes(32).toString('base64url');
      const nonce = randomBytes(8).toString('hex');
      const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
      const url = new URL(`${idp.issuer}authorize`);
      url.search = new URLSearchParams({ client_id: APP.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 'shared-state', nonce, code_challenge: codeChallenge, code_challenge_method: 'S256' }).toString();
      if (fault) expect((await plant({ state: 'shared-state', clientId: APP.clientId, nonce, codeChallenge, fault })).status).toBe(201);
      const callback = await browserLogin.authorize({ url, clientId: APP.clientId, redirectUri, state: 'shared-state', nonce, codeChallenge, responseType: 'code', codeChallengeMethod: 'S256' });
      const response = await fetch(`${idp.issuer}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.params.code ?? '', redirect_uri: redirectUri, client_id: APP.clientId, client_secret: APP.secret, code_verifier: verifier }),
      });
      return decodeJwt(((await response.json()) as { id_token: string }).id_token);
    };
    expect((await idTokenOf('RP-04')).iss).toBe('https://another-tenant.example.com/');
    expect((await idTokenOf()).iss).toBe(idp.issuer);
  });
});
