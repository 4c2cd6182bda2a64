import type { AuthorizationCode, Configuration } from 'oidc-provider';
import { DEFAULTS } from '../core/tenant/defaults.js';
import type { Directory } from '../core/directory.js';

/** What identifies one authorization request in the code it yields: its PKCE challenge, or else its nonce. */
export interface RequestMarks {
  clientId: string;
  codeChallenge?: string | undefined;
  nonce?: string | undefined;
}

const keyOf = ({ clientId, codeChallenge, nonce }: RequestMarks) => {
  const mark = codeChallenge ?? nonce;
  return mark === undefined ? undefined : `${clientId}\n${mark}`;
};

/**
 * Authorization requests that asked for `offline_access` with `prompt=none`.
 * Auth0 answers them with a refresh token (auth0-spa-js's iframe fallback
 * after a reload relies on it); oidc-provider keeps `offline_access` only
 * with `prompt=consent`, which `none` excludes. Such requests are noted on
 * their way in and the code they yield is recognised at the token endpoint.
 */
export class OfflineRequests {
  readonly #noted = new Map<string, number>();

  note(marks: RequestMarks, now = Date.now()): void {
    const key = keyOf(marks);
    if (key === undefined) return;
    for (const [k, expires] of this.#noted) if (expires <= now) this.#noted.delete(k);
    this.#noted.set(key, now + DEFAULTS.authorizationCodeLifetime * 1000);
  }

  asked(marks: RequestMarks, now = Date.now()): boolean {
    const key = keyOf(marks);
    return key !== undefined && (this.#noted.get(key) ?? 0) > now;
  }

  clear(): void {
    this.#noted.clear();
  }
}

/** A noted prompt=none request of a first-party app whose APIs all allow offline access. */
function offlineByNote(directory: Directory, requests: OfflineRequests, source: { kind: string }): boolean {
  if (source.kind !== 'AuthorizationCode') return false;
  const code = source as AuthorizationCode;
  if (!code.clientId || !directory.application(code.clientId)?.firstParty) return false;
  if (!requests.asked({ clientId: code.clientId, codeChallenge: code.codeChallenge, nonce: code.nonce })) return false;
  const audiences = code.resource === undefined ? [] : [code.resource].flat();
  return audiences.every((aud) => directory.api(aud)?.allowOfflineAccess === true);
}

/** oidc-provider's rule (refresh_token grant allowed and `offline_access` granted), plus noted prompt=none requests. */
export function issueRefreshToken(directory: Directory, requests: OfflineRequests): NonNullable<Configuration['issueRefreshToken']> {
  return (_ctx, client, code) => {
    if (!client.grantTypeAllowed('refresh_token')) return false;
    return code.scopes.has('offline_access') || offlineByNote(directory, requests, code);
  };
}

/** oidc-provider's rule (a code without `offline_access` ends with the session), noted requests excepted. */
export function expiresWithSession(directory: Directory, requests: OfflineRequests): NonNullable<Configuration['expiresWithSession']> {
  return (_ctx, code) => !code.scopes.has('offline_access') && !offlineByNote(directory, requests, code);
}
