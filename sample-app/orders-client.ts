import type { Request } from 'express';

export type ApiResult =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'forbidden'; missing: string | undefined }
  | { kind: 'no_token' }
  | { kind: 'token_refused'; error: string | undefined }
  | { kind: 'unavailable'; detail: string };

/** The missing permission named by an RFC 6750 `insufficient_scope` challenge. */
function missingScope(challenge: string | null): string | undefined {
  return /scope="([^"]*)"/.exec(challenge ?? '')?.[1];
}

/**
 * A refresh answered with an ID token for another user. express-openid-connect 3.4 (openid-client 6)
 * checks a refreshed ID token's iss, aud, azp and expiry but not that it names the session's user
 * (OIDC Core 12.2); without this check the session silently became the other user's (RP-21).
 */
export class RefreshedForAnotherUser extends Error {
  readonly error = 'invalid_grant';
  constructor() {
    super('the refreshed ID token is about another user');
  }
}

/**
 * Calls sample-api with the session's access token, refreshing it first when
 * it has expired (express-openid-connect keeps the refresh token in the session).
 * A refresh that fails (revoked, reused) or names another user throws: the caller
 * ends the session and sends the user to login.
 */
export async function callApi(req: Request, apiUrl: string, method: 'GET' | 'POST', body?: unknown): Promise<ApiResult> {
  let accessToken = req.oidc.accessToken;
  if (!accessToken) return { kind: 'no_token' };
  if (accessToken.isExpired()) {
    const { sub } = req.oidc.idTokenClaims ?? {};
    accessToken = await accessToken.refresh();
    if (req.oidc.idTokenClaims?.sub !== sub) throw new RefreshedForAnotherUser();
  }
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/orders`, {
      method,
      headers: { authorization: `Bearer ${accessToken.access_token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    return { kind: 'unavailable', detail: (err as Error).message };
  }
  if (response.status === 403) return { kind: 'forbidden', missing: missingScope(response.headers.get('www-authenticate')) };
  if (response.status === 401) return { kind: 'token_refused', error: /error="([^"]*)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1] };
  if (!response.ok) return { kind: 'unavailable', detail: `the API answered ${response.status}` };
  return { kind: 'ok', status: response.status, body: await response.json() };
}

/**
 * The `permissions` claim of the session's access token, to choose what the pages offer (the
 * Create order form). Read without verifying it: the app only decides what to show, the API
 * verifies the token and decides what is allowed. Undefined for an opaque token.
 */
export function accessTokenPermissions(accessToken: string | undefined): string[] | undefined {
  const payload = accessToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const { permissions } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { permissions?: unknown };
    return Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === 'string') : undefined;
  } catch {
    return undefined;
  }
}
