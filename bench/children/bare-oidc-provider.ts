/**
 * `node dist/bench/children/bare-oidc-provider.js <port>`: oidc-provider alone, configured as
 * mock-idp issues client-credentials tokens (the issuance peer): the same 2048-bit development key,
 * the fixture's `orders-worker` client (client_secret_post), client credentials through resource
 * indicators for `https://api.example.com`, RS256 JWT access tokens of 24 h, the token endpoint at
 * `/oauth/token`, an in-memory adapter (oidc-provider's default). No Koa app around it, no
 * middleware, no customizer: what oidc-provider's own per-request work costs. Prints `Ready.` when listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { ROOT } from '../lib/paths.js';

const port = Number(process.argv[2] ?? 0);
const AUDIENCE = 'https://api.example.com';
const { keys } = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'dev-keys.json'), 'utf8')) as { keys: object[] };
const provider = new Provider(`http://localhost:${port}/`, {
  clients: [{ client_id: 'orders-worker', client_secret: 'orders-worker-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_post' }],
  jwks: { keys: keys as never[] },
  routes: { token: '/oauth/token' },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ audience: AUDIENCE, scope: 'read:orders', accessTokenFormat: 'jwt', accessTokenTTL: 86_400, jwt: { sign: { alg: 'RS256' } } }),
    },
  },
});
const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => process.stdout.write(`Ready. http://127.0.0.1:${port}/\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
