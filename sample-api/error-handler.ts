/**
 * The API's last middleware. Every error is first classified into a closed set of
 * outcomes; only an error that fits none of them (a genuine bug) answers 500.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { UnauthorizedError } from 'express-jwt';
import { AuthError, assertNever, sendAuthFailure, type AuthFailure } from './auth/errors.js';
import { signingKeyFailure } from './auth/check-jwt.js';

export type Outcome =
  | AuthFailure
  /** A client error raised by a body parser (malformed JSON, body too large...). */
  | { kind: 'bad_request'; status: number; description: string }
  | { kind: 'bug'; error: unknown };

const JSONWEBTOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);
const JWKS_ERRORS = new Set(['SigningKeyNotFoundError', 'JwksRateLimitError', 'JwksError', 'ArgumentError']);

export function classifyError(err: unknown): Outcome {
  if (err instanceof AuthError) return err.failure;
  if (err instanceof UnauthorizedError) return fromExpressJwt(err);
  // Reached only if jwks-rsa's handleSigningKeyError hook is bypassed: still never a 500.
  if (err instanceof Error && (JWKS_ERRORS.has(err.name) || isEndpointUnavailable(err))) {
    return signingKeyFailure(err).failure;
  }
  const status = clientErrorStatus(err);
  if (status !== undefined) {
    return { kind: 'bad_request', status, description: 'The request could not be read' };
  }
  return { kind: 'bug', error: err };
}

function fromExpressJwt(err: UnauthorizedError): AuthFailure {
  switch (err.code) {
    case 'credentials_required':
    case 'credentials_bad_scheme':
      return { kind: 'missing_token' };
    case 'credentials_bad_format':
      return { kind: 'invalid_request', description: 'Format is Authorization: Bearer <token>' };
    default: {
      // invalid_token, revoked_token, or any code a later express-jwt adds.
      const inner = err.inner;
      const description =
        inner instanceof Error && JSONWEBTOKEN_ERRORS.has(inner.name)
          ? inner.message // library text, never token content
          : 'The access token is malformed';
      return { kind: 'invalid_token', description };
    }
  }
}

export function createErrorHandler(realm: string): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const outcome = classifyError(err);
    switch (outcome.kind) {
      case 'missing_token':
      case 'invalid_request':
      case 'invalid_token':
      case 'insufficient_scope':
      case 'idp_unavailable':
        sendAuthFailure(res, outcome, realm);
        return;
      case 'bad_request':
        res.status(outcome.status).json({ error: 'invalid_request', error_description: outcome.description });
        return;
      case 'bug':
        sendInternalError(res, outcome.error);
        return;
      default:
        assertNever(outcome);
    }
  };
}

function sendInternalError(res: Response, error: unknown): void {
  console.error('sample-api: unexpected error', error);
  res.status(500).json({ error: 'server_error', error_description: 'Internal server error' });
}

function isEndpointUnavailable(err: Error): boolean {
  return (err as { isEndpointUnavailable?: unknown }).isEndpointUnavailable === true;
}

/** http-errors style client errors (body-parser): `status` 4xx with `expose: true`. */
function clientErrorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : undefined;
}
