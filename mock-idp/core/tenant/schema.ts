import { z } from 'zod';
import { MANAGEMENT_API_PATH, MANAGEMENT_SCOPES, namesManagementApi, roleIdOf } from '../management/api.js';
import { E164_PHONE } from '../passwordless.js';
import { PASSWORD_POLICY_LEVELS } from '../password-policy.js';
import { DEFAULTS } from './defaults.js';

/** Claims an Auth0 Action may not set; a tenant file may not set them either. */
export const RESERVED_CLAIMS = [
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash',
  'acr', 'amr', 'sid', 'scope', 'permissions', 'gty', 'org_id', 'org_name', 'client_id', 'cnf',
] as const;

/** Auth0's `token_dialect` values of an API (resource server). */
export const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
export type TokenDialect = (typeof TOKEN_DIALECTS)[number];

/** Auth0's tenant MFA policies ("Require Multi-factor Auth": Never, Always). */
export const MFA_POLICIES = ['never', 'always'] as const;

/** Who may send PKCE `code_challenge_method=plain`. */
export const PKCE_PLAIN_POLICIES = ['confidential', 'all', 'never'] as const;

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

// Every field carries a description (`.describe()`): tenant.schema.json and the README's
// tenant file reference are generated from them (reference.ts, `npm run docs:tenant`).

const api = z.strictObject({
  identifier: z.string().min(1).describe('The API identifier: the `audience` an app asks tokens for, and the `aud` of its access tokens.'),
  name: z.string().min(1).describe('Display name of the API.'),
  permissions: z
    .array(
      z.strictObject({
        value: identifier.describe('The permission (a scope an app may request), e.g. `read:orders`; no spaces.'),
        description: z.string().default('').describe('What the permission allows.'),
      }),
    )
    .default([])
    .describe('The permissions (scopes) the API defines.'),
  rbac: z
    .strictObject({
      enabled: z.boolean().default(DEFAULTS.rbacEnabled).describe("Auth0's RBAC: a user is granted only the requested permissions their roles give them."),
      addPermissionsInAccessToken: z
        .boolean()
        .optional()
        .describe("Auth0's \"Add Permissions in the Access Token\" toggle: as on Auth0, it picks the `_authz` variant of the token dialect (`true`: `access_token_authz`, `false`: `access_token`). Give it or `tokenDialect`; both must agree."),
    })
    .default({ enabled: DEFAULTS.rbacEnabled })
    .describe('Role-based access control settings of the API.'),
  tokenDialect: z
    .enum(TOKEN_DIALECTS)
    .optional()
    .describe("Auth0's token dialect (JWT profile) of the access tokens: `access_token` (Auth0 profile: header `typ: JWT`, `azp`, `gty`, no `jti`), `rfc9068_profile` (RFC 9068: `typ: at+jwt`, `client_id`, `jti`, no `gty`); the `_authz` variants add the `permissions` claim (user permissions need RBAC on)."),
  allowOfflineAccess: z.boolean().default(DEFAULTS.allowOfflineAccess).describe("Auth0's \"Allow Offline Access\": `offline_access` (a refresh token) may be granted for this API."),
  tokenLifetime: seconds.default(DEFAULTS.accessTokenLifetime).describe('Lifetime of the access tokens for this API, in seconds.'),
  signingAlgorithm: z.literal('RS256').default(DEFAULTS.signingAlgorithm).describe('Signing algorithm of the access tokens (only RS256).'),
}).superRefine((a, ctx) => {
  const toggle = a.rbac.addPermissionsInAccessToken;
  if (a.tokenDialect !== undefined && toggle !== undefined && a.tokenDialect.endsWith('_authz') !== toggle) {
    ctx.addIssue({ code: 'custom', path: ['rbac', 'addPermissionsInAccessToken'], message: `${toggle} contradicts tokenDialect "${a.tokenDialect}" (the _authz dialects are the ones with permissions): give one of the two` });
  }
});

/** API identifier → permissions of that API (roles and users' direct permissions). */
const permissionsByApi = z.record(z.string(), z.array(identifier));

