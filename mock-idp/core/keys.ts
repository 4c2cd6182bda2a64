import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MockIdpError } from './errors.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A signing key as oidc-provider's `jwks` takes it: a private RSA JWK with `kid`, `alg`, `use`. */
export type PrivateJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig'; d: string };

export class KeyRingError extends MockIdpError {
  declare readonly code: 'ERR_KEY_NOT_FOUND' | 'ERR_KEY_ACTIVE' | 'ERR_KEY_FILE';
  constructor(code: 'ERR_KEY_NOT_FOUND' | 'ERR_KEY_ACTIVE' | 'ERR_KEY_FILE', message: string) {
    super(code, message);
  }
}

export interface KeyInfo {
  kid: string;
  /**
   * `active` signs new tokens; `published` is only in the JWKS (the previous key, until retired);
   * `next` is published ahead of use and becomes the signing key at the next rotation.
   */
  status: 'active' | 'published' | 'next';
}

/** Reads a JWKS file of private signing keys (the shipped development key). */
export function readKeyFile(file: string): PrivateJwk[] {
  try {
    const { keys } = JSON.parse(readFileSync(file, 'utf8')) as { keys: PrivateJwk[] };
    if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => !k.kid || !k.d)) throw new Error('expected {"keys": [private JWKs with kid]}');
    return keys;
  } catch (cause) {
    throw new KeyRingError('ERR_KEY_FILE', `cannot use signing keys from ${file}: ${(cause as Error).message}`);
  }
}

/** Whether a private JWK from outside (the admin API) is a working RSA key pair: it signs, and its public half verifies that. */
export function isUsableSigningKey(jwk: PrivateJwk): boolean {
  try {
    const privateKey = createPrivateKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
    if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return false;
    const probe = Buffer.from('mock-idp signing-key probe');
    return verify('sha256', probe, createPublicKey(privateKey), sign('sha256', probe, privateKey));
  } catch {
    return false;
  }
}

export async function generateSigningKey(): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = (await calculateJwkThumbprint(jwk)).slice(0, 16);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' } as PrivateJwk;
}

/**
 * The tenant's signing keys, newest first. The first key signs; the others stay
 * published in the JWKS (so tokens they signed still verify) until retired.
 * No key is generated at start-up: the ring starts from the shipped key file.
 */
export class KeyRing {
  #keys: PrivateJwk[];
  /** kid of the key published ahead of use (signs once rotated in), if any. */
  #next: string | undefined;

  constructor(initial: readonly PrivateJwk[]) {
    this.#keys = [...initial];
  }

  /** Private keys in signing order, as oidc-provider's `jwks.keys` wants them. */
  get signingKeys(): PrivateJwk[] {
    return [...this.#keys];
  }

  /** The public JWKS, as served at /.well-known/jwks.json. */
  get publicKeys(): JWK[] {
    return this.#keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub);
  }

  get active(): PrivateJwk {
    const [first] = this.#keys;
    if (!first) throw new KeyRingError('ERR_KEY_NOT_FOUND', 'the key ring is empty');
    return first;
  }

  list(): KeyInfo[] {
    return this.#keys.map((k, i) => ({ kid: k.kid, status: i === 0 ? 'active' : k.kid === this.#next ? 'next' : 'published' }));
  }

  /** The ring as it is, to put back with `restore()` when a change must be undone. */
  snapshot(): { keys: PrivateJwk[]; next: string | undefined } {
    return { keys: [...this.#keys], next: this.#next };
  }

  restore(snapshot: { keys: PrivateJwk[]; next: string | undefined }): void {
    this.#keys = [...snapshot.keys];
    this.#next = snapshot.next;
  }

  reset(keys: readonly PrivateJwk[]): void {
    this.#keys = [...keys];
    this.#next = undefined;
  }

  /**
   * Publishes a key in the JWKS without signing with it yet, as Auth0 publishes
   * its next signing key ahead of a rotation; `rotate()` then promotes it.
   * When a next key is already pending (and none is given) it is kept.
   */
  async publishNext(next?: PrivateJwk): Promise<KeyInfo[]> {
    if (next === undefined && this.#next !== undefined) return this.list();
    const key = next ?? (await generateSigningKey());
    const [active, ...rest] = this.#keys.filter((k) => k.kid !== key.kid);
    if (!active) throw new KeyRingError('ERR_KEY_NOT_FOUND', 'the key ring is empty');
    this.#keys = [active, key, ...rest];
    this.#next = key.kid;
    return this.list();
  }

  /**
   * Signs with a new key from now on; the previous key stays published. Without
   * an argument the next key published by `publishNext()` is promoted, if any,
   * else a new key is generated.
   */
  async rotate(next?: PrivateJwk): Promise<KeyInfo[]> {
    const pending = next === undefined ? this.#keys.find((k) => k.kid === this.#next) : undefined;
    const key = next ?? pending ?? (await generateSigningKey());
    this.#keys = [key, ...this.#keys.filter((k) => k.kid !== key.kid)];
    if (this.#next === key.kid) this.#next = undefined;
    return this.list();
  }

  /**
   * Removes a published key from the JWKS (default: the oldest one that is not
   * the next key). The active key cannot be retired.
   */
  retire(kid?: string): KeyInfo[] {
    const target = kid ?? this.#keys.slice(1).findLast((k) => k.kid !== this.#next)?.kid;
    if (target === undefined) throw new KeyRingError('ERR_KEY_ACTIVE', 'only the active key is left: rotate before retiring');
    const index = this.#keys.findIndex((k) => k.kid === target);
    if (index === -1) throw new KeyRingError('ERR_KEY_NOT_FOUND', `no key with kid "${target}"`);
    if (index === 0) throw new KeyRingError('ERR_KEY_ACTIVE', `"${target}" is the active signing key: rotate before retiring it`);
    this.#keys.splice(index, 1);
    if (this.#next === target) this.#next = undefined;
    return this.list();
  }
}
