import type { AuthorizationCode, Configuration } from 'oidc-provider';
import type { OfflineRequests } from '../core/offline-requests.js';
import type { Directory } from '../core/directory.js';

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
