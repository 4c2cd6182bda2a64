import { DEFAULTS } from './tenant/defaults.js';
import type { Api, Application, Role, Tenant, User } from './tenant/schema.js';

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

const byKey = <T>(items: readonly T[], key: (item: T) => string) => new Map(items.map((item) => [key(item), item]));

/**
 * One tenant, read-only, indexed once: users, roles, APIs and applications.
 * A tenant changed at run time is a new Directory (see MockState), so whatever
 * was built from the old one (the oidc-provider instance) is rebuilt with it.
 */
export class Directory {
  readonly #everyone: readonly Person[];
  readonly #people: Map<string, Person>;
  readonly #peopleByEmail: Map<string, Person>;
  readonly #usersBySub: Map<string, User>;
  readonly #usersByEmail: Map<string, User>;
  readonly #apis: Map<string, Api>;
  readonly #applications: Map<string, Application>;
  readonly #roles: Map<string, Role>;

  constructor(readonly tenant: Tenant) {
    const people: Person[] = [
      ...tenant.users.map((u) => ({ ...u, connection: DEFAULTS.databaseConnection })),
      ...tenant.socialConnections.filter((c) => c.enabled).flatMap((c) => [c.user, ...c.users].map((u) => ({ ...u, blocked: false, connection: c.name }))),
    ];
    this.#everyone = people;
    this.#people = byKey(people, (p) => p.sub);
    // Database users first: an email shared with a social user names the database user (as a lookup by email did).
    this.#peopleByEmail = byKey([...people].reverse(), (p) => p.email.toLowerCase());
    this.#usersBySub = byKey(tenant.users, (u) => u.sub);
    this.#usersByEmail = byKey(tenant.users, (u) => u.email.toLowerCase());
    this.#apis = byKey(tenant.apis, (a) => a.identifier);
    this.#applications = byKey(tenant.applications, (a) => a.clientId);
    this.#roles = byKey(tenant.roles, (r) => r.name);
  }

  people(): readonly Person[] {
    return this.#everyone;
  }

  person(sub: string): Person | undefined {
    return this.#people.get(sub);
  }

  userByEmail(email: string): User | undefined {
    return this.#usersByEmail.get(email.trim().toLowerCase());
  }

  /** A database user by `sub` or email (case-insensitive). */
  findUser(id: string): User | undefined {
    return this.#usersBySub.get(id) ?? this.userByEmail(id);
  }

  /** A person (database or social) by `sub` or email. */
  findPerson(id: string): Person | undefined {
    return this.#people.get(id) ?? this.#peopleByEmail.get(id.trim().toLowerCase());
  }

  api(audience: string): Api | undefined {
    return this.#apis.get(audience);
  }

  application(clientId: string): Application | undefined {
    return this.#applications.get(clientId);
  }

  /** The first interactive application: the default `azp` / ID-token audience of minted tokens and headless logins. */
  defaultApplication(): Application | undefined {
    return this.tenant.applications.find((a) => a.appType !== 'm2m');
  }

  /** Auth0 RBAC: the union of the permissions of the person's roles for one API. */
  permissionsOf(sub: string, audience: string): string[] {
    const granted = new Set<string>();
    for (const roleName of this.person(sub)?.roles ?? []) {
      for (const p of this.#roles.get(roleName)?.permissions[audience] ?? []) granted.add(p);
    }
    return [...granted];
  }

  /** Machine-to-machine: the permissions an application's client grant gives it for one API. */
  clientGrantOf(clientId: string, audience: string): string[] | undefined {
    return this.application(clientId)?.clientGrants.find((g) => g.audience === audience)?.permissions;
  }

  /** Auth0's "Allowed Web Origins": does this application (or, without one, any application) list the browser origin? */
  allowsWebOrigin(origin: string, clientId?: string): boolean {
    const apps = clientId === undefined ? this.tenant.applications : [this.application(clientId)];
    return apps.some((app) => app?.webOrigins.some((url) => new URL(url).origin === origin) ?? false);
  }
}
