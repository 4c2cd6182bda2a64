// The consumer's ESM script: the programmatic API as the README shows it, the
// token verified with the consumer's own jose against the JWKS the mock serves.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startMockIdp } from 'mock-idp';

const API = 'https://api.example.com';
const idp = await startMockIdp({ port: 0 });
try {
  const { token } = await idp.mintToken({ user: 'alice@example.com', audience: API });
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience: API, algorithms: ['RS256'] });
  if (payload.iss !== idp.issuer || payload.aud !== API || typeof payload.sub !== 'string') throw new Error(`unexpected claims ${JSON.stringify(payload)}`);
  console.log('OK');
} finally {
  await idp.close();
}
