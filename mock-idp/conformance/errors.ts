/**
 * Why a conformance run could not start: bad options (exit 2), an API that does
 * not answer at all (exit 2), an IdP that cannot be reached or started (exit 2), or that
 * refused a request of the harness itself (ERR_IDP_REFUSED: its status and error, exit 2).
 * A run that starts never throws these for what the API answers.
 */
export type ConformanceSetupCode = 'ERR_OPTIONS' | 'ERR_TARGET_UNREACHABLE' | 'ERR_IDP_UNREACHABLE' | 'ERR_IDP_REFUSED' | 'ERR_IDP_START';

export class ConformanceSetupError extends Error {
  constructor(
    readonly code: ConformanceSetupCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConformanceSetupError';
  }
}

/** The IdP refused to mint a token for a check (e.g. a fault the options cannot express). */
export class MintRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MintRefusedError';
  }
}
