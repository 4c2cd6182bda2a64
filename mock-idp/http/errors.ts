/** An error whose status and message are safe to show to the caller (Koa reads `status` and `expose`). */
export class HttpError extends Error {
  readonly expose = true;
  constructor(readonly status: number, message: string, readonly code: string = status === 404 ? 'not_found' : 'invalid_request') {
    super(message);
  }
}

export function fail(status: number, message: string, code?: string): never {
  throw new HttpError(status, message, code);
}
