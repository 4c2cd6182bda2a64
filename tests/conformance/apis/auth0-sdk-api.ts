/**
 * An Orders API protected as Auth0's express-oauth2-jwt-bearer documents it:
 * `auth({ issuerBaseURL, audience })`, then `requiredScopes(...)` (the quickstart)
 * or `claimIncludes('permissions', ...)` (the RBAC permissions claim). With
 * `hardened`, the fixes docs/conformance.md gives for the SDK are added.
 * One setting differs from the docs: `cooldownDuration` 1 s instead of the SDK's 30 s. RS-34 rotates
 * to a key the API cannot have fetched, and the SDK refetches for an unknown kid only that long after
 * its last fetch; the tests pass the same 1 s as the harness's `jwksCooldown` (FAST).
 */
import { listen } from '../../../mock-idp/http/listen.js';
import express, { type RequestHandler } from 'express';
import { auth, claimIncludes, requiredScopes } from 'express-oauth2-jwt-bearer';

export interface Auth0SdkApi {
  url: string;
  close(): Promise<void>;
}

export interface Auth0SdkApiOptions {
  issuerBaseURL: string;
  audience: string;
  permission: string;
  check: 'requiredScopes' | 'claimIncludes';
  hardened?: boolean;
}

/** docs/conformance.md's additions for RS-02, RS-04 and RS-06, in front of auth(). */
const requestShape: RequestHandler = (req, res, next) => {
  const authorization = req.headersDistinct.authorization ?? [];
  if (authorization.length > 1) {
    res.status(400).set('WWW-Authenticate', 'Bearer realm="api", error="invalid_request"').end();
    return;
  }
  const header = authorization[0];
  const inQuery = typeof req.query === 'object' && req.query !== null && 'access_token' in req.query;
  if ((header !== undefined && !/^bearer /i.test(header)) || (header === undefined && inQuery)) {
    res.status(401).set('WWW-Authenticate', 'Bearer realm="api"').end();
    return;
  }
  next();
};

export async function startAuth0SdkApi(options: Auth0SdkApiOptions): Promise<Auth0SdkApi> {
  const app = express();
  const checkJwt = options.hardened
    ? auth({
        issuerBaseURL: options.issuerBaseURL,
        audience: options.audience,
        tokenSigningAlg: 'RS256',
        maxTokenAge: 86_400,
        cacheMaxAge: 1_000,
        cooldownDuration: 1_000,
        validators: { sub: (sub) => typeof sub === 'string' },
      })
    : auth({ issuerBaseURL: options.issuerBaseURL, audience: options.audience, cooldownDuration: 1_000 });
  const permission = options.check === 'requiredScopes' ? requiredScopes(options.permission) : claimIncludes('permissions', options.permission);
  const handlers: RequestHandler[] = [...(options.hardened ? [requestShape] : []), checkJwt, permission];
  app.get('/orders', ...handlers, (req, res) => {
    res.json({ orders: [{ id: 'ord_1', item: 'Coffee beans' }], sub: req.auth?.payload.sub ?? null });
  });
  const { url, close } = await listen(app, '127.0.0.1', 0);
  return { url, close };
}
