// The auth0 SDK's AuthenticationClient (auth0 7's `auth0/legacy` entry, unmodified) on the database connection,
// run by tests/https/auth0-sdk-database.test.ts with NODE_EXTRA_CA_CERTS as its only trust in the mock's CA:
// signs AUTH0_EMAIL up, is refused a duplicate and a weak password, gets tokens with the password grant (the SDK
// validates the ID token against the HTTPS JWKS) and asks for a password reset. Prints what it got as JSON.
const { AuthenticationClient } = require('auth0/legacy');

const env = process.env;
const email = env.AUTH0_EMAIL;
const connection = 'Username-Password-Authentication';
const password = 'Sdk-user-pass1';
const auth = new AuthenticationClient({ domain: env.AUTH0_DOMAIN, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET });
const refusal = (err) => ({ name: err.name, error: err.error, error_description: err.error_description, statusCode: err.statusCode, body: JSON.parse(err.body) });

async function main() {
  const signedUp = await auth.database.signUp({ email, password, connection, given_name: 'Sdk', user_metadata: { source: 'sdk' } });
  const duplicate = await auth.database.signUp({ email, password, connection }).catch(refusal);
  const weak = await auth.database.signUp({ email: `weak-${email}`, password: 'weak', connection }).catch(refusal);
  const tokens = await auth.oauth.passwordGrant({ username: email, password, scope: 'openid profile email', audience: env.AUTH0_AUDIENCE });
  const reset = await auth.database.changePassword({ email, connection });
  process.stdout.write(JSON.stringify({ signedUp: { status: signedUp.status, data: signedUp.data }, duplicate, weak, tokens: tokens.data, reset: { status: reset.status, data: reset.data } }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
