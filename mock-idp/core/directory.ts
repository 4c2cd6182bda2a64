import { MANAGEMENT_SCOPES, managementAudience, namesManagementApi, roleIdOf } from './management/api.js';
import { DEFAULTS } from './tenant/defaults.js';
import type { Api, Application, Organization, Role, Tenant, User } from './tenant/schema.js';

/** A person who can sign in: a database user, the simulated user of a social connection, or a passwordless user. */
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
  /** Auth0's `app_metadata` and `user_metadata` (social users: empty), for Actions and custom claims. */
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
}

/** The Auth0 Management API as a resource server: present in every tenant without being declared (Auth0's "system" API). */
function managementApi(issuer: string): Api {
  return {
    identifier: managementAudience(issuer),
    name: 'Auth0 Management API',
    permissions: MANAGEMENT_SCOPES.map((value) => ({ value, description: '' })),
    // RBAC on with no role able to name it: users are granted none of its scopes (only client grants give them).
    rbac: { enabled: true },
    tokenDialect: 'access_token',
    allowOfflineAccess: false,
    tokenLifetime: DEFAULTS.accessTokenLifetime,
    signingAlgorithm: DEFAULTS.signingAlgorithm,
  };
}

const byKey = <T>(items: readonly T[], key: (item: T) => string) => new Map(items.map((item) => [key(item), item]));

/**
 * One tenant, read-only, indexed once: users, roles, APIs and applications.
 * A tenant changed at run time is a new Directory (see MockState), handed to
 * whatever was built from the old one (oidc/host.ts builds a new oidc-provider
 * instance only when more than the tenant's people changed).
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
  readonly #rolesById: Map<string, Role>;
  /** Auth0's Management API (`<issuer>api/v2/`), in every tenant without being declared; absent without an issuer. */
  readonly managementApi: Api | undefined;

  constructor(
    readonly tenant: Tenant,
    options: { issuer?: string } = {},
  ) {
    const noMetadata = { blocked: false, appMetadata: {}, userMetadata: {} };
    const people: Person[] = [
      ...tenant.users.map((u) => ({ ...u, connection: DEFAULTS.databaseConnection })),
      // Passwordless users: an SMS user has no email (`email` ''), Auth0 names them by their phone number.
      ...tenant.passwordless.email.users.map((u) => ({ ...u, ...noMetadata, name: u.name ?? u.email, connection: 'email' })),
      ...tenant.passwordless.sms.users.map((u) => ({ ...u, ...noMetadata, email: '', emailVerified: false, name: u.name ?? u.phoneNumber, connection: 'sms' })),
      ...tenant.socialConnections.filter((c) => c.enabled).flatMap((c) => [c.user, ...c.users].map((u) => ({ ...u, blocked: false, connection: c.name, appMetadata: {}, userMetadata: {} }))),
    ];
    this.#everyone = people;
    this.#people = byKey(people, (p) => p.sub);
    // Database users first: an email shared with a social user names the database user (as a lookup by email did).
    this.#peopleByEmail = byKey([...people].filter((p) => p.email !== '').reverse(), (p) => p.email.toLowerCase());
    this.#usersBySub = byKey(tenant.users, (u) => u.sub);
    this.#usersByEmail = byKey(tenant.users, (u) => u.email.toLowerCase());
    this.#apis = byKey(tenant.apis, (a) => a.identifier);
    this.#applications = byKey(tenant.applications, (a) => a.clientId);
    this.#roles = byKey(tenant.roles, (r) => r.name);
    this.#rolesById = byKey(tenant.roles, roleIdOf);
    const management = options.issuer === undefined ? undefined : managementApi(options.issuer);
    this.managementApi = management && !this.#apis.has(management.identifier) ? management : undefined;
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

  /** The user of a passwordless connection with that email (case-insensitive) or phone number. */
  passwordlessUser(connection: 'email' | 'sms', address: string): { sub: string } | undefined {
    const at = address.trim().toLowerCase();
    return connection === 'email' ? this.tenant.passwordless.email.users.find((u) => u.email.toLowerCase() === at) : this.tenant.passwordless.sms.users.find((u) => u.phoneNumber === at);
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
    return this.#apis.get(audience) ?? (audience === this.managementApi?.identifier ? this.managementApi : undefined);
  }

  role(name: string): Role | undefined {
    return this.#roles.get(name);
  }

  /** A role by its Management API id (`rol_…`). */
  roleById(id: string): Role | undefined {
    return this.#rolesById.get(id);
  }

  application(clientId: string): Application | undefined {
    return this.#applications.get(clientId);
  }

  /** The first interactive application: the default `azp` / ID-token audience of minted tokens and headless logins. */
  defaultApplication(): Application | undefined {
    return this.tenant.applications.find((a) => a.appType !== 'm2m');
  }

  /** Auth0 RBAC: the union of the permissions of the person's roles and those assigned to them directly, for one API. */
  /**
   * A user's RBAC permissions for one API: their own and their roles'; logged in through an
   * organization (`orgId`), their roles in it too (Auth0 adds organization roles to the user's).
   */
  permissionsOf(sub: string, audience: string, orgId?: string): string[] {
    const granted = new Set<string>(this.#usersBySub.get(sub)?.permissions[audience] ?? []);
    const orgRoles = orgId ? (this.membership(orgId, sub)?.roles ?? []) : [];
    for (const roleName of [...(this.person(sub)?.roles ?? []), ...orgRoles]) {
      for (const p of this.#roles.get(roleName)?.permissions[audience] ?? []) granted.add(p);
    }
    return [...granted];
  }

  /** An organization by id, or by name (names compare case-insensitively). */
  organization(idOrName: string): Organization | undefined {
    const name = idOrName.toLowerCase();
    return this.tenant.organizations.find((o) => o.id === idOrName) ?? this.tenant.organizations.find((o) => o.name === name);
  }

  /** The membership of a person (by sub) in an organization, if they are a member. */
  membership(orgId: string, sub: string): { roles: string[] } | undefined {
    const person = this.person(sub);
    if (!person) return undefined;
    return this.organization(orgId)?.members.find((m) => m.user === sub || m.user.toLowerCase() === person.email.toLowerCase());
  }

  /** Machine-to-machine: the permissions an application's client grant gives it for one API (the Management API's under either spelling). */
  clientGrantOf(clientId: string, audience: string): string[] | undefined {
    const isManagement = audience === this.managementApi?.identifier;
    return this.application(clientId)?.clientGrants.find((g) => g.audience === audience || (isManagement && namesManagementApi(g.audience)))?.permissions;
  }

  /** Auth0's "Allowed Web Origins": does this application (or, without one, any application) list the browser origin? */
  allowsWebOrigin(origin: string, clientId?: string): boolean {
    const apps = clientId === undefined ? this.tenant.applications : [this.application(clientId)];
    return apps.some((app) => app?.webOrigins.some((url) => new URL(url).origin === origin) ?? false);
  }
}
