/**
 * loadTenantFile validates a file's text once per process: many starts from one tenant file (a test
 * suite, the shipped fixture) skip the schema after the first, each getting its own copy; a file
 * whose text changed is validated again, its mistakes reported as before.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadTenantFile, TenantConfigError } from '../../mock-idp/index.js';
import { tenantSchema } from '../../mock-idp/core/tenant/schema.js';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mock-idp-tenant-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const fixtureText = readFileSync(PACKAGE_PATHS.defaultTenant, 'utf8');

describe('loadTenantFile of an unchanged file', () => {
  it('validates the text once and gives each caller its own copy', () => {
    const file = join(dir, 'same.json');
    writeFileSync(file, fixtureText);
    const parse = vi.spyOn(tenantSchema, 'safeParse');
    const first = loadTenantFile(file);
    const second = loadTenantFile(file);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    second.users[0]!.name = 'changed by one mock';
    expect(loadTenantFile(file).users[0]?.name).toBe(first.users[0]?.name);
  });

  it('validates an edited file again and reports its mistakes', () => {
    const file = join(dir, 'edited.json');
    writeFileSync(file, fixtureText);
    loadTenantFile(file);
    const tenant = JSON.parse(fixtureText) as { apis: Array<{ tokenLifetime: unknown }> };
    tenant.apis[0]!.tokenLifetime = 'a day';
    writeFileSync(file, JSON.stringify(tenant));
    const parse = vi.spyOn(tenantSchema, 'safeParse');
    expect(() => loadTenantFile(file)).toThrow(TenantConfigError);
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
