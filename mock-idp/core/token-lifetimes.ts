import { formatDuration } from './clock.js';
import type { Directory } from './directory.js';
import { DEFAULTS } from './tenant/defaults.js';
import type { Tenant } from './tenant/schema.js';

/** One lifetime that applies to a token, and the tenant setting it comes from. */
export interface Lifetime {
  seconds: number;
  /** The tenant setting that decides it, e.g. `apis["https://api.example.com"].tokenLifetime`. */
  setting: string;
  /** `api`: the API's own setting; `application`: the application's; `default`: the setting holds mock-idp's (Auth0's) default, or no setting applies. */
  source: 'api' | 'application' | 'default';
}

const lifetime = (seconds: number, setting: string, owner: 'api' | 'application', fallback: number): Lifetime => ({
  seconds,
  setting,
  source: seconds === fallback ? 'default' : owner,
});

const appSetting = (clientId: string, field: string) => `applications[${JSON.stringify(clientId)}].${field}`;

/** The ID token of an application: its `idTokenLifetime` (Auth0's "ID Token Expiration"). */
export function idTokenLifetime(directory: Pick<Directory, 'application'>, clientId: string): Lifetime {
  const seconds = directory.application(clientId)?.idTokenLifetime ?? DEFAULTS.idTokenLifetime;
  return lifetime(seconds, appSetting(clientId, 'idTokenLifetime'), 'application', DEFAULTS.idTokenLifetime);
}

/**
 * An access token: for an API its `tokenLifetime` (Auth0's "Token Expiration"), whichever application asked;
 * without an audience (an opaque token for /userinfo only) the tenant default.
 */
export function accessTokenLifetime(directory: Pick<Directory, 'api'>, audience: string | undefined): Lifetime {
  const api = audience === undefined ? undefined : directory.api(audience);
  if (!api) return { seconds: DEFAULTS.userinfoAccessTokenLifetime, setting: 'no API: the /userinfo-only default', source: 'default' };
  return lifetime(api.tokenLifetime, `apis[${JSON.stringify(api.identifier)}].tokenLifetime`, 'api', DEFAULTS.accessTokenLifetime);
}

/** The refresh tokens of an application: idle and absolute lifetimes (Auth0's rotating refresh token settings). */
export function refreshTokenLifetimes(directory: Pick<Directory, 'application'>, clientId: string): { idle: Lifetime; absolute: Lifetime; rotation: boolean; reuseInterval: number } {
  const policy = directory.application(clientId)?.refreshToken;
  return {
    idle: lifetime(policy?.idleLifetime ?? DEFAULTS.refreshTokenIdleLifetime, appSetting(clientId, 'refreshToken.idleLifetime'), 'application', DEFAULTS.refreshTokenIdleLifetime),
    absolute: lifetime(policy?.absoluteLifetime ?? DEFAULTS.refreshTokenAbsoluteLifetime, appSetting(clientId, 'refreshToken.absoluteLifetime'), 'application', DEFAULTS.refreshTokenAbsoluteLifetime),
    rotation: policy?.rotation ?? DEFAULTS.refreshTokenRotation,
    reuseInterval: policy?.reuseInterval ?? DEFAULTS.refreshTokenReuseInterval,
  };
}

/**
 * What a new refresh token of an application lives (Auth0's rotating refresh tokens): its idle lifetime, cut to
 * what remains of the absolute lifetime counted from the family's first token (`firstIssuedAt`, s); at least 1 s.
 */
export function refreshTokenExpiresIn(directory: Pick<Directory, 'application'>, clientId: string, firstIssuedAt: number, now: number): number {
  const { idle, absolute } = refreshTokenLifetimes(directory, clientId);
  return Math.max(1, Math.min(idle.seconds, firstIssuedAt + absolute.seconds - now));
}

/** `10h`, `1d12h`: a lifetime compactly (its two largest units). */
const compact = (seconds: number) => formatDuration(seconds, 2);

const describe = (l: Lifetime) => `${compact(l.seconds)}${l.source === 'default' ? ' (default)' : ''}`;

/**
 * The effective lifetimes of a tenant, compactly, one line per application and API:
 * what `mock-idp start` prints.
 */
export function lifetimeLines(tenant: Tenant): string[] {
  const directory = { application: (id: string) => tenant.applications.find((a) => a.clientId === id), api: (aud: string) => tenant.apis.find((a) => a.identifier === aud) };
  const apps = tenant.applications.map((app) => {
    if (app.appType === 'm2m') return `  ${app.clientId} (m2m): access tokens live as long as their API says`;
    const refresh = refreshTokenLifetimes(directory, app.clientId);
    const offline = (app.grantTypes ?? DEFAULTS.grantTypes[app.appType]).includes('refresh_token');
    return `  ${app.clientId}: ID token ${describe(idTokenLifetime(directory, app.clientId))}${offline ? ` · refresh token idle ${describe(refresh.idle)}, absolute ${describe(refresh.absolute)}${refresh.rotation ? ', rotating' : ''}${refresh.reuseInterval ? `, reuse interval ${compact(refresh.reuseInterval)}` : ''}` : ''}`;
  });
  const apis = tenant.apis.map((api) => `  ${api.identifier}: access token ${describe(accessTokenLifetime(directory, api.identifier))}`);
  return [...apps, ...apis, `  no audience (/userinfo only): access token ${describe(accessTokenLifetime(directory, undefined))}`];
}
