/**
 * oidc-provider's cookie signatures (oidc/cookie-signer.ts, its `cookies.keys`): byte for byte keygrip's
 * (koa's default, what a mock before this signer wrote), so that a session cookie kept across an upgrade
 * with a data directory or in Redis still verifies; a wrong or tampered signature does not.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CookieSigner } from '../../mock-idp/oidc/cookie-signer.js';

// keygrip is what koa (under oidc-provider) signs with when given an array of keys.
const Keygrip = createRequire(import.meta.url)('keygrip') as new (keys: string[]) => { sign(data: string): string; index(data: string, digest: string): number };
const DATA = '_session=2f1e9c6f-3a54-4b1d-9d1b-6c3a0e0b8f1a';

describe('CookieSigner', () => {
  it("signs as keygrip does and verifies keygrip's signatures, by the key that made them", () => {
    const keys = ['newer-key', 'older-key'];
    const signer = new CookieSigner(keys);
    const keygrip = new Keygrip(keys);
    expect(signer.sign(DATA)).toBe(keygrip.sign(DATA));
    expect(signer.index(DATA, keygrip.sign(DATA))).toBe(0);
    expect(signer.index(DATA, new Keygrip(['older-key']).sign(DATA))).toBe(1);
    expect(keygrip.index(DATA, signer.sign(DATA))).toBe(0);
  });

  it('refuses a signature of other data, another key, or of another length', () => {
    const signer = new CookieSigner(['the-key']);
    const good = signer.sign(DATA);
    expect(signer.verify(`${DATA}x`, good)).toBe(false);
    expect(signer.verify(DATA, new CookieSigner(['another-key']).sign(DATA))).toBe(false);
    expect(signer.verify(DATA, good.slice(1))).toBe(false);
    expect(signer.verify(DATA, '')).toBe(false);
    expect(signer.verify(DATA, good)).toBe(true);
  });
});
