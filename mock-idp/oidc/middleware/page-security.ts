import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Directory } from '../../core/directory.js';
import { directiveOf, dropNoneBesideSources, frameableBy } from '../csp.js';



/**
 * The security headers of oidc-provider's own pages, after it rendered them
 * (the mock's app set the strict policy on the response before handing it
 * over, http/security-headers.ts). oidc-provider allows the inline scripts of
 * its form_post and web_message pages by appending their hashes to
 * `script-src`; the `'none'` they follow is dropped. The web_message page
 * runs in the application's hidden iframe, so oidc-provider removes
 * `frame-ancestors` and `X-Frame-Options` there: that page may be framed by
 * the origin it posts its answer to, when that origin is one of the
 * application's Allowed Web Origins, and by nobody otherwise.
 */
export function pageSecurity(directory: Directory): Middleware {
  return async (ctx, next) => {
    const before = ctx.response.get('content-security-policy');
    await next();
    const policy = ctx.response.get('content-security-policy');
    if (typeof policy !== 'string') return;
    // Most answers (JSON of the token endpoint, discovery, JWKS) keep the policy they were given: nothing to edit.
    if (policy === before) return;
    dropNoneBesideSources(ctx);
    if (directiveOf(ctx, 'frame-ancestors') !== undefined) return;
    const { params, client } = (ctx as unknown as Partial<KoaContextWithOIDC>).oidc ?? {};
    const redirectUri = params?.redirect_uri;
    const origin = typeof redirectUri === 'string' && URL.canParse(redirectUri) ? new URL(redirectUri).origin : undefined;
    frameableBy(ctx, origin && client && directory.allowsWebOrigin(origin, client.clientId) ? [origin] : []);
  };
}
