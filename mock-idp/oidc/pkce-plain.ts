import { createHash } from 'node:crypto';
import type { Directory } from '../core/directory.js';
import { isPublicApplication } from './clients.js';

/** RFC 7636 4.1: a code verifier (and so a `plain` challenge) is 43-128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * PKCE `code_challenge_method=plain`, which oidc-provider 9 no longer offers:
 * with `plain` the verifier equals the challenge, so the challenge is stored
 * in its S256 form (BASE64URL(SHA256(challenge))) with method S256, and the
 * token endpoint's check S256(verifier) == stored challenge holds exactly when
 * verifier == challenge. Who may send it is the tenant's `pkce.plain`:
 * `confidential` (default) for applications with a secret, `all`, or `never`.
 * A `plain` challenge that is refused, or not a well-formed verifier, is left
 * as it came for oidc-provider to refuse (400 `invalid_request`).
 */
export function plainChallengeAsS256(directory: Directory): (params: URLSearchParams) => void {
  return (params) => {
    const methods = params.getAll('code_challenge_method');
    const challenges = params.getAll('code_challenge');
    if (methods.length !== 1 || methods[0] !== 'plain' || challenges.length !== 1 || !VERIFIER.test(challenges[0]!)) return;
    if (!plainAllowed(directory, params.get('client_id'))) return;
    params.set('code_challenge', createHash('sha256').update(challenges[0]!).digest('base64url'));
    params.set('code_challenge_method', 'S256');
  };
}

function plainAllowed(directory: Directory, clientId: string | null): boolean {
  const policy = directory.tenant.pkce.plain;
  if (policy === 'never') return false;
  const app = clientId === null ? undefined : directory.application(clientId);
  return app !== undefined && (policy === 'all' || !isPublicApplication(app));
}

/** Whether discovery lists `plain` among `code_challenge_methods_supported`. */
export function offersPlain(directory: Directory): boolean {
  return directory.tenant.pkce.plain !== 'never';
}
