export type TlsErrorCode =
  /** ca.pem or ca-key.pem is missing, unreadable, not PEM, not a CA, or the key does not match the certificate. */
  | 'ERR_TLS_CA_CORRUPT'
  /** The CA certificate is past its notAfter date. */
  | 'ERR_TLS_CA_EXPIRED'
  /** A name given for a server certificate is neither a DNS name nor an IP address. */
  | 'ERR_TLS_INVALID_NAME'
  /** The file that NODE_EXTRA_CA_CERTS names, to be kept in the CA bundle, cannot be read. */
  | 'ERR_TLS_EXTRA_CA_UNREADABLE'
  /** MOCK_IDP_HOME (or ~/.mock-idp) cannot be created or written: the CA cannot be kept there. */
  | 'ERR_TLS_HOME_UNUSABLE';

/** The local certificate authority's errors, with a stable `code` to branch on (like jose's `ERR_JWT_EXPIRED`). */
export class TlsError extends Error {
  constructor(readonly code: TlsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TlsError';
  }
}
