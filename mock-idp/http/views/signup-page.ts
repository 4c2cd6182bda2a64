import { formatRule, type PasswordRule } from '../../core/password-policy.js';
import { csrfField, esc, page } from './html.js';

/** Where the outbox is read: said on every page that puts an email in it. */
const OUTBOX_HINT = 'mock-idp sends no email: it keeps it in its outbox, at <a href="/_mock/emails">/_mock/emails</a> (and on the console, and in the debugger at <a href="/_mock/">/_mock/</a>).';

/** Auth0's password rules as a list, each marked met or not (the policy failure's `description`). */
function ruleList(rules: PasswordRule[]): string {
  return `<ul class="rules">${rules.map((r) => `<li>${r.verified ? '✓' : '✗'} ${esc(formatRule(r))}${r.items ? ruleList(r.items) : ''}</li>`).join('')}</ul>`;
}

function errorBlock(error: string | undefined, rules: PasswordRule[] | undefined): string {
  if (!error) return '';
  return `<div class="error" role="alert"><p>${esc(error)}</p>${rules ? ruleList(rules) : ''}</div>`;
}

/** The login page's links to sign-up and password reset, and what the test-user panel says about them. */
export function accountLinks(uid: string, signupEnabled: boolean): string {
  const base = `/interaction/${esc(uid)}`;
  return `<p class="muted"><a href="${base}/forgot-password">Forgot password?</a> · <a href="${base}/passwordless">Email me a code</a>${signupEnabled ? ` · Don't have an account? <a href="${base}/signup">Sign up</a>` : ''}</p>`;
}

/** The test-user panel's note on sign-up and the outbox. */
export const SIGNUP_HINT = `<p class="muted">Sign up creates a new database user (<code>auth0|…</code>) and signs them in; their verification and password-reset emails are not sent but kept in the outbox: <a href="/_mock/emails">/_mock/emails</a>.</p>`;

export interface SignupPageInput {
  uid: string;
  csrfToken: string;
  appName: string;
  /** The connection's password policy as Auth0 states it (`* rule` lines). */
  policy: string;
  error?: string | undefined;
  /** With a weak password: every rule of the policy, met or not. */
  rules?: PasswordRule[] | undefined;
  email?: string | undefined;
}

/** Auth0's sign-up screen on the database connection: email and password, the policy stated, its failures inline. */
export function signupPage({ uid, csrfToken, appName, policy, error, rules, email }: SignupPageInput): string {
  const base = `/interaction/${esc(uid)}`;
  return page(`Sign up to ${appName}`, `
<h1>Sign up to ${esc(appName)}</h1>
${errorBlock(error, rules)}
<form method="post" action="${base}/signup" autocomplete="off">${csrfField(csrfToken)}
<label for="email">Email</label><input id="email" type="email" name="email" value="${esc(email ?? '')}" required autofocus>
<label for="password">Password</label><input id="password" type="password" name="password" required>
<p class="muted">Your password must meet:</p><pre>${esc(policy)}</pre>
<button type="submit">Continue</button>
</form>
<p class="muted">Already have an account? <a href="${base}">Log in</a></p>`);
}

/** "Forgot password?": asks for the email; afterwards says the email is on its way (whether or not the account exists). */
export function forgotPasswordPage(input: { uid: string; csrfToken: string; sent?: boolean; email?: string | undefined }): string {
  const base = `/interaction/${esc(input.uid)}`;
  const body = input.sent
    ? `<p role="status">We've just sent you an email to reset your password.</p><p class="muted">${OUTBOX_HINT}</p>`
    : `<p>Enter your email address and we will send you instructions to reset your password.</p>
<form method="post" action="${base}/forgot-password">${csrfField(input.csrfToken)}
<label for="email">Email</label><input id="email" type="email" name="email" value="${esc(input.email ?? '')}" required autofocus>
<button type="submit">Continue</button>
</form>`;
  return page('Forgot your password?', `<h1>Forgot your password?</h1>${body}<p class="muted"><a href="${base}">Back to log in</a></p>`);
}

export interface ResetPasswordPageInput {
  /** The form's action (the reset link itself, ticket included). */
  action: string;
  csrfToken: string;
  email: string;
  policy: string;
  error?: string | undefined;
  rules?: PasswordRule[] | undefined;
  done?: boolean;
}

/** The page a reset link opens: a new password, checked against the policy. */
export function resetPasswordPage({ action, csrfToken, email, policy, error, rules, done }: ResetPasswordPageInput): string {
  if (done) return page('Password changed', '<h1>Password changed</h1><p role="status">Your password has been changed successfully. You can now log in with it.</p>');
  return page('Change your password', `
<h1>Change your password</h1>
<p>Enter a new password for ${esc(email)}.</p>
${errorBlock(error, rules)}
<form method="post" action="${esc(action)}" autocomplete="off">${csrfField(csrfToken)}
<label for="password">New password</label><input id="password" type="password" name="password" required autofocus>
<p class="muted">Your password must meet:</p><pre>${esc(policy)}</pre>
<button type="submit">Reset password</button>
</form>`);
}