const role = z.strictObject({
  id: z
    .string()
    .regex(/^rol_[A-Za-z0-9]+$/, 'must look like "rol_<letters and digits>"')
    .optional()
    .describe('The role id of the Management API (`rol_…`); without it, one derived from the name (stable across restarts). Roles created through the Management API get a random one.'),
  name: identifier.describe('The role name, e.g. `admin`; no spaces. Users list it in their `roles`.'),
  description: z.string().default('').describe('What the role is for.'),
  permissions: permissionsByApi
    .default({})
    .describe('The permissions the role gives, per API: API identifier → permissions of that API, e.g. `{ "https://api.example.com": ["read:orders"] }`.'),
});

const profile = {
  name: z.string().min(1).describe('Full name (the `name` claim).'),
  givenName: z.string().optional().describe('The `given_name` claim.'),
  familyName: z.string().optional().describe('The `family_name` claim.'),
  nickname: z.string().optional().describe('The `nickname` claim; without it, the part of the email before `@`.'),
  picture: httpUrl.optional().describe('The `picture` claim: an http(s) URL of an avatar.'),
  emailVerified: z.boolean().default(DEFAULTS.emailVerified).describe('The `email_verified` claim.'),
  roles: z.array(identifier).default([]).describe('Names of roles (from `roles`) assigned to the person: they give the permissions.'),
  claims: customClaims
    .default({})
    .describe('Custom claims (e.g. namespaced, `https://example.com/department`) added to the ID token, /userinfo and access tokens, as an Auth0 Action would add them; reserved claims cannot be set.'),
};

