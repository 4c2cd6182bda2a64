/**
 * Applications that pass the tenant schema but that oidc-provider refuses as
 * client metadata. Without an eager check they would surface only at their first
 * use (e.g. `invalid_redirect_uri` on the first /authorize); mock-idp refuses
 * them where the tenant comes in: at start-up (API and CLI) and in updateTenant().
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, TenantConfigError, type MockIdp, type TenantInput } from '../../mock-idp/index.js';
import { codeFlow, USERS } from '../helpers/oauth.js';
import { fixtureTenant, tenantWith } from './tenants.js';

type AppInput = NonNullable<TenantInput['applications']>[number];

/** A native app may use http only on a loopback host: oidc-provider refuses `http://example.com` (invalid_redirect_uri). */
const NATIVE_HTTP_CALLBACK: AppInput = { clientId: 'native-http', name: 'Native over http', appType: 'native', callbacks: ['http://example.com/callback'] };
/** A redirect URI must not carry a fragment (invalid_redirect_uri); the tenant schema lets it through as a URL. */
const FRAGMENT_CALLBACK: AppInput = { clientId: 'web-fragment', name: 'Web with a fragment', appType: 'regular_web', clientSecret: 'web-fragment-secret', callbacks: ['http://localhost:3000/callback#done'] };
/** The control: a native app on a loopback host is fine for oidc-provider. */
const NATIVE_LOOPBACK: AppInput = { clientId: 'native-loopback', name: 'Native on loopback', appType: 'native', callbacks: ['http://127.0.0.1:8765/callback'] };

/** The fixture's three applications, the good native app (index 3), then the two that oidc-provider refuses (4 and 5). */
const tenantWithBadApps = (): TenantInput =>
  tenantWith((apps) => {
    apps.push(NATIVE_LOOPBACK, NATIVE_HTTP_CALLBACK, FRAGMENT_CALLBACK);
  });
const BAD_PATHS = ['$.applications[4]', '$.applications[5]'];

async function rejection(promise: Promise<unknown>): Promise<TenantConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TenantConfigError);
  return error as TenantConfigError;
}

describe('startMockIdp() with an application oidc-provider refuses', () => {
  it('rejects with ERR_TENANT_INVALID and one problem per refused application, at $.applications[i]', async () => {
    const error = await rejection(startMockIdp({ port: 0, tenant: tenantWithBadApps() }));
    expect(error.code).toBe('ERR_TENANT_INVALID');
    expect(error.source).toBe('tenant object');
    expect(error.problems.map((p) => p.path)).toEqual(BAD_PATHS);
    for (const problem of error.problems) expect(problem.message).not.toBe('');
  });

  it('refuses a single native app with an http callback on a non-loopback host', async () => {
    const error = await rejection(startMockIdp({ port: 0, tenant: tenantWith((apps) => void apps.push(NATIVE_HTTP_CALLBACK)) }));
    expect(error.problems.map((p) => p.path)).toEqual(['$.applications[3]']);
  });

  it('starts with a native app whose http callback is on a loopback host (the check refuses only what oidc-provider refuses)', async () => {
    const idp = await startMockIdp({ port: 0, tenant: tenantWith((apps) => void apps.push(NATIVE_LOOPBACK)) });
    try {
      expect(idp.tenant.applications.map((a) => a.clientId)).toContain(NATIVE_LOOPBACK.clientId);
    } finally {
      await idp.close();
    }
  });
});

describe('mock-idp start (the built CLI) with an application oidc-provider refuses', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mock-idp-refused-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `mock-idp start` until it exits; should it serve instead ("Ready."), it is killed and `served` says so. */
  function runStart(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; served: boolean }> {
    const proc = spawn(process.execPath, [join(process.cwd(), 'dist', 'bin', 'mock-idp.mjs'), 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let served = false;
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (!served && stdout.includes('Ready.')) {
        served = true;
        proc.kill('SIGKILL');
      }
    });
    proc.stderr.on('data', (d: Buffer) => (stderr += d));
    return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr, served })));
  }

  it('exits with 1 before serving and prints both refused applications', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(tenantWithBadApps(), null, 2));
    const { code, stdout, stderr, served } = await runStart(['--config', file, '--port', '0']);
    expect(served).toBe(false);
    expect(stdout).not.toContain('Ready.');
    expect(code).toBe(1);
    for (const path of BAD_PATHS) expect(stderr).toContain(path);
    expect(stderr).not.toContain('$.applications[3]');
  });
});

describe('idp.updateTenant() adding an application oidc-provider refuses', () => {
  let idp: MockIdp;
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0 });
  });
  afterAll(() => idp.close());

  it('rejects with ERR_TENANT_INVALID at $.applications[i] and changes nothing: same tenant, old apps still log in, no tenant.updated event', async () => {
    const before = idp.tenant;
    const seq = idp.events().at(-1)?.seq ?? 0;
    const error = await rejection(
      idp.updateTenant((draft) => {
        // A good edit next to the bad app: it must not be applied either.
        draft.name = 'half-applied';
        draft.applications!.push(NATIVE_HTTP_CALLBACK);
      }),
    );
    expect(error.code).toBe('ERR_TENANT_INVALID');
    expect(error.problems.map((p) => p.path)).toEqual(['$.applications[3]']);

    expect(idp.tenant).toBe(before);
    expect(idp.tenant.name).toBe(fixtureTenant().name);
    expect(idp.events(seq).filter((e) => e.type === 'tenant.updated')).toEqual([]);

    const discovery = await fetch(`${idp.issuer}.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(idp.issuer);
    const { tokens } = await codeFlow(idp, USERS.alice);
    expect(tokens.status).toBe(200);
    expect(typeof tokens.body.access_token).toBe('string');
  });

  it('lists each refused application of one update, and a good update afterwards is applied', async () => {
    const error = await rejection(idp.updateTenant((draft) => void draft.applications!.push(NATIVE_LOOPBACK, NATIVE_HTTP_CALLBACK, FRAGMENT_CALLBACK)));
    expect(error.problems.map((p) => p.path)).toEqual(BAD_PATHS);
    expect(idp.tenant.applications).toHaveLength(3);

    const updated = await idp.updateTenant((draft) => void draft.applications!.push(NATIVE_LOOPBACK));
    expect(updated.applications.map((a) => a.clientId)).toContain(NATIVE_LOOPBACK.clientId);
    expect(idp.tenant).toBe(updated);
  });
});
