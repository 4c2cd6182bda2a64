import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from '../errors.js';

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export interface AdminAccess {
  /** Accept admin calls from other hosts (only sensible with `adminToken`). Default false. */
  allowRemote?: boolean;
  /** When set, every admin call needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The admin API answers loopback callers only (unless told otherwise) and checks the optional admin token. */
export function adminGuard({ allowRemote = false, adminToken }: AdminAccess): Middleware {
  return async (ctx, next) => {
    if (!allowRemote && !isLoopbackAddress(ctx.req.socket.remoteAddress)) {
      throw new HttpError(403, 'the admin API answers loopback callers only', 'forbidden');
    }
    if (adminToken !== undefined) {
      const given = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1];
      if (!given || !sameSecret(given, adminToken)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="mock-idp admin"');
        throw new HttpError(401, 'the admin API needs Authorization: Bearer <admin token>', 'unauthorized');
      }
    }
    await next();
  };
}
