/**
 * Where the API takes its access token from: the Authorization header only.
 * Used as express-jwt's `getToken`; returning `undefined` means "no token"
 * (401 with a bare challenge), throwing an AuthError answers at once.
 */
import type { Request } from 'express';
import { invalidRequest } from './errors.js';

export function bearerTokenFromHeader(req: Request): string | undefined {
  const headers = req.headersDistinct.authorization ?? [];
  const inQuery = hasQueryToken(req);
  // Node keeps only the first of duplicated Authorization headers: refuse rather than guess.
  if (headers.length > 1) throw invalidRequest('Send exactly one Authorization header');
  const header = headers[0];
  // RFC 6750 §3.1: more than one method of sending the token is an invalid_request.
  if (header !== undefined && inQuery) {
    throw invalidRequest('Send the access token in the Authorization header only');
  }
  // A query-string token (RFC 6750 §2.3) is not accepted: the request carries no credentials.
  if (header === undefined) return undefined;

  const match = /^([^\s]+)(?:[ \t]+(.*))?$/.exec(header.trim());
  if (match === null) throw invalidRequest('Malformed Authorization header');
  const scheme = match[1] ?? '';
  const credentials = (match[2] ?? '').trim();
  // Another scheme (Basic, Digest...) brings no bearer credentials.
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  if (credentials === '' || /\s/.test(credentials)) {
    throw invalidRequest('Format is Authorization: Bearer <token>');
  }
  return credentials;
}

function hasQueryToken(req: Request): boolean {
  const query: unknown = req.query;
  return typeof query === 'object' && query !== null && Object.hasOwn(query, 'access_token');
}
