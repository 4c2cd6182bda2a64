import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { clientAddress } from '../../oidc/client-address.js';
import { HttpError } from '../errors.js';

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export interface AdminAccess {
  /** Accept admin calls from other hosts (only with `adminToken`: startMockIdp refuses it without). Default false. */
  allowRemote?: boolean;
  /** When set, every admin call needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** The issuer: its origin is the mock's own, the one origin a state-changing admin call may come from. */
  issuer?: string;
}

/** The stable `error` codes of the guard's refusals (with the status each answers). */
export const ADMIN_REFUSALS = {
  /** 403: a caller that is not on loopback (without allowRemoteAdmin). */
  notLoopback: 'forbidden',
  /** 401: no admin token, or a wrong one. */
  unauthorized: 'unauthorized',
  /** 403: a state-changing call from another site (`Sec-Fetch-Site`) or another origin (`Origin`, `null` included). */
  crossSite: 'cross_origin_request',
  /** 403: a state-changing call without `Content-Type: application/json` (what a cross-site form can send) and without the admin token. */
  jsonRequired: 'json_required',
} as const;

/** Methods that change nothing: every other one must pass the cross-site checks. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The media type of the body without its parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
function mediaType(ctx: Context): string {
  return (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Where the request says it comes from, if that is not the mock itself: the issuer's origin, or the
 * origin the request was addressed to (its scheme and Host; the Host allow-list runs first).
 */
function foreignSource(ctx: Context, issuerOrigin: string | undefined): string | undefined {
  const site = ctx.get('sec-fetch-site').toLowerCase();
  // same-site is another origin too: on localhost every other port (sample-app, a dev server) is same-site.
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = ctx.get('origin');
  if (origin === '') return undefined;
  // As the browser reached the mock (with trustProxy, X-Forwarded-Proto / -Host); Koa 3's ctx.origin is the Origin header itself.
  const own = [issuerOrigin, `${ctx.protocol}://${ctx.host}`].map((o) => o?.toLowerCase());
  return own.includes(origin.toLowerCase()) ? undefined : `Origin: ${origin}`;
}

/** The debugger page's form (POST /_mock/, a form body) is checked by its own CSRF token, in the route. */
const isDebuggerForm = (ctx: Context) => ctx.method === 'POST' && (ctx.path === '/_mock/' || ctx.path === '/_mock');

/**
 * The admin API answers loopback callers only (unless told otherwise) and checks the optional admin token.
 * A state-changing call (any method but GET, HEAD, OPTIONS) must also come from the mock's own origin (no
 * `Sec-Fetch-Site: cross-site` / `same-site`, no foreign `Origin`) and carry `Content-Type: application/json`
 * or the admin token: neither can a cross-site form or a simple fetch send without a CORS preflight, and the
 * admin API answers no preflight.
 */
export function adminGuard({ allowRemote = false, adminToken, issuer }: AdminAccess): Middleware {
  const issuerOrigin = issuer !== undefined && URL.canParse(issuer) ? new URL(issuer).origin : undefined;
  return async (ctx, next) => {
    // Behind a trusted proxy on this machine every socket is loopback: the caller is the address the proxy saw (oidc/client-address.ts).
    if (!allowRemote && !isLoopbackAddress(clientAddress(ctx.req, ctx.app.proxy))) {
      throw new HttpError(403, 'the admin API answers loopback callers only', ADMIN_REFUSALS.notLoopback);
    }
    const given = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1];
    const hasToken = adminToken !== undefined && given !== undefined && sameSecret(given, adminToken);
    if (adminToken !== undefined && !hasToken) {
      ctx.set('WWW-Authenticate', 'Bearer realm="mock-idp admin"');
      throw new HttpError(401, 'the admin API needs Authorization: Bearer <admin token>', ADMIN_REFUSALS.unauthorized);
    }
    if (!SAFE_METHODS.has(ctx.method)) {
      const foreign = foreignSource(ctx, issuerOrigin);
      if (foreign) throw new HttpError(403, `the admin API refuses a ${ctx.method} from another site or origin (${foreign})`, ADMIN_REFUSALS.crossSite);
      if (!hasToken && !isDebuggerForm(ctx) && mediaType(ctx) !== 'application/json') {
        throw new HttpError(403, `a ${ctx.method} to the admin API needs Content-Type: application/json (or the admin token), even with an empty body`, ADMIN_REFUSALS.jsonRequired);
      }
    }
    await next();
  };
}
