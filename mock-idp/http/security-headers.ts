import type { Middleware } from 'koa';
import { STYLE_SOURCE } from './views/html.js';

/**
 * The policy of every response, pages first: nothing loads but the page
 * shell's stylesheet (by hash) and the favicon, no script runs and nobody may frame it. The
 * pages that need an inline script widen `script-src` by that script's hash
 * (the logout page, oidc-provider's form_post and web_message pages), and the
 * web_message page is framable by its application's web origin: see
 * oidc/middleware/page-security.ts. `form-action` is not restricted: the
 * login form's answer redirects to the application's callback, and
 * oidc-provider's form_post page posts to it, which browsers check against
 * `form-action` too.
 */
export const CONTENT_SECURITY_POLICY = ["default-src 'none'", "script-src 'none'", `style-src ${STYLE_SOURCE}`, "img-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: with it browsers send `Origin: null` on the mock's own form posts, and the login forms check
  // their Origin. same-origin keeps the mock's URLs (interaction ids, codes in a form_post's page) from other sites.
  'Referrer-Policy': 'same-origin',
};

/** Sets the security headers on every response, before anything answers (oidc-provider's pages read and extend them). */
export const securityHeaders: Middleware = async (ctx, next) => {
  ctx.set(SECURITY_HEADERS);
  await next();
};
