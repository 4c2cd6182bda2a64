// The auth0 SDK (v7, `auth0/legacy` AuthenticationClient), unmodified, against a tenant with MFA on:
// its password grant fails with the SDK's AuthApiError carrying Auth0's 403 `mfa_required` body and
// the `mfa_token`. The SDK has no MFA API methods, so the app continues as Auth0's docs show, with
// plain HTTPS calls: POST /mfa/challenge, then the mfa-otp grant with the code a CI test reads from
// GET /_mock/users/<email>/otp (nobody holds a phone in CI). Then the SDK's passwordless calls
// (sendEmail/loginWithEmail, sendSMS/loginWithSMS), the codes read from GET /_mock/emails. Prints one JSON object.
const { AuthenticationClient } = require('auth0/legacy');

const env = process.env;
const domain = env.AUTH0_DOMAIN;
const base = `https://${domain}`;
const app = new AuthenticationClient({ domain, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET });
const client = { client_id: env.AUTH0_CLIENT_ID, client_secret: env.AUTH0_CLIENT_SECRET };

async function post(path, body) {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function main() {
  const out = {};
  try {
    const { data } = await app.oauth.passwordGrant({ username: env.AUTH0_USERNAME, password: env.AUTH0_PASSWORD, scope: 'openid profile', audience: env.AUTH0_AUDIENCE });
    out.password = { ok: true, data };
  } catch (e) {
    out.password = { ok: false, name: e.name, statusCode: e.statusCode, error: e.error, error_description: e.error_description, mfa_token: e.body ? JSON.parse(e.body).mfa_token : undefined };
  }
  const mfaToken = out.password.mfa_token;
  out.challenge = await post('/mfa/challenge', { ...client, mfa_token: mfaToken, challenge_type: 'otp' });
  const otp = await (await fetch(`${base}/_mock/users/${encodeURIComponent(env.AUTH0_USERNAME)}/otp`)).json();
  out.token = await post('/oauth/token', { ...client, grant_type: 'http://auth0.com/oauth/grant-type/mfa-otp', mfa_token: mfaToken, otp: otp.code });
  const step = async (call) => {
    try {
      const { data, status } = await call();
      return { ok: true, status, data };
    } catch (e) {
      return { ok: false, name: e.name, statusCode: e.statusCode, error: e.error, error_description: e.error_description, message: e.message };
    }
  };
  const latestCode = async (to) => {
    const { emails } = await (await fetch(`${base}/_mock/emails?to=${encodeURIComponent(to)}`)).json();
    return emails.filter((e) => e.kind === 'passwordless_code').at(-1)?.code;
  };
  out.sendEmail = await step(() => app.passwordless.sendEmail({ email: env.AUTH0_PASSWORDLESS_EMAIL, send: 'code' }));
  out.wrongEmailCode = await step(() => app.passwordless.loginWithEmail({ email: env.AUTH0_PASSWORDLESS_EMAIL, code: 'not-the-code', scope: 'openid' }));
  out.loginWithEmail = await step(async () => app.passwordless.loginWithEmail({ email: env.AUTH0_PASSWORDLESS_EMAIL, code: await latestCode(env.AUTH0_PASSWORDLESS_EMAIL), scope: 'openid profile email' }));
  out.sendSMS = await step(() => app.passwordless.sendSMS({ phone_number: env.AUTH0_PHONE }));
  out.loginWithSMS = await step(async () => app.passwordless.loginWithSMS({ phone_number: env.AUTH0_PHONE, code: await latestCode(env.AUTH0_PHONE), scope: 'openid' }));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
