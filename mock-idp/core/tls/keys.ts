import { KeyObject, randomBytes } from 'node:crypto';

/**
 * ECDSA P-256 with SHA-256 for the CA and every leaf: generated in milliseconds by Node's WebCrypto
 * (RSA-2048 takes tens to hundreds), and accepted by Node's TLS, Chromium, Firefox and Safari.
 */
export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export const webCrypto: Crypto = globalThis.crypto;

/** Extractable, so the key can be written out as PKCS#8 PEM. */
export function generateKeyPair(): Promise<CryptoKeyPair> {
  return webCrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
}

export function privateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * 127 random bits as hex (RFC 5280 wants a positive serial of at most 20 octets). The first octet
 * is kept in 0x40–0x7f: positive, and never a leading zero octet, which strict DER parsers reject.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}
