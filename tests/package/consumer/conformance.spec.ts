/**
 * The consumer's own vitest suite: a small Orders API protected carefully with
 * jose (header-only bearer tokens, jwtVerify against createRemoteJWKSet, RFC 6750
 * answers), checked by mock-idp's catalogue through `mock-idp/conformance/vitest`.
 * Copied into a temporary consumer project by tests/package/installed-package.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { startMockIdp, type MockIdp } from 'mock-idp';
import { describeApiConformance } from 'mock-idp/conformance/vitest';
import { afterAll, beforeAll } from 'vitest';

const AUDIENCE = 'https://api.example.com';
const PERMISSION = 'read:orders';

class BadRequest extends Error {}

function challenge(res: ServerResponse, status: number, error?: string, description?: string, scope?: string): void {
  const params: Array<[string, string]> = [['realm', 'orders']];
  if (error) params.push(['error', error]);
  if (description) params.push(['error_description', description]);
  if (scope) params.push(['scope', scope]);
  res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': `Bearer ${params.map(([k, v]) => `${k}="${v}"`).join(', ')}` });
  res.end(JSON.stringify({ error: error ?? 'unauthorized' }));
}

/** The bearer token, undefined without bearer credentials; throws BadRequest on a malformed request. */
function readToken(req: IncomingMessage, url: URL): string | undefined {
  const headers = req.headersDistinct.authorization ?? [];
  if (headers.length > 1) throw new BadRequest('Send exactly one Authorization header');
  const header = headers[0];
  if (header !== undefined && url.searchParams.has('access_token')) throw new BadRequest('Send the token in the Authorization header only');
  if (header === undefined) return undefined;
  const match = /^(\S+)(?:[ \t]+(\S+))?$/.exec(header.trim());
  if (!match) throw new BadRequest('Format is Authorization: Bearer <token>');
  if (match[1]!.toLowerCase() !== 'bearer') return undefined;
  if (match[2] === undefined) throw new BadRequest('Format is Authorization: Bearer <token>');
  return match[2];
}

function startOrdersApi(issuer: string): Promise<{ url: string; server: Server }> {
  const jwks = createRemoteJWKSet(new URL('.well-known/jwks.json', issuer), { cacheMaxAge: 1_000, timeoutDuration: 2_000 });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/orders' || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    let token: string | undefined;
    try {
      token = readToken(req, url);
    } catch (err) {
      if (err instanceof BadRequest) return challenge(res, 400, 'invalid_request', err.message);
      throw err;
    }
    if (token === undefined) return challenge(res, 401);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, {
        issuer,
        audience: AUDIENCE,
        algorithms: ['RS256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: 5,
        maxTokenAge: '1 day',
      }));
    } catch (err) {
      // The key set could not be fetched: the IdP, not the token, is the problem.
      const unavailable = (err instanceof errors.JOSEError && ['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT'].includes(err.code)) || (err instanceof TypeError && err.message === 'fetch failed');
      if (unavailable) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '10' }).end('{"error":"temporarily_unavailable"}');
        return;
      }
      if (err instanceof errors.JOSEError) return challenge(res, 401, 'invalid_token', 'The access token is not valid');
      throw err;
    }
    const { permissions, scope } = claims as { permissions?: unknown; scope?: unknown };
    const allowed = Array.isArray(permissions) ? permissions.includes(PERMISSION) : typeof scope === 'string' && scope.split(' ').includes(PERMISSION);
    if (!allowed) return challenge(res, 403, 'insufficient_scope', `The token does not grant ${PERMISSION}`, PERMISSION);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orders: [], sub: claims.sub }));
  }
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"server_error"}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

let idp: MockIdp;
let api: { url: string; server: Server };

beforeAll(async () => {
  idp = await startMockIdp({ port: 0 });
  api = await startOrdersApi(idp.issuer);
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    api.server.closeAllConnections();
    api.server.close(() => resolve());
  });
  await idp.close();
});

describeApiConformance(() => ({ idp, url: `${api.url}/orders`, audience: AUDIENCE, permission: PERMISSION, rotationWait: 2_500, requestTimeout: 2_000, tokenDialect: 'rfc9068_profile_authz' }), {
  name: 'the consumer orders API',
});
