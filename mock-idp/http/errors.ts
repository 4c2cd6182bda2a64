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
  ERR_KEY_NOT_FOUND: [404, 'not_found'],
  ERR_KEY_ACTIVE: [409, 'conflict'],
  ERR_DUPLICATE_EMAIL: [409, 'conflict'],
  ERR_DUPLICATE_SUB: [409, 'conflict'],
  ERR_PASSWORD_STRENGTH: [400, 'invalid_password'],
  ERR_SIGNUP_DISABLED: [400, 'invalid_request'],
  ERR_EMAIL_LINK: [400, 'invalid_ticket'],
};

/** A domain error as the HTTP error it answers; anything else unchanged (a 500 unless it says otherwise). */
export function asHttpError(err: unknown): unknown {
  if (!(err instanceof MockIdpError)) return err;
  const mapped = STATUS_OF[err.code];
  return mapped ? new HttpError(mapped[0], err.message, mapped[1]) : err;
}
