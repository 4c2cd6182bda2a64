/** A fault id that names no preset. */
export class UnknownFaultError extends Error {
  readonly code = 'ERR_UNKNOWN_FAULT';
  constructor(
    readonly faultId: string,
    /** Preset ids of the case when `faultId` is a case id with variants (e.g. `RS-23`). */
    readonly variants: readonly string[] = [],
  ) {
    super(
      variants.length > 0
        ? `fault "${faultId}" has variants; use one of: ${variants.join(', ')}`
        : `unknown fault "${faultId}"`,
    );
    this.name = 'UnknownFaultError';
  }
}

/** The token input or the fault context cannot produce the asked-for fault. */
export class FaultInputError extends Error {
  readonly code = 'ERR_FAULT_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'FaultInputError';
  }
}
