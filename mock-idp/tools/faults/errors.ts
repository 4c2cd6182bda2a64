import { MockIdpError } from '../../core/errors.js';

/** A fault id that names no preset. */
export class UnknownFaultError extends MockIdpError {
  constructor(
    readonly faultId: string,
    /** Preset ids of the case when `faultId` is a case id with variants (e.g. `RS-23`). */
    readonly variants: readonly string[] = [],
  ) {
    super(
      'ERR_UNKNOWN_FAULT',
      variants.length > 0
        ? `fault "${faultId}" has variants; use one of: ${variants.join(', ')}`
        : `unknown fault "${faultId}"`,
    );
  }
}

/** The token input or the fault context cannot produce the asked-for fault. */
export class FaultInputError extends MockIdpError {
  constructor(message: string) {
    super('ERR_FAULT_INPUT', message);
  }
}
