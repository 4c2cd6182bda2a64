import { readFileSync } from 'node:fs';
import type { TenantInput } from '../../mock-idp/index.js';

type AppInput = NonNullable<TenantInput['applications']>[number];

/** A fresh, mutable copy of fixtures/tenant.json, to change per test. */
export function fixtureTenant(): TenantInput {
  return JSON.parse(readFileSync(new URL('../../fixtures/tenant.json', import.meta.url), 'utf8')) as TenantInput;
}

/** The fixture tenant with one application's settings changed (or a new application added). */
export function tenantWith(change: (apps: AppInput[]) => void): TenantInput {
  const tenant = fixtureTenant();
  const apps = [...(tenant.applications ?? [])];
  change(apps);
  return { ...tenant, applications: apps };
}

/** The fixture application with this client id; throws if there is none. */
export function app(apps: AppInput[], clientId: string): AppInput {
  const found = apps.find((a) => a.clientId === clientId);
  if (!found) throw new Error(`no application ${clientId} in the fixture tenant`);
  return found;
}
