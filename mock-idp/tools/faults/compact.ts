/**
 * Hand assembly of compact JWS strings (`header.payload.signature`), for the
 * shapes jose refuses to produce: `alg: none`, HMAC keyed with a public key,
 * empty or all-zero signatures, cut or extra segments.
 */
import { createHmac, type KeyObject } from 'node:crypto';
import { CompactSign, base64url } from 'jose';

/** A JOSE header; `alg` is a plain string so that `none` and its case tricks fit. */
export type Header = { alg: string } & Record<string, unknown>;
export type Claims = Record<string, unknown>;

const encoder = new TextEncoder();

/** base64url of the JSON text of a header or claims set. */
export function encodeSegment(value: Header | Claims): string {
  return base64url.encode(JSON.stringify(value));
}

/** Parses one base64url JSON segment. */
export function decodeSegment(segment: string): Claims {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segment))) as Claims;
}

export interface CompactParts {
  header: string;
  payload: string;
  signature: string;
}

/** Splits a three-segment compact JWS. */
export function splitCompact(token: string): CompactParts {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    throw new TypeError('not a three-segment compact JWS');
  }
  return { header, payload, signature };
}

/** `header.payload.signature` from encoded segments; `signature` may be empty. */
export function joinCompact({ header, payload, signature }: CompactParts): string {
  return `${header}.${payload}.${signature}`;
}

/** A JWS with the given header and claims and a fixed signature (base64url, or raw bytes). */
export function withSignature(header: Header, claims: Claims, signature: string | Uint8Array): string {
  return joinCompact({
    header: encodeSegment(header),
    payload: encodeSegment(claims),
    signature: typeof signature === 'string' ? signature : base64url.encode(signature),
  });
}

/** An HS256 JWS computed with node:crypto, which (unlike jose) takes any secret: empty, a PEM, a JSON text. */
export function signHs256(header: Header, claims: Claims, secret: string): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
  const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${mac}`;
}

/** A properly signed JWS with exactly this header (jose checks that the key fits `alg`). */
export async function signJws(header: Header, claims: Claims, key: CryptoKey | KeyObject): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader(header).sign(key);
}

/** One signature character flipped (a middle one: the last base64url character may carry only padding bits), so no verifier accepts it. */
export function flipSignature(token: string): string {
  const start = token.lastIndexOf('.') + 1;
  const i = start + Math.floor((token.length - start) / 2);
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}
