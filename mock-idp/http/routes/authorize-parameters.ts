import type { InteractionResults } from 'oidc-provider';
import type { Directory } from '../../core/directory.js';
import { DEFAULTS } from '../../core/tenant/defaults.js';
import type { SocialConnection } from '../../core/tenant/schema.js';

/**
 * What Auth0's /authorize parameters change on the login and consent pages
 * (`connection`, `login_hint`, `prompt=select_account`, the consent's scopes).
 * oidc-provider handles the rest itself: `prompt=login` and `max_age` ask for
 * a login again (its interaction policy) and put `auth_time` in the ID token,
 * `ui_locales` is accepted; an unknown `connection` is refused before any page
 * (oidc/connection-parameter.ts).
 */
type Params = Record<string, unknown>;

const param = (params: Params, name: string): string | undefined => (typeof params[name] === 'string' && params[name] !== '' ? (params[name] as string) : undefined);

/** The prompts the login page answers: `login`, and `select_account` (the same page, headed "Choose an account"). */
export function isSignInPrompt(name: string): boolean {
  return name === 'login' || name === 'select_account';
}

/** The interaction result of a sign-in: the login, and the account selection when that was the prompt. */
export function signInResult(promptName: string, login: NonNullable<InteractionResults['login']>): InteractionResults {
  return { login, ...(promptName === 'select_account' ? { select_account: {} } : {}) };
}

export interface LoginPageOptions {
  /** The social buttons: none with `connection=Username-Password-Authentication` (the password form only). */
  social: SocialConnection[];
  /** `login_hint`: the email the form starts with. */
  loginHint: string | undefined;
  selectAccount: boolean;
}

export function loginPageOptions(directory: Directory, params: Params, promptName: string): LoginPageOptions {
  const databaseOnly = param(params, 'connection') === DEFAULTS.databaseConnection;
  return {
    social: databaseOnly ? [] : directory.tenant.socialConnections.filter((c) => c.enabled),
    loginHint: param(params, 'login_hint'),
    selectAccount: promptName === 'select_account',
  };
}

/** `connection=<an enabled social connection>`: Auth0 goes straight to the provider, so the mock signs its user in without a page. */
export function requestedSocialConnection(directory: Directory, params: Params): SocialConnection | undefined {
  const name = param(params, 'connection');
  return name === undefined ? undefined : directory.tenant.socialConnections.find((c) => c.enabled && c.name === name);
}

/** What the OpenID scopes let the application read, as the consent page words them. */
const OIDC_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Sign you in',
  profile: 'Read your profile: name, nickname and picture',
  email: 'Read your email address',
  offline_access: 'Stay signed in to your account when you are not using it',
};

/**
 * The requested scopes as the consent page lists them: each API permission by the description the
 * tenant gives it (Auth0 with `use_scope_descriptions_for_consent`), the permission itself when it has none.
 */
export function consentScopes(directory: Directory, scope: string, audiences: readonly string[]): { scope: string; description: string }[] {
  const apis = audiences.flatMap((audience) => directory.api(audience) ?? []);
  return scope
    .split(' ')
    .filter(Boolean)
    .map((value) => {
      const described = OIDC_SCOPE_DESCRIPTIONS[value] ?? apis.flatMap((api) => api.permissions).find((p) => p.value === value)?.description;
      return { scope: value, description: described || value };
    });
}
