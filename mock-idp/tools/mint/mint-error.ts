/** A mint request that cannot be served: 400 (bad field) or 404 (unknown user or client). */
export class MintError extends Error {
  constructor(readonly status: 400 | 404, readonly code: 'invalid_request' | 'not_found', message: string, readonly field?: string) {
    super(message);
    this.name = 'MintError';
  }
}
