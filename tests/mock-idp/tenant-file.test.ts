import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, loadTenantFile, parseTenant, startMockIdp, TenantConfigError, type TenantInput } from '../../mock-idp/index.js';
import { fixtureTenant } from './tenants.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mock-idp-tenant-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTenant(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The fixture tenant with five unrelated mistakes, in different places and of different kinds. */
function badTenant(): unknown {
  const tenant = fixtureTenant() as Record<string, any>;
  const [app] = tenant.applications;
  app.callbaks = app.callbacks; // a typo in a key
  delete app.clientSecret; // a regular_web application needs its secret
  tenant.apis[0].tokenLifetime = '86400'; // wrong type
  tenant.users[0].email = 'alice-at-example.com'; // not an email
  tenant.users[1].roles = ['viewer', 'superuser']; // no such role
  return tenant;
}

const EXPECTED_PATHS = [
  '$.applications[0].callbaks',
  '$.applications[0].clientSecret',
  '$.apis[0].tokenLifetime',
  '$.users[0].email',
  '$.users[1].roles[1]',
];

function caught(fn: () => unknown): TenantConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TenantConfigError);
    return error as TenantConfigError;
  }
  throw new Error('expected a TenantConfigError');
}

describe('tenant files', () => {
  it('accepts the shipped fixture and fills in the defaults', () => {
    const tenant = loadTenantFile(fileURLToPath(new URL('../../fixtures/tenant.json', import.meta.url)));
    expect(tenant.applications.map((a) => a.clientId)).toEqual(['sample-app', 'sample-spa', 'orders-worker']);
    const spa = tenant.applications[1]!;
    expect(spa.firstParty).toBe(true);
    expect(spa.idTokenLifetime).toBe(DEFAULTS.idTokenLifetime);
    expect(spa.refreshToken.absoluteLifetime).toBe(DEFAULTS.refreshTokenAbsoluteLifetime);
    expect(tenant.users[1]!.blocked).toBe(false);
  });

  it('lists every problem of a bad tenant at once, each with its JSON path (ERR_TENANT_INVALID)', () => {
    const error = caught(() => parseTenant(badTenant(), 'bad tenant'));
    expect(error.code).toBe('ERR_TENANT_INVALID');
    expect(error.source).toBe('bad tenant');
    expect(error.problems.map((p) => p.path).sort()).toEqual([...EXPECTED_PATHS].sort());
    for (const problem of error.problems) expect(problem.message).not.toBe('');
    // The message names every path, so a CLI user sees them all.
    for (const path of EXPECTED_PATHS) expect(error.message).toContain(path);
  });

  it('reports the same problems for the same tenant read from a file', () => {
    const file = writeTenant('bad.json', JSON.stringify(badTenant(), null, 2));
    const error = caught(() => loadTenantFile(file));
    expect(error.source).toBe(file);
    expect(error.problems.map((p) => p.path).sort()).toEqual([...EXPECTED_PATHS].sort());
  });

  it('reports a file that is not JSON as one problem at $', () => {
    const file = writeTenant('broken.json', '{ "applications": [ }');
    const error = caught(() => loadTenantFile(file));
    expect(error.code).toBe('ERR_TENANT_INVALID');
    expect(error.problems).toEqual([{ path: '$', message: expect.stringContaining('JSON') }]);
  });

  it('reports a missing file as one problem at $', () => {
    const error = caught(() => loadTenantFile(join(dir, 'no-such-file.json')));
    expect(error.problems).toEqual([{ path: '$', message: expect.stringContaining('ENOENT') }]);
  });

  it('reports duplicates and cross-references: duplicate client id, unknown API in a client grant, unknown permission of a role', () => {
    const tenant = fixtureTenant() as Record<string, any>;
    tenant.applications[2].clientId = 'sample-app';
    tenant.applications[2].clientGrants = [{ audience: 'https://nope.example.com', permissions: ['read:orders'] }];
    tenant.roles[1].permissions['https://api.example.com'] = ['read:orders', 'delete:orders'];
    const error = caught(() => parseTenant(tenant));
    expect(error.problems.map((p) => p.path).sort()).toEqual([
      '$.applications[2].clientGrants[0].audience',
      '$.applications[2].clientId',
      '$.roles[1].permissions["https://api.example.com"][1]',
    ]);
  });

  it('reports malformed structure without crashing: a tenant that is not an object, lists that are not lists', () => {
    expect(caught(() => parseTenant('tenant')).problems.map((p) => p.path)).toEqual(['$']);
    expect(caught(() => parseTenant({ users: {}, applications: [5] })).problems.map((p) => p.path)).toEqual(['$.users', '$.applications[0]']);
  });

  it('refuses reserved claim names in custom claims', () => {
    const tenant = fixtureTenant() as Record<string, any>;
    tenant.users[0].claims = { permissions: ['all'], 'https://example.com/ok': 1 };
    const error = caught(() => parseTenant(tenant));
    expect(error.problems.map((p) => p.path)).toEqual(['$.users[0].claims.permissions']);
  });

  it('startMockIdp({ tenant: badObject }) rejects with the problems before it listens', async () => {
    // Hold a port: had startMockIdp tried to listen first, it would fail with ERR_PORT_IN_USE instead.
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const error = await startMockIdp({ port, tenant: badTenant() as TenantInput }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TenantConfigError);
      expect((error as TenantConfigError).problems.map((p) => p.path).sort()).toEqual([...EXPECTED_PATHS].sort());
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('startMockIdp({ tenant: path }) rejects a file that is not JSON', async () => {
    const file = writeTenant('broken-start.json', 'not json');
    await expect(startMockIdp({ port: 0, tenant: file })).rejects.toMatchObject({ code: 'ERR_TENANT_INVALID', problems: [{ path: '$' }] });
  });
});
