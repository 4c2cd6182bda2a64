/** Turning the IdP's key into the forms the forges need. */
import { KeyObject, createPublicKey, type JsonWebKey } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { FaultInputError } from './errors.js';
import type { SigningKey } from './types.js';

/** A SigningKey from a private RSA JWK with a `kid`, such as an entry of fixtures/dev-keys.json. */
export async function signingKeyFromJwk(privateJwk: JWK): Promise<SigningKey> {
  const { kid, kty, n, e, d } = privateJwk;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string' || typeof d !== 'string') {
    throw new FaultInputError('the signing key must be a private RSA JWK');
  }
  if (typeof kid !== 'string' || kid === '') throw new FaultInputError('the signing key needs a kid');
  const privateKey = await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256');
  if (!(privateKey instanceof CryptoKey)) throw new FaultInputError('the signing key is not an asymmetric key');
  return { privateKey, publicJwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' }, kid, alg: 'RS256' };
}

const imported = new WeakMap<object, Promise<SigningKey>>();
/** signingKeyFromJwk, once per JWK object (a key ring hands out the same object until it rotates). */
export function cachedSigningKey(privateJwk: JWK): Promise<SigningKey> {
  let key = imported.get(privateJwk);
  if (!key) {
    key = signingKeyFromJwk(privateJwk);
    imported.set(privateJwk, key);
  }
  return key;
}

/**
 * The key as a node KeyObject: not bound to one algorithm the way a Web Crypto
 * key is, so the real RSA key can also sign RS512 and PS256 (RS-27).
 */
export function asKeyObject(key: CryptoKey | KeyObject): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

/** The published public key as a node KeyObject (for encryption, RS-08). */
export function publicKeyObject(key: SigningKey): KeyObject {
  return createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' });
}

/**
 * The public key in PEM (SPKI) form as openssl and node write it, final newline
 * included: the text a key-confusion attacker feeds to HMAC (RS-25).
 */
export function publicKeyPem(key: SigningKey): string {
  return publicKeyObject(key).export({ type: 'spki', format: 'pem' }).toString();
}
