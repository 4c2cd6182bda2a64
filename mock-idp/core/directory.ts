import { DEFAULTS } from './tenant/defaults.js';
import type { Api, Application, Tenant, User } from './tenant/schema.js';

/** A person who can sign in: a database user or the simulated user of a social connection. */
export interface Person {
  sub: string;
  email: string;
  name: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  nickname?: string | undefined;
  picture?: string | undefined;
  emailVerified: boolean;
  roles: string[];
  claims: Record<string, unknown>;
  connection: string;
  blocked: boolean;
}

function fromUser(user: User, connection: string): Person {
  return { ...user, connection };
}

/**
 * Read access to the tenant as it is now: users, roles, APIs and applications.
 * Everything the provider asks about the tenant goes through here, so a tenant
 * changed at run time is seen by the next request.
 */
export class Directory {
  #tenant: Tenant;
  /** Everyone who can sign in, built once per tenant (token issuance looks people up on every request). */
  #people: readonly Person[] | undefined;

  constructor(tenant: Tenant) {
    this.#tenant = tenant;
  }

  get tenant(): Tenant {
    return this.#tenant;
  }

  set tenant(tenant: Tenant) {
    this.#tenant = tenant;
    this.#people = undefined;
  }

  people(): readonly Person[] {
    this.#people ??= [
      ...this.tenant.users.map((u) => fromUser(u, DEFAULTS.databaseConnection)),
      ...this.tenant.socialConnections
        .filter((c) => c.enabled)
        .map((c) => ({ ...c.user, blocked: false, connection: c.name })),
    ];
    return this.#people;
  }

  person(sub: string): Person | undefined {
    return this.people().find((p) => p.sub === sub);
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    return this.tenant.users.find((u) => u.email.toLowerCase() === wanted);
  }

  api(audience: string): Api | undefined {
    return this.tenant.apis.find((a) => a.identifier === audience);
  }

  application(clientId: string): Application | undefined {
    return this.tenant.applications.find((a) => a.clientId === clientId);
  }

  /** Auth0 RBAC: the union of the permissions of the person's roles for one API. */
  permissionsOf(sub: string, audience: string): string[] {
    const person = this.person(sub);
    if (!person) return [];
    const granted = new Set<string>();
    for (const roleName of person.roles) {
      const role = this.tenant.roles.find((r) => r.name === roleName);
      for (const p of role?.permissions[audience] ?? []) granted.add(p);
    }
    return [...granted];
  }

  /** Machine-to-machine: the permissions an application's client grant gives it for one API. */
  clientGrantOf(clientId: string, audience: string): string[] | undefined {
    return this.application(clientId)?.clientGrants.find((g) => g.audience === audience)?.permissions;
  }
}