const metadata = z.record(z.string(), z.unknown());
/** An ISO 8601 date and time, e.g. `2026-01-31T12:00:00.000Z` (checked without a long pattern in the docs). */
const timestamp = z.string().refine((v) => /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date and time');

const user = z.strictObject({
  sub: z.string().regex(/^[\w-]+\|\S+$/, 'must look like "auth0|<id>"').describe('The user id, e.g. `auth0|65a1f0c2e4b0a1b2c3d4e5f1` (the `sub` claim).'),
  email: z.email().describe('Email address: the login name (case-insensitive) and the `email` claim.'),
  password: z.string().min(1).describe('Password for the login page and the password grant (test data: never a real one).'),
  blocked: z.boolean().default(DEFAULTS.userBlocked).describe('A blocked user cannot log in (login page or password grant) and is refused at /userinfo.'),
  ...profile,
  permissions: permissionsByApi
    .default({})
    .describe("Permissions assigned to the user directly (not through a role), per API, as the Management API's `POST /api/v2/users/{id}/permissions` assigns them: they join the roles' permissions in access tokens."),
  appMetadata: metadata.default({}).describe("Auth0's `app_metadata`: data about the user that the user cannot change (set by the Management API); not a claim."),
  userMetadata: metadata.default({}).describe("Auth0's `user_metadata`: what the user may edit about themselves (set by a sign-up's `user_metadata` and the Management API); not a claim."),
  phoneNumber: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, e.g. +15555550100')
    .optional()
    .describe('Phone number (E.164) the SMS passwordless connection signs the user in with: `POST /passwordless/start` with `connection: "sms"` puts its code in the outbox, addressed to this number.'),
  mfa: z
    .strictObject({
      otp: z
        .strictObject({
          secret: z.string().regex(/^[A-Z2-7]{16,}=*$/, 'must be base32 (A-Z, 2-7), at least 16 characters').describe('The base32 TOTP secret an authenticator app holds; the current code is at `GET /_mock/users/<id>/otp` (`idp.otp(user)`).'),
        })
        .optional()
        .describe('An enrolled one-time-password authenticator (Google Authenticator and the like): the user is asked for its code when the tenant policy requires MFA.'),
    })
    .optional()
    .describe("The user's enrolled MFA factors. Without one, a login that requires MFA first enrols an OTP authenticator (the enrolment screen shows the secret)."),
  createdAt: timestamp.optional().describe('When the user was created (ISO 8601); set by the Management API and the admin API. Without it, the time the mock started.'),
  updatedAt: timestamp.optional().describe('When the user was last changed (ISO 8601); set on every change. Without it, `createdAt`.'),
});

const socialUser = z.strictObject({
  sub: z.string().regex(/^(google-oauth2|github)\|\S+$/, 'must look like "<connection>|<id>"').describe('The user id, e.g. `google-oauth2|1234` (the `sub` claim).'),
  email: z.email().describe('Email address (the `email` claim).'),
  ...profile,
});

/** What a passwordless user has besides the address: Auth0 creates them at their first login. */
const passwordlessProfile = {
  name: z.string().min(1).optional().describe('The `name` claim; without it, the email or phone number (as Auth0 names a new passwordless user).'),
  roles: profile.roles,
  claims: user.shape.claims,
  createdAt: user.shape.createdAt,
};
const passwordlessConnection = <T extends z.ZodType>(users: T, connection: string) =>
  z.strictObject({
    disableSignup: z.boolean().default(DEFAULTS.passwordlessConnection.disableSignup).describe(`Auth0's "Disable Sign Ups" of the \`${connection}\` connection: an unknown address gets no user (its code signs nobody in).`),
    users: z.array(users).default([]).describe(`The users of the \`${connection}\` connection: created by their first passwordless login (as on Auth0), or seeded here.`),
  });
const passwordless = z.strictObject({
  email: passwordlessConnection(
    z.strictObject({
      sub: z.string().regex(/^email\|\S+$/, 'must look like "email|<id>"').describe('The user id, e.g. `email|5f1c…` (the `sub` claim).'),
      email: z.email().describe('The address the codes and magic links go to (the `email` claim).'),
      emailVerified: z.boolean().default(true).describe('The `email_verified` claim (a passwordless login proves the address).'),
      ...passwordlessProfile,
    }),
    'email',
  )
    .default({ ...DEFAULTS.passwordlessConnection, users: [] })
    .describe('The passwordless `email` connection (codes and magic links by email).'),
  sms: passwordlessConnection(
    z.strictObject({
      sub: z.string().regex(/^sms\|\S+$/, 'must look like "sms|<id>"').describe('The user id, e.g. `sms|5f1c…` (the `sub` claim).'),
      phoneNumber: z.string().regex(E164_PHONE, 'must be an E.164 phone number, e.g. +15555550100').describe('The phone number (E.164) the codes are texted to.'),
      ...passwordlessProfile,
    }),
    'sms',
  )
    .default({ ...DEFAULTS.passwordlessConnection, users: [] })
    .describe('The passwordless `sms` connection (codes by SMS, kept in the outbox under the phone number).'),
});

const DB = DEFAULTS.databaseConnectionSettings;
const databaseConnection = z.strictObject({
  disableSignup: z.boolean().default(DB.disableSignup).describe('Auth0\'s "Disable Sign Ups": no "Sign up" on the login page, and `POST /dbconnections/signup` is refused; users can still be created with the admin API.'),
  passwordPolicy: z
    .enum(PASSWORD_POLICY_LEVELS)
    .default(DB.passwordPolicy)
    .describe("Auth0's password strength for new passwords (sign-up, password reset): `none` non-empty; `low` 6 characters; `fair` 8 with lower case, upper case and a digit; `good` 8 with 3 of lower, upper, digit, special; `excellent` 10 with 3 of the 4 and no more than 2 identical characters in a row. Seeded users' passwords are not checked."),
  passwordMinLength: z.number().int().min(1).max(72).optional().describe("Auth0's minimum password length (`password_complexity_options.min_length`, 1-72): replaces the policy level's own length."),
  requireEmailVerification: z
    .boolean()
    .default(DB.requireEmailVerification)
    .describe('A sign-up starts with `email_verified: false` and gets a verification email in the outbox (`GET /_mock/emails`), whose link sets it true; `false`: sign-ups start verified and no email is sent.'),
  userExistsError: z
    .boolean()
    .default(DB.userExistsError)
    .describe("Auth0's tenant flag `enable_public_signup_user_exists_error`: a sign-up with a taken email answers `user_exists` \"The user already exists.\" instead of `invalid_signup` \"Invalid sign up\"."),
});

const linkLifetime = (what: string) => z.strictObject({ urlLifetime: seconds.default(DEFAULTS.emailUrlLifetime).describe(`How long the link of ${what} email works, in seconds.`) });
const ORGANIZATION_USAGE = ['deny', 'allow', 'require'] as const;
const organization = z.strictObject({
  id: z.string().regex(/^org_[A-Za-z0-9]+$/, 'must be org_ followed by letters and digits').describe('The organization id (`org_…`): `org_id` in tokens, `organization=` on /authorize.'),
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _').describe('The organization name (lowercase): `organization=<name>` when `allowOrganizationNameInAuthenticationApi`, `org_name` in tokens then.'),
  displayName: z.string().min(1).optional().describe('Shown on the login page; default the name.'),
  connections: z.array(z.string().min(1)).default([DEFAULTS.databaseConnection]).describe(`The connections members may log in with through this organization (Auth0's enabled connections of the organization). Default: ${DEFAULTS.databaseConnection}.`),
  assignMembershipOnLogin: z
    .array(z.string().min(1))
    .default([])
    .describe("Enabled connections (of `connections`) with Auth0's \"Membership On Authentication\" (`assign_membership_on_login`): a user of one who logs in through the organization and is not a member becomes one (with no roles)."),
  metadata: z
    .record(z.string(), z.string().max(255))
    .refine((m) => Object.keys(m).length <= 25, 'at most 25 metadata properties')
    .default({})
    .describe("Auth0's organization `metadata`: string values (at most 255 characters, 25 keys), seen by Actions as `event.organization.metadata`."),
  branding: z
    .strictObject({
      logoUrl: z.url().optional().describe('The logo shown on the login page of the organization (`branding.logo_url`).'),
      colors: z
        .strictObject({
          primary: z.string().regex(/^#([0-9a-fA-F]{3}){1,2}$/, 'a hex color such as #0059d6').describe('The primary color (`branding.colors.primary`).'),
          pageBackground: z.string().regex(/^#([0-9a-fA-F]{3}){1,2}$/, 'a hex color such as #000000').describe('The page background color (`branding.colors.page_background`).'),
        })
        .optional()
        .describe("The organization's colors (`branding.colors`)."),
    })
    .optional()
    .describe("Auth0's organization `branding` (logo and colors), as the Management API returns it; the login page does not apply it."),
  members: z
    .array(
      z.strictObject({
        user: z.string().min(1).describe('The member: a user\'s `sub` or email (database or social user).'),
        roles: z.array(z.string().min(1)).default([]).describe('Role names (of `roles`) the member has in this organization: their permissions join the user\'s own when they log in through it.'),
      }),
    )
    .default([])
    .describe('The members of the organization.'),
});

const actionFiles = z.array(z.string().min(1)).default([]);
const actions = z.strictObject({
  postLogin: actionFiles.describe('Post-login Actions (Auth0 "Login" flow), in order: module paths relative to the tenant file (or the working directory for a tenant object), each exporting `onExecutePostLogin(event, api)`, CommonJS or ESM. They run after every interactive login and on refresh-token exchanges.'),
  credentialsExchange: actionFiles.describe('Credentials-exchange Actions (Auth0 "Machine to Machine" flow), in order, each exporting `onExecuteCredentialsExchange(event, api)`; they run on client-credentials token requests.'),
  secrets: z.record(z.string().min(1), z.string()).default({}).describe("The Actions' secrets (`event.secrets`), as set in the Auth0 dashboard."),
  timeoutMs: z.number().int().positive().default(DEFAULTS.actionTimeoutMs).describe(`How long the actions of one trigger may run before the login fails, in milliseconds (Auth0: ${DEFAULTS.actionTimeoutMs / 1000} s; shorten it in tests).`),
});

const emailTemplates = z.strictObject({
  verifyEmail: linkLifetime('the verification').default({ urlLifetime: DEFAULTS.emailUrlLifetime }).describe('The verification email (Auth0 template `verify_email`).'),
  resetPassword: linkLifetime('the password reset').default({ urlLifetime: DEFAULTS.emailUrlLifetime }).describe('The password reset email (Auth0 template `reset_email`).'),
});

const socialConnection = z.strictObject({
  name: z.enum(['google-oauth2', 'github']).describe('The connection, as named on Auth0.'),
  displayName: z.string().min(1).describe('Button text on the login page: "Continue with <displayName> (simulated)".'),
  enabled: z
    .boolean()
    .default(DEFAULTS.socialConnectionEnabled)
    .describe('A disabled connection has no button, its users cannot sign in, and `/authorize?connection=<name>` answers `invalid_request` "the connection was not found".'),
  user: socialUser.describe('The simulated user the connection\'s button signs in with one click (no password; never blocked).'),
  users: z
    .array(socialUser)
    .default([])
    .describe('More people who signed in with this connection: a tester adds one by typing a new identity on the simulated provider page (its first login creates the user, as on Auth0), or seeds them here.'),
});

const bruteForceProtection = z.strictObject({
  enabled: z.boolean().default(DEFAULTS.bruteForceProtection.enabled).describe('Count consecutive failed logins (login page and password grant) per user and client address, and block the pair at `maxAttempts`.'),
  maxAttempts: z
    .number()
    .int()
    .positive()
    .default(DEFAULTS.bruteForceProtection.maxAttempts)
    .describe('Consecutive failed logins of one user from one address that block that user from that address (until the unblock link of the email in the outbox is opened, or the admin API unblocks the user).'),
});

const refreshTokenPolicy = z.strictObject({
  rotation: z.boolean().default(DEFAULTS.refreshTokenRotation).describe('Rotate the refresh token on every use; reusing a rotated one revokes the whole family.'),
  reuseInterval: z.number().int().min(0).default(DEFAULTS.refreshTokenReuseInterval).describe("Auth0's reuse interval (leeway), in seconds: after a rotation the previous refresh token may still be exchanged within it, any number of times (each answer carries a new refresh token), without tripping reuse detection; an older token trips it. 0 = none."),
  absoluteLifetime: seconds.default(DEFAULTS.refreshTokenAbsoluteLifetime).describe('Absolute lifetime of a refresh token family, in seconds (not extended by rotation).'),
  idleLifetime: seconds.default(DEFAULTS.refreshTokenIdleLifetime).describe('Inactivity lifetime of a refresh token, in seconds.'),
});

/** The grant types an application may be given (Auth0's names; `implicit` allows the response types with a token or ID token from /authorize; `password` needs a database user; the `mfa-*` grants are Auth0's "MFA" grant type, after a password grant answered `mfa_required`). */
export const GRANT_TYPE_NAMES = [
  'authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm', 'urn:ietf:params:oauth:grant-type:device_code',
  'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/mfa-oob', 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
] as const;

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

/** `regular_web, spa, native: a + b; m2m: c` (application types with the same default grouped). */
const byAppType = (byType: Readonly<Record<(typeof APP_TYPES)[number], readonly string[]>>) => {
  const groups = new Map<string, string[]>();
  for (const type of APP_TYPES) {
    const values = byType[type].join(' + ');
    groups.set(values, [...(groups.get(values) ?? []), type]);
  }
  return [...groups].map(([values, types]) => `${types.join(', ')}: ${values}`).join('; ');
};

const application = z
  .strictObject({
    clientId: identifier.describe('The client id (`client_id`); no spaces.'),
    name: z.string().min(1).describe('Display name of the application.'),
    appType: z.enum(APP_TYPES).describe('Regular Web Application, Single Page Application, Native or Machine to Machine. spa and native are public clients (no secret).'),
    clientSecret: z.string().min(1).optional().describe('The client secret: required for regular_web and m2m, not allowed for spa and native.'),
    firstParty: z.boolean().default(DEFAULTS.firstParty).describe('`false` makes it a third-party application: users see a consent page.'),
    initiateLoginUri: z
      .url({ protocol: /^https$/ })
      .optional()
      .describe("Auth0's Application Login URI (`initiate_login_uri`, https): the page of the application that starts a login; organization invitation links point at it."),
    organizationUsage: z
      .enum(ORGANIZATION_USAGE)
      .default('deny')
      .describe("Auth0's \"Type of users\" (`organization_usage`): `deny` individuals only (`organization=` refused), `allow` both, `require` business users only (every login through an organization)."),
    organizationRequireBehavior: z
      .enum(['no_prompt', 'pre_login_prompt', 'post_login_prompt'])
      .default('no_prompt')
      .describe("With `organizationUsage: require` and no `organization=`: `no_prompt` answers the callback `invalid_request`, `pre_login_prompt` asks the user for their organization first, `post_login_prompt` lets the user log in and then pick one of their organizations (Auth0's \"Login Flow\" setting)."),
    tokenEndpointAuthMethod: z
      .enum(['client_secret_post', 'client_secret_basic', 'none'])
      .optional()
      .describe(`How the application authenticates at /oauth/token. Default: ${DEFAULTS.tokenEndpointAuthMethod.confidential} for regular_web and m2m, ${DEFAULTS.tokenEndpointAuthMethod.public} for spa and native.`),
    callbacks: z.array(httpUrl).default([]).describe('Allowed Callback URLs: `redirect_uri` values, compared exactly. At least one for an interactive application, none for m2m.'),
    allowedLogoutUrls: z.array(httpUrl).default([]).describe('Allowed Logout URLs: `returnTo` of /v2/logout and `post_logout_redirect_uri`, compared exactly.'),
    backchannelLogoutUri: httpUrl
      .optional()
      .describe("Auth0's Back-Channel Logout URI (OpenID Connect Back-Channel Logout 1.0): when a login session this application signed in to ends (/v2/logout, /oidc/logout, the admin API revoking, blocking or deleting the user), mock-idp POSTs a signed `logout_token` (with `sub` and `sid`) to it."),
    webOrigins: z
      .array(httpUrl)
      .default([])
      .describe('Allowed Web Origins: browser origins that may call the token, userinfo and revoke endpoints (CORS) and receive `web_message` answers.'),
    idTokenLifetime: seconds.default(DEFAULTS.idTokenLifetime).describe('Lifetime of the ID tokens issued to this application, in seconds.'),
    refreshToken: refreshTokenPolicy.default(refreshTokenPolicy.parse({})).describe('Refresh-token policy of the application (Auth0\'s rotating refresh tokens).'),
    clientGrants: z
      .array(
        z.strictObject({
          audience: z.string().min(1).describe(`Identifier of an API in \`apis\`, or Auth0's Management API: \`${MANAGEMENT_API_PATH}\` (or \`<issuer>api/v2/\`).`),
          permissions: z.array(identifier).describe('Permissions of that API the application gets with client credentials.'),
        }),
      )
      .default([])
      .describe('Machine-to-machine grants: the permissions this application may get for an API with the client credentials grant.'),
    grantTypes: z
      .array(z.enum(GRANT_TYPE_NAMES))
      .min(1)
      .optional()
      .describe(
        `Auth0's grant types of the application. implicit allows the response types that return a token or ID token from /authorize (id_token, token and the hybrid ones; code needs authorization_code); password and password-realm (realm ${DEFAULTS.databaseConnection}) sign in database users; the device code grant is the device authorization flow. Default by appType: ${byAppType(DEFAULTS.grantTypes)}.`,
      ),
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
  users: z.array(z.looseObject({ sub: z.string(), email: z.string(), roles: strings, permissions: z.record(z.string(), strings) })),
  applications: z.array(z.looseObject({ clientId: z.string(), clientGrants: z.array(z.looseObject({ audience: z.string(), permissions: strings })) })),
  socialConnections: z.array(z.looseObject({ user: z.looseObject({ sub: z.string(), email: z.string(), roles: strings }), users: z.array(z.looseObject({ sub: z.string(), email: z.string(), roles: strings })) })),
  organizations: z.array(z.looseObject({ id: z.string(), name: z.string(), members: z.array(z.looseObject({ user: z.string(), roles: strings })) })),
  passwordless: z.looseObject({ email: z.looseObject({ users: z.array(z.looseObject({ sub: z.string(), email: z.string(), roles: strings })) }), sms: z.looseObject({ users: z.array(z.looseObject({ sub: z.string(), phoneNumber: z.string(), roles: strings })) }) }),
});

/** What the refinements below check, for the JSON Schema's description (which cannot express them). */
export const ALSO_CHECKED: readonly string[] = [
  'identifiers are unique: apis[].identifier, roles[].name, users[].sub, users[].email (case-insensitive), applications[].clientId',
  'roles[].permissions, users[].permissions and applications[].clientGrants name APIs of `apis` and permissions those APIs define',
  `applications[].clientGrants may also name Auth0's Management API (audience \`${MANAGEMENT_API_PATH}\` or \`<issuer>api/v2/\`) with its scopes (${MANAGEMENT_SCOPES.join(', ')})`,
  'users[].roles, socialConnections[].user.roles and socialConnections[].users[].roles name roles of `roles`',
  'within one social connection, user and users have distinct subs and emails',
  'organizations have unique ids and names; their members name users (database or social) and roles of `roles`',
  'regular_web and m2m applications have a clientSecret, spa and native ones none',
  'interactive applications have at least one callback, m2m ones none',
  'URLs (callbacks, allowedLogoutUrls, webOrigins, picture) are http or https',
  'apis[].rbac.addPermissionsInAccessToken, when given with apis[].tokenDialect, agrees with it (true for the `_authz` dialects)',
  `custom claims do not set a reserved claim (${RESERVED_CLAIMS.join(', ')})`,
];

export const TENANT_DESCRIPTION = `A mock-idp tenant file: the APIs, roles, users, applications and social connections of a local, offline stand-in for an Auth0 tenant (test data only). Fields with a default may be left out; lifetimes are in seconds; unknown keys are errors. Beyond this schema, mock-idp also checks that ${ALSO_CHECKED.join('; ')}.`;

export const tenantSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors, e.g. `./node_modules/mock-idp/tenant.schema.json`; mock-idp ignores it.'),
    name: z.string().min(1).default(DEFAULTS.tenantName).describe('Name of the tenant.'),
    apis: z.array(api).default([]).describe('The APIs (Auth0 resource servers) tokens may be issued for.'),
    roles: z.array(role).default([]).describe('Roles: named sets of API permissions assigned to users.'),
    users: z.array(user).default([]).describe(`Database users (connection ${DEFAULTS.databaseConnection}) who log in with email and password.`),
    applications: z.array(application).default([]).describe('The applications (OAuth clients).'),
    socialConnections: z.array(socialConnection).default([]).describe('Simulated social connections: a "Continue with …" button on the login page that signs in one fixed user, and a simulated provider page to pick or type another identity.'),
    bruteForceProtection: bruteForceProtection
      .default({ ...DEFAULTS.bruteForceProtection })
      .describe("Auth0's brute-force protection: blocks a user from a client address after consecutive failed logins."),
    databaseConnection: databaseConnection
      .default({ ...DB })
      .describe(`Settings of the database connection ${DEFAULTS.databaseConnection} (the users in \`users\`): sign-ups, password policy, email verification.`),
    mfa: z
      .strictObject({
        policy: z
          .enum(MFA_POLICIES)
          .default(DEFAULTS.mfa.policy)
          .describe("Auth0's \"Require Multi-factor Auth\": `never` (only when an Action calls `api.multifactor.enable`), `always` (every password login: the login page asks for a one-time code, the password grant answers 403 `mfa_required`)."),
      })
      .default({ policy: DEFAULTS.mfa.policy })
      .describe("Auth0's multi-factor authentication (one-time-password authenticators); codes a test can read at `GET /_mock/users/<id>/otp`."),
    passwordless: passwordless
      .default({ email: { ...DEFAULTS.passwordlessConnection, users: [] }, sms: { ...DEFAULTS.passwordlessConnection, users: [] } })
      .describe("Auth0's passwordless connections `email` and `sms` (`POST /passwordless/start`): their sign-up setting and their users (`email|…`, `sms|…`). A tenant database user with the address signs in instead."),
    emailTemplates: emailTemplates
      .default({ verifyEmail: { urlLifetime: DEFAULTS.emailUrlLifetime }, resetPassword: { urlLifetime: DEFAULTS.emailUrlLifetime } })
      .describe('The emails mock-idp keeps in its outbox instead of sending them.'),
    organizations: z.array(organization).default([]).describe("Auth0 Organizations: business customers whose members log in through `/authorize?organization=` and get `org_id` in their tokens."),
    allowOrganizationNameInAuthenticationApi: z
      .boolean()
      .default(false)
      .describe('Auth0\'s tenant setting: `organization=<name>` is accepted on /authorize and tokens carry `org_name` beside `org_id`.'),
    pkce: z
      .strictObject({
        plain: z
          .enum(PKCE_PLAIN_POLICIES)
          .default(DEFAULTS.pkcePlain)
          .describe('Who may send `code_challenge_method=plain` (Auth0 lists it in discovery, its docs recommend S256): `confidential` applications (with a secret; public ones must use S256, since their code is bound to nothing else), `all`, or `never` (S256 only; discovery then lists only S256).'),
      })
      .default({ plain: DEFAULTS.pkcePlain })
      .describe('PKCE (RFC 7636) on /authorize. S256 is accepted from every application and required from public ones (SPA, native).'),
    actions: actions
      .default({ postLogin: [], credentialsExchange: [], secrets: {}, timeoutMs: DEFAULTS.actionTimeoutMs })
      .describe("Auth0 Actions: the tenant's own code run on logins and token requests (custom claims, scopes, access decisions, metadata)."),
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
    duplicates(tenant.roles, (r) => roleIdOf(r), 'roles', 'id');
    duplicates(tenant.users, (u) => u.sub, 'users', 'sub');
    duplicates(tenant.users, (u) => u.email.toLowerCase(), 'users', 'email');
    duplicates(tenant.applications, (a) => a.clientId, 'applications', 'clientId');
    duplicates(tenant.organizations, (o) => o.id, 'organizations', 'id');
    duplicates(tenant.organizations, (o) => o.name, 'organizations', 'name');

    const permissionsOf = new Map(tenant.apis.map((a) => [a.identifier, new Set(a.permissions.map((p) => p.value))]));
    const managementScopes = new Set<string>(MANAGEMENT_SCOPES);
    const checkPermissions = (audience: string, permissions: string[], path: (string | number)[], orManagementApi = false) => {
      const known = permissionsOf.get(audience) ?? (orManagementApi && namesManagementApi(audience) ? managementScopes : undefined);
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
      for (const [j, g] of a.clientGrants.entries()) checkPermissions(g.audience, g.permissions, ['applications', i, 'clientGrants', j, 'audience'], true);
    });
    tenant.users.forEach((u, i) => {
      for (const [audience, perms] of Object.entries(u.permissions)) checkPermissions(audience, perms, ['users', i, 'permissions', audience]);
    });

    const roleNames = new Set(tenant.roles.map((r) => r.name));
    const checkRoles = (roles: string[], path: (string | number)[]) => roles.forEach((r, k) => {
      if (!roleNames.has(r)) ctx.addIssue({ code: 'custom', path: [...path, k], message: `unknown role "${r}"` });
    });
    for (const [i, u] of tenant.users.entries()) checkRoles(u.roles, ['users', i, 'roles']);
    const people = new Set([...tenant.users, ...tenant.socialConnections.flatMap((c) => [c.user, ...c.users])].flatMap((u) => [u.sub, u.email.toLowerCase()]));
    for (const [i, o] of tenant.organizations.entries()) {
      for (const [j, m] of o.members.entries()) {
        if (!people.has(m.user) && !people.has(m.user.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['organizations', i, 'members', j, 'user'], message: `unknown user "${m.user}"` });
        checkRoles(m.roles, ['organizations', i, 'members', j, 'roles']);
      }
    }
    const passwordlessUsers: Array<[connection: string, users: Array<{ sub: string; roles: string[]; address: string }>]> = [
      ['email', tenant.passwordless.email.users.map((u) => ({ ...u, address: u.email.toLowerCase() }))],
      ['sms', tenant.passwordless.sms.users.map((u) => ({ ...u, address: u.phoneNumber }))],
    ];
    for (const [connection, users] of passwordlessUsers) {
      for (const [j, u] of users.entries()) checkRoles(u.roles, ['passwordless', connection, 'users', j, 'roles']);
      duplicates(users, (u) => u.sub, `passwordless.${connection}.users`, 'sub');
      duplicates(users, (u) => u.address, `passwordless.${connection}.users`, connection === 'email' ? 'email' : 'phoneNumber');
    }
    for (const [i, c] of tenant.socialConnections.entries()) {
      checkRoles(c.user.roles, ['socialConnections', i, 'user', 'roles']);
      for (const [j, u] of c.users.entries()) checkRoles(u.roles, ['socialConnections', i, 'users', j, 'roles']);
      for (const field of ['sub', 'email'] as const) {
        const key = (u: { sub: string; email: string }) => (field === 'email' ? u.email.toLowerCase() : u.sub);
        const seen = new Set([key(c.user)]);
        c.users.forEach((u, j) => {
          if (seen.has(key(u))) ctx.addIssue({ code: 'custom', path: ['socialConnections', i, 'users', j, field], message: `duplicate ${field} "${u[field]}" in connection ${c.name}` });
          seen.add(key(u));
        });
      }
    }
  }, whenWellFormed(tenantRefinementReads))
  .meta({ title: 'mock-idp tenant file', description: TENANT_DESCRIPTION });

/** A tenant file as written (defaults optional). */
export type TenantInput = z.input<typeof tenantSchema>;
/** A validated tenant with every default filled in. */
export type Tenant = z.output<typeof tenantSchema>;
export type Api = Tenant['apis'][number];
export type Role = Tenant['roles'][number];
export type User = Tenant['users'][number];
export type Application = Tenant['applications'][number];
export type SocialConnection = Tenant['socialConnections'][number];
export type PasswordlessUser = Tenant['passwordless']['email']['users'][number] | Tenant['passwordless']['sms']['users'][number];
export type Organization = Tenant['organizations'][number];
export type ActionSettings = Tenant['actions'];
export type DatabaseConnectionSettings = Tenant['databaseConnection'];
