import type { Directory } from '../../core/directory.js';
import { roleIdOf } from '../../core/management/api.js';
import type { MockState } from '../../core/state.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import type { Api, Application, Role, User } from '../../core/tenant/schema.js';
import { tokenDialectOf } from '../../core/token-dialect.js';
import { toClientMetadata } from '../../oidc/clients.js';

const defined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

/**
 * A user as Auth0's Management API answers it (never the password): a database user, or (`connection`
 * `email` / `sms`) a passwordless one as `managedPasswordlessUsers` gives it (an SMS user has a phone, no email).
 */
export function userJson(state: MockState, user: User, connection: string = DEFAULTS.databaseConnection): Record<string, unknown> {
  const createdAt = user.createdAt ?? state.startedAt;
  const [provider, ...rest] = user.sub.split('|');
  return defined({
    user_id: user.sub,
    email: user.email || undefined,
    email_verified: user.email ? user.emailVerified : undefined,
    phone_number: user.phoneNumber,
    phone_verified: user.phoneNumber && connection === 'sms' ? true : undefined,
    name: user.name,
    nickname: user.nickname ?? (user.email.split('@')[0] || user.name),
    given_name: user.givenName,
    family_name: user.familyName,
    picture: user.picture,
    blocked: user.blocked ? true : undefined,
    created_at: createdAt,
    updated_at: user.updatedAt ?? createdAt,
    identities: [{ connection, user_id: rest.join('|'), provider, isSocial: false }],
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
  });
}

/**
 * The passwordless connections' users in the shape the Management API's database users have (no password,
 * permissions or metadata), with their connection, for listing and search beside them.
 */
export function managedPasswordlessUsers(state: MockState): Array<{ user: User; connection: 'email' | 'sms' }> {
  const base = { password: '', blocked: false, permissions: {}, appMetadata: {}, userMetadata: {} };
  const { email, sms } = state.tenant.passwordless;
  return [
    ...email.users.map((u) => ({ user: { ...base, ...u, name: u.name ?? u.email }, connection: 'email' as const })),
    ...sms.users.map((u) => ({ user: { ...base, ...u, email: '', emailVerified: false, name: u.name ?? u.phoneNumber }, connection: 'sms' as const })),
  ];
}

export const roleJson = (role: Role) => ({ id: roleIdOf(role), name: role.name, description: role.description });

/** A role's permission or a user's, as Auth0 lists them. */
export function permissionJson(directory: Directory, audience: string, permission: string): Record<string, unknown> {
  const api = directory.api(audience);
  return {
    permission_name: permission,
    description: api?.permissions.find((p) => p.value === permission)?.description ?? '',
    resource_server_name: api?.name ?? audience,
    resource_server_identifier: audience,
  };
}

/** A stable id for an API (Auth0's are 24 hex digits; the identifier also works in paths, as on Auth0). */
export const resourceServerId = (api: Api): string => Buffer.from(api.identifier).toString('hex').slice(-24).padStart(24, '0');

export function resourceServerJson(directory: Directory, api: Api): Record<string, unknown> {
  const isSystem = api === directory.managementApi;
  return defined({
    id: resourceServerId(api),
    name: api.name,
    identifier: api.identifier,
    is_system: isSystem ? true : undefined,
    scopes: api.permissions.map((p) => ({ value: p.value, description: p.description })),
    signing_alg: api.signingAlgorithm,
    token_lifetime: api.tokenLifetime,
    allow_offline_access: api.allowOfflineAccess,
    enforce_policies: api.rbac.enabled,
    token_dialect: tokenDialectOf(api),
    skip_consent_for_verifiable_first_party_clients: true,
  });
}

const APP_TYPES: Record<Application['appType'], string> = { regular_web: 'regular_web', spa: 'spa', native: 'native', m2m: 'non_interactive' };

/** An application as Auth0 lists it; the secret only for a token with `read:client_keys`. */
export function clientJson(app: Application, withSecret: boolean): Record<string, unknown> {
  const metadata = toClientMetadata(app);
  return defined({
    client_id: app.clientId,
    name: app.name,
    app_type: APP_TYPES[app.appType],
    is_first_party: app.firstParty,
    client_secret: withSecret ? app.clientSecret : undefined,
    callbacks: app.callbacks,
    allowed_logout_urls: app.allowedLogoutUrls,
    web_origins: app.webOrigins,
    grant_types: metadata.grant_types,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    jwt_configuration: { alg: DEFAULTS.signingAlgorithm, lifetime_in_seconds: app.idTokenLifetime },
  });
}
