// The auth0 SDK (v7) as a Node back end uses it for the Authentication API: v7 ships
// AuthenticationClient and UserInfoClient only under `auth0/legacy` (the v4 API), unmodified.
// Every call goes to https://${AUTH0_DOMAIN}; the SDK validates each ID token it receives
// itself (RS256 against https://${AUTH0_DOMAIN}/.well-known/jwks.json, iss, aud, azp, exp, iat,
// nonce; 60 s clock tolerance). Prints one JSON object: each step's result or error.
const { AuthenticationClient, UserInfoClient } = require('auth0/legacy');

try { process.loadEnvFile(); } catch {} // a .env, if there is one (see .env.example)

const env = process.env;
const domain = env.AUTH0_DOMAIN;
const audience = env.AUTH0_AUDIENCE;
const scope = 'openid profile email offline_access';
const app = new AuthenticationClient({ domain, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET });
const worker = new AuthenticationClient({ domain, clientId: env.AUTH0_M2M_CLIENT_ID, clientSecret: env.AUTH0_M2M_CLIENT_SECRET });
// The same application, told its ID tokens are HS256 (signed with the client secret): the
// SDK's own signature check must then refuse the mock's RS256 ID tokens.
const hs256 = new AuthenticationClient({ domain, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET, idTokenSigningAlg: 'HS256' });
const userInfo = new UserInfoClient({ domain });
const user = { username: env.AUTH0_USERNAME, password: env.AUTH0_PASSWORD };

/** The code of the network error under an SDK error (FetchError → fetch's TypeError → the TLS error). */
function networkCode(e) {
  for (let cause = e?.cause; cause; cause = cause.cause) if (cause.code) return cause.code;
  return undefined;
}

/** The outcome of one call: its data, or the error the SDK threw (AuthApiError: status and Auth0's body). */
async function step(call) {
  try {
    const { data, status } = await call();
    return { ok: true, status, data };
  } catch (e) {
    return { ok: false, error: { name: e.name, message: e.message, statusCode: e.statusCode, error: e.error, error_description: e.error_description, code: e.code, cause: networkCode(e) } };
  }
}

async function main() {
  const out = {};
  out.clientCredentials = await step(() => worker.oauth.clientCredentialsGrant({ audience }));
  out.wrongSecret = await step(() => new AuthenticationClient({ domain, clientId: env.AUTH0_M2M_CLIENT_ID, clientSecret: 'not-the-secret' }).oauth.clientCredentialsGrant({ audience }));
  out.wrongPassword = await step(() => app.oauth.passwordGrant({ ...user, password: 'not-the-password', audience, scope }));
  out.password = await step(() => app.oauth.passwordGrant({ ...user, audience, scope }));
  out.passwordRealm = await step(() => app.oauth.passwordGrant({ ...user, realm: 'Username-Password-Authentication', audience, scope }));
  const first = out.password.ok ? out.password.data.refresh_token : 'none';
  out.refresh = await step(() => app.oauth.refreshTokenGrant({ refresh_token: first }));
  out.reuse = await step(() => app.oauth.refreshTokenGrant({ refresh_token: first }));
  const other = out.passwordRealm.ok ? out.passwordRealm.data.refresh_token : 'none';
  out.revoke = await step(() => app.oauth.revokeRefreshToken({ token: other }));
  out.afterRevoke = await step(() => app.oauth.refreshTokenGrant({ refresh_token: other }));
  out.userInfo = await step(() => userInfo.getUserInfo(out.password.ok ? out.password.data.access_token : 'none'));
  // The SDK's ID-token validation runs on every grant that returns one: a nonce the token lacks, and the wrong algorithm, fail it.
  out.nonceMismatch = await step(() => app.oauth.passwordGrant({ ...user, audience, scope: 'openid' }, { idTokenValidateOptions: { nonce: 'a-nonce-this-login-never-sent' } }));
  out.hs256 = await step(() => hs256.oauth.passwordGrant({ ...user, audience, scope: 'openid' }));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
