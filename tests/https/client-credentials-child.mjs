// Run by tests/cli/https.test.ts in a child `node` whose only trust in the mock's CA is
// NODE_EXTRA_CA_CERTS: a client-credentials token from the HTTPS mock, verified with jose
// against its HTTPS JWKS. Prints the verified payload as JSON.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.argv[2];
const discovery = await (await fetch(`${issuer}.well-known/openid-configuration`)).json();
const response = await fetch(discovery.token_endpoint, {
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'orders-worker-secret', audience: 'https://api.example.com' }),
});
const { access_token } = await response.json();
const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer, audience: 'https://api.example.com' });
process.stdout.write(JSON.stringify(payload));
