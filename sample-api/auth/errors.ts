/**
 * Authentication and authorization failures of a bearer-token API, and how each
 * one is answered (RFC 6750 §3: status, `WWW-Authenticate` challenge, JSON body).
 */
import type { Response } from 'express';

export type AuthFailure =
  /** No bearer credentials at all: 401 with a bare challenge (RFC 6750 §3.1). */
  | { kind: 'missing_token' }
  /** Malformed request, e.g. two Authorization headers or header + query token: 400. */
  | { kind: 'invalid_request'; description: string }
  /** Expired, forged, malformed or otherwise unacceptable token: 401. */
  | { kind: 'invalid_token'; description: string }
  /** Valid token without the permission the route needs: 403. */
  | { kind: 'insufficient_scope'; description: string; scope: string }
  /** The IdP's key set cannot be fetched or used: 503 with Retry-After, not an auth failure. */
  | { kind: 'idp_unavailable'; description: string; retryAfterSeconds: number };

/** Thrown (or passed to `next`) by the auth middleware; the error handler renders it. */
export class AuthError extends Error {
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure) {
    super('description' in failure ? failure.description : 'No access token');
    this.name = 'AuthError';
    this.failure = failure;
  }
}

export const invalidToken = (description: string): AuthError =>
  new AuthError({ kind: 'invalid_token', description });
export const invalidRequest = (description: string): AuthError =>
  new AuthError({ kind: 'invalid_request', description });

export function sendAuthFailure(res: Response, failure: AuthFailure, realm: string): void {
  switch (failure.kind) {
    case 'missing_token':
      res.set('WWW-Authenticate', challenge(realm));
      res.status(401).json({ error: 'unauthorized', error_description: 'An access token is required' });
      return;
    case 'invalid_request':
    case 'invalid_token':
      res.set('WWW-Authenticate', challenge(realm, failure.kind, failure.description));
      res.status(failure.kind === 'invalid_request' ? 400 : 401);
      res.json({ error: failure.kind, error_description: failure.description });
      return;
    case 'insufficient_scope':
      res.set('WWW-Authenticate', challenge(realm, failure.kind, failure.description, failure.scope));
      res.status(403).json({ error: failure.kind, error_description: failure.description });
      return;
    case 'idp_unavailable':
      res.set('Retry-After', String(failure.retryAfterSeconds));
      res.status(503).json({ error: 'temporarily_unavailable', error_description: failure.description });
      return;
    default:
      assertNever(failure);
  }
}

/** `Bearer realm="...", error="...", error_description="...", scope="..."` */
export function challenge(realm: string, error?: string, description?: string, scope?: string): string {
  const params: Array<[string, string]> = [['realm', realm]];
  if (error !== undefined) params.push(['error', error]);
  if (description !== undefined) params.push(['error_description', description]);
  if (scope !== undefined) params.push(['scope', scope]);
  return `Bearer ${params.map(([name, value]) => `${name}="${quotable(value)}"`).join(', ')}`;
}

/**
 * RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E inside these quoted values:
 * drop everything else so no text (ever) breaks or injects into the header.
 */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '').slice(0, 200);
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
