import { MockIdpError } from '../core/errors.js';

/** An error whose status and message are safe to show to the caller (Koa reads `status` and `expose`). */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = status === 404 ? 'not_found' : 'invalid_request',
  ) {
    super(message);
  }
}

export function fail(status: number, message: string, code?: string): never {
  throw new HttpError(status, message, code);
}

/** The one mapping from mock-idp's domain error codes to an HTTP status and an RFC-style `error`. */
const STATUS_OF: Record<string, [status: number, error: string]> = {
  ERR_INVALID_INPUT: [400, 'invalid_request'],
  ERR_TENANT_INVALID: [400, 'invalid_request'],
  ERR_UNKNOWN_FAULT: [400, 'invalid_request'],
  ERR_FAULT_INPUT: [400, 'invalid_request'],
  ERR_UNKNOWN_USER: [404, 'not_found'],
  ERR_UNKNOWN_CLIENT: [404, 'not_found'],
  ERR_UNKNOWN_ORGANIZATION: [404, 'not_found'],
  ERR_DUPLICATE_ORGANIZATION: [409, 'conflict'],
  ERR_UNKNOWN_CONNECTION: [404, 'not_found'],
  ERR_DUPLICATE_CONNECTION: [409, 'conflict'],
  ERR_KEY_NOT_FOUND: [404, 'not_found'],
  ERR_KEY_ACTIVE: [409, 'conflict'],
  ERR_DUPLICATE_EMAIL: [409, 'conflict'],
  ERR_DUPLICATE_SUB: [409, 'conflict'],
  ERR_PASSWORD_STRENGTH: [400, 'invalid_password'],
  ERR_SIGNUP_DISABLED: [400, 'invalid_request'],
  ERR_EMAIL_LINK: [400, 'invalid_ticket'],
  ERR_NO_AUTHENTICATOR: [404, 'not_found'],
  ERR_STATE_CORRUPT: [400, 'invalid_request'],
  ERR_STATE_NEWER: [400, 'invalid_request'],
  ERR_STATE_SHARED: [409, 'conflict'],
  ERR_STATE_CONFLICT: [409, 'concurrent_change'],
};

/** A domain error as the HTTP error it answers; anything else unchanged (a 500 unless it says otherwise). */
export function asHttpError(err: unknown): unknown {
  if (!(err instanceof MockIdpError)) return err;
  const mapped = STATUS_OF[err.code];
  return mapped ? new HttpError(mapped[0], err.message, mapped[1]) : err;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error' };

/** An answer of Auth0's Management API: `{ statusCode, error, message, errorCode }` (401s carry `attributes` instead of a code, as Auth0's). */
export class ManagementApiError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    const base = { statusCode: this.statusCode, error: REASONS[this.statusCode] ?? 'Error', message: this.message };
    if (this.statusCode === 401) return { ...base, attributes: { error: this.message } };
    return this.errorCode === undefined ? base : { ...base, errorCode: this.errorCode };
  }
}

/** Domain error code → the Management API's status, errorCode and (where Auth0's wording is known) message. */
const MANAGEMENT_OF: Record<string, [status: number, errorCode: string | undefined, message?: string]> = {
  ERR_PASSWORD_STRENGTH: [400, undefined, 'PasswordStrengthError: Password is too weak'],
  ERR_INVALID_INPUT: [400, 'invalid_body'],
  ERR_TENANT_INVALID: [400, 'invalid_body'],
  ERR_UNKNOWN_USER: [404, 'inexistent_user', 'The user does not exist.'],
  ERR_UNKNOWN_ROLE: [404, 'inexistent_role', 'The role does not exist.'],
  ERR_UNKNOWN_CLIENT: [404, 'inexistent_client', 'The client does not exist'],
  ERR_DUPLICATE_EMAIL: [409, 'auth0_idp_error', 'The user already exists.'],
  ERR_DUPLICATE_SUB: [409, 'auth0_idp_error', 'The user already exists.'],
  ERR_DUPLICATE_ROLE: [409, 'conflict'],
  ERR_UNKNOWN_ORGANIZATION: [404, 'inexistent_organization', 'No organization found by that id or name'],
  ERR_DUPLICATE_ORGANIZATION: [409, 'conflict'],
  ERR_UNKNOWN_CONNECTION: [404, 'inexistent_connection'],
  ERR_DUPLICATE_CONNECTION: [409, 'conflict'],
  ERR_STATE_CONFLICT: [409, 'concurrent_change'],
};

/** A domain error (or a body error) as the Management API answers it; anything else unchanged (a 500). */
export function asManagementApiError(err: unknown): unknown {
  if (err instanceof ManagementApiError) return err;
  if (err instanceof MockIdpError) {
    const mapped = MANAGEMENT_OF[err.code];
    if (!mapped) return err;
    const [status, errorCode, message] = mapped;
    return new ManagementApiError(status, message ?? (status === 400 ? `Payload validation error: '${err.message}'.` : err.message), errorCode);
  }
  const status = (err as { status?: unknown }).status;
  // The body reader's refusals (too large, not JSON, wrong type).
  if (err instanceof Error && typeof status === 'number' && status >= 400 && status < 500) return new ManagementApiError(status, status === 400 ? 'Invalid request payload JSON format' : err.message, 'invalid_body');
  return err;
}
