import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * oidc-provider's cookie signatures (`cookies.keys`, which it documents as keygrip keys or "an instance of
 * KeyGrip"): the same signatures keygrip makes by default (HMAC-SHA1, base64url without padding, the first
 * key signs, every key verifies), checked with node's `timingSafeEqual`. Keygrip's default comparison
 * (tsscmp: a random key and two more HMACs per check) and the Keygrip koa builds per request from a key
 * array cost about 3 % of a headless login's CPU; this one is built once per provider.
 */
export class CookieSigner {
  readonly #keys: readonly string[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new TypeError('CookieSigner: at least one key is needed');
    this.#keys = [...keys];
  }

  #digest(data: string, key: string): string {
    return createHmac('sha1', key).update(data).digest('base64url');
  }

  sign(data: string): string {
    return this.#digest(data, this.#keys[0]!);
  }

  /** The index of the key that made `digest` (-1: none). */
  index(data: string, digest: string): number {
    const given = Buffer.from(String(digest));
    return this.#keys.findIndex((key) => {
      const expected = Buffer.from(this.#digest(data, key));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }
}
