import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { fail } from './errors.js';

/** The hidden field of the login, social, consent and abort forms. */
export const CSRF_FIELD = '_csrf';

/**
 * The login forms' CSRF defence: each form carries an HMAC of its
 * interaction's uid under a secret of this app (made at start, never shown),
 * so a token is good for one login attempt only; and a POST whose `Origin`
 * is another origin (or `null`) is refused whatever it carries. Browsers send
 * the mock's own origin on its forms (Referrer-Policy same-origin); clients
 * without an Origin header (curl, the headless browser) need the token.
 */
export class InteractionCsrf {
  readonly #random = randomBytes(32);
  /** The secret derived from the last cookie key seen (derived again only when the key changes: an import or a restart). */
  #derived: { key: string; secret: Buffer } | undefined;

  /**
   * `cookieKey`: derive the secret from the mock's cookie key instead (the same on every replica on Redis,
   * and after a restart with a data directory), so a form served by one replica posts to another.
   */
  constructor(private readonly cookieKey?: () => string | undefined) {}

  #secret(): Buffer {
    const key = this.cookieKey?.();
    if (key === undefined) return this.#random;
    if (this.#derived?.key !== key) this.#derived = { key, secret: createHmac('sha256', key).update('mock-idp interaction csrf').digest() };
    return this.#derived.secret;
  }

  token(uid: string): string {
    return createHmac('sha256', this.#secret()).update(`interaction:${uid}`).digest('base64url');
  }

  /** Throws a 403 unless the POST comes from no other origin and carries this interaction's token. */
  check(ctx: Context, uid: string, form: URLSearchParams): void {
    const origin = ctx.get('origin');
    // The mock's own origin, as the browser reached it (Koa 3's ctx.origin is the Origin header itself).
    const own = `${ctx.protocol}://${ctx.host}`;
    if (origin !== '' && origin !== own) fail(403, `this form was posted from another origin (${origin}): start again from the application`, 'cross_origin_request');
    const given = Buffer.from(form.get(CSRF_FIELD) ?? '');
    const expected = Buffer.from(this.token(uid));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      fail(403, 'the form has no valid CSRF token for this login attempt: reload the login page', 'invalid_csrf_token');
    }
  }
}
