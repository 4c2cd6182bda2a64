import type { Middleware } from 'koa';
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { releasedClaims } from '../../core/claims.js';
import type { Clock } from '../../core/clock.js';
import type { Directory } from '../../core/directory.js';
import type { KeyRing } from '../../core/keys.js';
import { ROUTES } from '../routes.js';

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The access token of a /userinfo request, sent one way: the Authorization header or, as Auth0
 * also takes it (passport-auth0 sends it so), `?access_token=`. Both at once, or neither, is
 * left to the provider (its invalid_request for two mechanisms, its 401 for none).
 */
function userinfoToken(header: string, query: unknown): string | undefined {
  const fromQuery = typeof query === 'string' && query ? query : undefined;
  if (header && fromQuery) return undefined;
  return header ? bearer(header) : fromQuery;
}

/** The header types of the mock's JWT access tokens: `JWT` (Auth0's token dialect) and `at+jwt` (RFC 9068). */
const ACCESS_TOKEN_TYP = /^((application\/)?at\+jwt|JWT)$/i;

/** A JWS, not one of oidc-provider's opaque tokens (those it serves itself). */
function isJwt(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/**
 * Auth0 lets an API access token whose `aud` includes `<issuer>userinfo` call
 * /userinfo. oidc-provider only serves its opaque tokens there, so JWT access
 * tokens are answered here; everything else goes on to the provider.
 * A browser caller gets CORS headers when its origin is an Allowed Web Origin
 * of the application the token was issued to (of any application while the
 * token is not yet known to be good), as oidc-provider does for its own.
 */
export function userinfoForJwt(issuer: string, directory: Directory, keys: KeyRing, clock: Pick<Clock, 'date'>): Middleware {
  // Rebuilt with the provider whenever the keys change.
  const jwks = createLocalJWKSet({ keys: keys.publicKeys });
  return async (ctx, next) => {
    const token = ctx.path === ROUTES.userinfo ? userinfoToken(ctx.get('authorization'), ctx.query.access_token) : undefined;
    if (!token || !isJwt(token)) return next();
    const origin = ctx.get('Origin');
    ctx.vary('Origin');
    if (origin && directory.allowsWebOrigin(origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    const challenge = (error: string, description: string, status = 401) => {
      ctx.status = status;
      ctx.set('WWW-Authenticate', `Bearer realm="${issuer}", error="${error}", error_description="${description}"`);
      ctx.body = { error, error_description: description };
    };
    let payload: JWTPayload;
    try {
      let typ: unknown;
      ({ payload, protectedHeader: { typ } } = await jwtVerify(token, jwks, { issuer: issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'sub'], currentDate: clock.date() }));
      // Either dialect's access token; an ID token (typ JWT too) fails the audience check below.
      if (!ACCESS_TOKEN_TYP.test(String(typ))) throw new TypeError('not an access token');
    } catch {
      return challenge('invalid_token', 'invalid token provided');
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(`${issuer}userinfo`)) return challenge('invalid_token', 'token audience prevents accessing the userinfo endpoint');
    const clientId = String(payload.azp ?? payload.client_id ?? '');
    if (origin && !directory.allowsWebOrigin(origin, clientId)) {
      ctx.remove('Access-Control-Allow-Origin');
      ctx.remove('Access-Control-Expose-Headers');
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: `origin ${origin} not allowed for client: ${clientId}` };
      return;
    }
    const person = directory.person(String(payload.sub));
    if (!person || person.blocked) return challenge('invalid_token', 'user no longer exists');
    ctx.set('Cache-Control', 'no-store');
    // The same claims per scope as the provider's own /userinfo and ID tokens.
    ctx.body = releasedClaims(person, String(payload.scope ?? '').split(' '));
  };
}
