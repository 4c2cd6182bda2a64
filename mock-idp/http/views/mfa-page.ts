import { csrfField, esc, page } from './html.js';

export interface MfaPageInput {
  uid: string;
  csrfToken: string;
  appName: string;
  email: string;
  /** The user's id, for the hint naming `GET /_mock/users/<id>/otp`. */
  sub: string;
  error?: string | undefined;
  /** No authenticator yet: the enrolment screen shows the secret to add to an app (and its `otpauth://` URI). */
  enrolment?: { secret: string; uri: string } | undefined;
}

/** Universal Login's one-time-code step after the password (or its enrolment screen for a user without an authenticator). */
export function mfaPage({ uid, csrfToken, appName, email, sub, error, enrolment }: MfaPageInput): string {
  const title = enrolment ? 'Secure your account' : 'Verify your identity';
  const enrol = enrolment
    ? `<p>Scan this with an authenticator app (Google Authenticator, 1Password, …) or enter the key by hand, then type the code it shows.</p>
<label for="otp-secret">Key</label><p><code id="otp-secret">${esc(enrolment.secret)}</code></p>
<label for="otp-uri">Authenticator URI</label><p><code id="otp-uri">${esc(enrolment.uri)}</code></p>`
    : `<p>Enter the one-time code from your authenticator app for <strong>${esc(email)}</strong>.</p>`;
  return page(title, `
<h1>${esc(title)}</h1>
${enrol}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/mfa" autocomplete="off">${csrfField(csrfToken)}
<label for="code">Enter your one-time code</label><input id="code" type="text" name="code" inputmode="numeric" pattern="[0-9]*" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button>
</form>
<p class="muted">In a test, read the current code at <code>GET /_mock/users/${esc(encodeURIComponent(sub))}/otp</code> (<code>idp.otp('${esc(email)}')</code>) or on the debugger page <a href="/_mock/">/_mock/</a>.</p>
<form method="post" action="/interaction/${esc(uid)}/abort">${csrfField(csrfToken)}<button class="link" type="submit">Cancel and return to ${esc(appName)}</button></form>`);
}
