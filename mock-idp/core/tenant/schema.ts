import { z } from 'zod';
import { DEFAULTS } from './defaults.js';

/** Claims an Auth0 Action may not set; a tenant file may not set them either. */
export const RESERVED_CLAIMS = [
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash',
  'acr', 'amr', 'sid', 'scope', 'permissions', 'gty', 'org_id', 'org_name', 'client_id', 'cnf',
] as const;

const seconds = z.number().int().positive();
const httpUrl = z.url({ protocol: /^https?$/ });
const identifier = z.string().min(1).regex(/^\S+$/, 'must not contain spaces');

const customClaims = z
  .record(z.string().min(1), z.unknown())
  .superRefine((claims, ctx) => {
    for (const name of Object.keys(claims)) {
      if ((RESERVED_CLAIMS as readonly string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is a reserved claim and cannot be set` });
      }
    }
  });

const api = z.strictObject({
  identifier: z.string().min(1),
  name: z.string().min(1),
  permissions: z.array(z.strictObject({ value: identifier, description: z.string().default('') })).default([]),
  rbac: z
    .strictObject({ enabled: z.boolean().default(DEFAULTS.rbacEnabled), addPermissionsInAccessToken: z.boolean().default(DEFAULTS.addPermissionsInAccessToken) })
    .default({ enabled: DEFAULTS.rbacEnabled, addPermissionsInAccessToken: DEFAULTS.addPermissionsInAccessToken }),
  allowOfflineAccess: z.boolean().default(DEFAULTS.allowOfflineAccess),
  tokenLifetime: seconds.default(DEFAULTS.accessTokenLifetime),
  signingAlgorithm: z.literal('RS256').default(DEFAULTS.signingAlgorithm),
});

const role = z.strictObject({
  name: identifier,
  description: z.string().default(''),
  /** API identifier → permissions of that API. */
  permissions: z.record(z.string(), z.array(identifier)).default({}),
});

const profile = {
  name: z.string().min(1),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  nickname: z.string().optional(),
  picture: httpUrl.optional(),
  emailVerified: z.boolean().default(DEFAULTS.emailVerified),
  roles: z.array(identifier).default([]),
  claims: customClaims.default({}),
};

const user = z.strictObject({
  sub: z.string().regex(/^[\w-]+\|\S+$/, 'must look like "auth0|<id>"'),
  email: z.email(),
  password: z.string().min(1),
  blocked: z.boolean().default(DEFAULTS.userBlocked),
  ...profile,
});

const socialConnection = z.strictObject({
  name: z.enum(['google-oauth2', 'github']),
  displayName: z.string().min(1),
  enabled: z.boolean().default(DEFAULTS.socialConnectionEnabled),
  /** The simulated user that "Continue with ..." signs in. */
  user: z.strictObject({
    sub: z.string().regex(/^(google-oauth2|github)\|\S+$/, 'must look like "<connection>|<id>"'),
    email: z.email(),
    ...profile,
  }),
});

const refreshTokenPolicy = z.strictObject({
  rotation: z.boolean().default(DEFAULTS.refreshTokenRotation),
  reuseInterval: z.number().int().min(0).default(DEFAULTS.refreshTokenReuseInterval),
  absoluteLifetime: seconds.default(DEFAULTS.refreshTokenAbsoluteLifetime),
  idleLifetime: seconds.default(DEFAULTS.refreshTokenIdleLifetime),
});

/** The grant types an application may be given (Auth0's names; `password` needs a database user). */
export const GRANT_TYPE_NAMES = ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm', 'urn:ietf:params:oauth:grant-type:device_code'] as const;

const APP_TYPES = ['regular_web', 'spa', 'native', 'm2m'] as const;

/**
 * Zod skips a refinement once any value under it has the wrong type, which
 * would hide e.g. an unknown role behind an unrelated wrong type. The refinements
 * below run whenever the fields they read are well-formed (`shape`), so a
 * tenant file's problems are all reported at once.
 */
const whenWellFormed = (shape: z.ZodType) => ({ when: (payload: { value: unknown }) => shape.safeParse(payload.value).success });

const applicationRefinementReads = z.looseObject({
  appType: z.enum(APP_TYPES),
  clientSecret: z.string().optional(),
  callbacks: z.array(z.unknown()),
});

const application = z
  .strictObject({
    clientId: identifier,
    name: z.string().min(1),
    appType: z.enum(APP_TYPES),
    clientSecret: z.string().min(1).optional(),
    firstParty: z.boolean().default(DEFAULTS.firstParty),
    tokenEndpointAuthMethod: z.enum(['client_secret_post', 'client_secret_basic', 'none']).optional(),
    callbacks: z.array(httpUrl).default([]),
    allowedLogoutUrls: z.array(httpUrl).default([]),
    webOrigins: z.array(httpUrl).default([]),
    idTokenLifetime: seconds.default(DEFAULTS.idTokenLifetime),
    refreshToken: refreshTokenPolicy.default(refreshTokenPolicy.parse({})),
    /** Machine-to-machine grants: the permissions this client may get for an API. */
    clientGrants: z.array(z.strictObject({ audience: z.string().min(1), permissions: z.array(identifier) })).default([]),
    /** Auth0's grant types of the application; default by type (DEFAULTS.grantTypes). */
    grantTypes: z.array(z.enum(GRANT_TYPE_NAMES)).min(1).optional(),
  })
  .superRefine((app, ctx) => {
    const isPublic = app.appType === 'spa' || app.appType === 'native';
    if (isPublic && app.clientSecret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: `a ${app.appType} application is a public client and has no secret` });
    }
    if (!isPublic && app.clientSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: `a ${app.appType} application needs a clientSecret` });
    }
    if (app.appType !== 'm2m' && app.callbacks.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['callbacks'], message: 'an interactive application needs at least one callback URL' });
    }
    if (app.appType === 'm2m' && app.callbacks.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['callbacks'], message: 'a machine-to-machine application has no callbacks' });
    }
  }, whenWellFormed(applicationRefinementReads));

const strings = z.array(z.string());
const tenantRefinementReads = z.looseObject({
  apis: z.array(z.looseObject({ identifier: z.string(), permissions: z.array(z.looseObject({ value: z.string() })) })),
  roles: z.array(z.looseObject({ name: z.string(), permissions: z.record(z.string(), strings) })),
  users: z.array(z.looseObject({ sub: z.string(), email: z.string(), roles: strings })),
  applications: z.array(z.looseObject({ clientId: z.string(), clientGrants: z.array(z.looseObject({ audience: z.string(), permissions: strings })) })),
  socialConnections: z.array(z.looseObject({ user: z.looseObject({ roles: strings }) })),
});

export const tenantSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).default(DEFAULTS.tenantName),
    apis: z.array(api).default([]),
    roles: z.array(role).default([]),
    users: z.array(user).default([]),
    applications: z.array(application).default([]),
    socialConnections: z.array(socialConnection).default([]),
  })
  .superRefine((tenant, ctx) => {
    const duplicates = <T>(items: T[], key: (item: T) => string, path: string, field: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const k = key(item);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [path, i, field], message: `duplicate ${field} "${k}"` });
        seen.add(k);
      });
    };
    duplicates(tenant.apis, (a) => a.identifier, 'apis', 'identifier');
    duplicates(tenant.roles, (r) => r.name, 'roles', 'name');
    duplicates(tenant.users, (u) => u.sub, 'users', 'sub');
    duplicates(tenant.users, (u) => u.email.toLowerCase(), 'users', 'email');
    duplicates(tenant.applications, (a) => a.clientId, 'applications', 'clientId');

    const permissionsOf = new Map(tenant.apis.map((a) => [a.identifier, new Set(a.permissions.map((p) => p.value))]));
    const checkPermissions = (audience: string, permissions: string[], path: (string | number)[]) => {
      const known = permissionsOf.get(audience);
      if (!known) {
        ctx.addIssue({ code: 'custom', path, message: `unknown API "${audience}" (expected one of the identifiers in "apis")` });
        return;
      }
      permissions.forEach((p, i) => {
        if (!known.has(p)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${p}" is not a permission of ${audience}` });
      });
    };
    tenant.roles.forEach((r, i) => {
      for (const [audience, perms] of Object.entries(r.permissions)) checkPermissions(audience, perms, ['roles', i, 'permissions', audience]);
    });
    tenant.applications.forEach((a, i) => {
      for (const [j, g] of a.clientGrants.entries()) checkPermissions(g.audience, g.permissions, ['applications', i, 'clientGrants', j, 'audience']);
    });

    const roleNames = new Set(tenant.roles.map((r) => r.name));
    const checkRoles = (roles: string[], path: (string | number)[]) => roles.forEach((r, k) => {
      if (!roleNames.has(r)) ctx.addIssue({ code: 'custom', path: [...path, k], message: `unknown role "${r}"` });
    });
    for (const [i, u] of tenant.users.entries()) checkRoles(u.roles, ['users', i, 'roles']);
    for (const [i, c] of tenant.socialConnections.entries()) checkRoles(c.user.roles, ['socialConnections', i, 'user', 'roles']);
  }, whenWellFormed(tenantRefinementReads));

/** A tenant file as written (defaults optional). */
export type TenantInput = z.input<typeof tenantSchema>;
/** A validated tenant with every default filled in. */
export type Tenant = z.output<typeof tenantSchema>;
export type Api = Tenant['apis'][number];
export type Role = Tenant['roles'][number];
export type User = Tenant['users'][number];
export type Application = Tenant['applications'][number];
export type SocialConnection = Tenant['socialConnections'][number];
