import { csrfField, esc, page } from './html.js';

export interface ConsentPageInput {
  uid: string;
  /** The interaction's CSRF token (http/csrf.ts), a hidden field of both forms. */
  csrfToken: string;
  appName: string;
  userEmail: string;
  /** Each requested scope with what it allows (the API permission's description from the tenant). */
  scopes: { scope: string; description: string }[];
  audiences: string[];
}

/** Shown to third-party applications only; denying returns `error=access_denied` to the app. */
export function consentPage({ uid, csrfToken, appName, userEmail, scopes, audiences }: ConsentPageInput): string {
  const action = `/interaction/${esc(uid)}`;
  const csrf = csrfField(csrfToken);
  return page(`Authorize ${appName}`, `
<h1>Authorize ${esc(appName)}</h1>
<p>Hi ${esc(userEmail)}, <strong>${esc(appName)}</strong> (a third-party application) is requesting access to your account.</p>
<ul>${scopes.map((s) => `<li>${esc(s.description)} <span class="muted">(<code>${esc(s.scope)}</code>)</span></li>`).join('')}</ul>
${audiences.length ? `<p class="muted">For: ${audiences.map(esc).join(', ')}</p>` : ''}
<form method="post" action="${action}/consent">${csrf}<button type="submit">Accept</button></form>
<form method="post" action="${action}/abort">${csrf}<button class="secondary" type="submit">Deny</button></form>`);
}
