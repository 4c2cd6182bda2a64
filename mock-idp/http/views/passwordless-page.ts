import { csrfField, esc, page } from './html.js';

export interface PasswordlessPageInput {
  uid: string;
  csrfToken: string;
  appName: string;
  /** Set once a code was sent: the page asks for it. */
  email?: string | undefined;
  error?: string | undefined;
}

/** Universal Login's "Email me a code": the email form, then the code form (the code is in the outbox). */
export function passwordlessPage({ uid, csrfToken, appName, email, error }: PasswordlessPageInput): string {
  const action = `/interaction/${esc(uid)}/passwordless`;
  const csrf = csrfField(csrfToken);
  const form = email
    ? `<p>We sent a code to <strong>${esc(email)}</strong>. It is not really sent: it is in the outbox, <a href="/_mock/emails?to=${esc(encodeURIComponent(email))}">/_mock/emails</a>.</p>
<form method="post" action="${action}" autocomplete="off">${csrf}<input type="hidden" name="email" value="${esc(email)}">
<label for="code">Enter the code</label><input id="code" type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button></form>`
    : `<form method="post" action="${action}" autocomplete="off">${csrf}
<label for="email">Email</label><input id="email" type="email" name="email" required autofocus>
<button type="submit">Email me a code</button></form>`;
  return page(`Log in to ${appName}`, `
<h1>${esc(`Log in to ${appName}`)}</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
${form}
<p class="muted"><a href="/interaction/${esc(uid)}">Back to the password login</a></p>`);
}
