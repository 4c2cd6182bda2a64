/**
 * The build validates the shipped fixture (build.mjs writes `prevalidated-tenants.json` beside the built
 * tenant loader): a start from dist/ with the default tenant runs no zod, and gets the tenant the schema
 * gives; another text is validated as before. This reads the build `pretest` made (dist/), as the CLI
 * and the package do; from the sources nothing is prevalidated.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { parseTenant } from '../../mock-idp/core/tenant/load.js';

const DIST = join(PACKAGE_PATHS.root, 'dist', 'mock-idp', 'core', 'tenant');
type Load = typeof import('../../mock-idp/core/tenant/load.js');
type Schema = typeof import('../../mock-idp/core/tenant/schema.js');
const built = async () => ({
  load: (await import(join(DIST, 'load.js'))) as Load,
  schema: (await import(join(DIST, 'schema.js'))) as Schema,
});

const dir = mkdtempSync(join(tmpdir(), 'mock-idp-prevalidated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const fixtureText = readFileSync(PACKAGE_PATHS.defaultTenant, 'utf8');

describe('the shipped fixture, validated at build time', () => {
  it('loads the default tenant with no schema run, as the schema gives it', async () => {
    const { load, schema } = await built();
    const parse = vi.spyOn(schema.tenantSchema, 'safeParse');
    const copy = join(dir, 'fixture-copy.json');
    writeFileSync(copy, fixtureText);
    const tenant = load.loadTenantFile(copy);
    expect(parse).not.toHaveBeenCalled();
    expect(tenant).toEqual(parseTenant(JSON.parse(fixtureText)));
    tenant.users[0]!.name = 'changed by one mock';
    expect(load.loadTenantFile(PACKAGE_PATHS.defaultTenant).users[0]?.name).not.toBe('changed by one mock');
  });

  it('validates any other text, and reports its mistakes', async () => {
    const { load, schema } = await built();
    const parse = vi.spyOn(schema.tenantSchema, 'safeParse');
    const edited = JSON.parse(fixtureText) as { name: string; apis: Array<{ tokenLifetime: unknown }> };
    edited.name = 'edited';
    const file = join(dir, 'edited.json');
    writeFileSync(file, JSON.stringify(edited));
    expect(load.loadTenantFile(file).name).toBe('edited');
    expect(parse).toHaveBeenCalledTimes(1);
    edited.apis[0]!.tokenLifetime = 'a day';
    writeFileSync(file, JSON.stringify(edited));
    expect(() => load.loadTenantFile(file)).toThrow(load.TenantConfigError);
  });
});
