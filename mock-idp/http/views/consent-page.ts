import { esc, page } from './html.js';

export interface ConsentPageInput {
  uid: string;
  appName: string;
  userEmail: string;
  scopes: string[];
  audiences: string[];
}

/** Shown to third-party applications only; denying returns `error=access_denied` to the app. */
export function consentPage({ uid, appName, userEmail, scopes, audiences }: ConsentPageInput): string {
  const action = `/interaction/${esc(uid)}`;
  return page(`Authorize ${appName}`, `
<h1>Authorize ${esc(appName)}</h1>
<p>Hi ${esc(userEmail)}, <strong>${esc(appName)}</strong> (a third-party application) is requesting access to your account.</p>
<ul>${scopes.map((s) => `<li><code>${esc(s)}</code></li>`).join('')}</ul>
${audiences.length ? `<p class="muted">For: ${audiences.map(esc).join(', ')}</p>` : ''}
<form method="post" action="${action}/consent"><button type="submit">Accept</button></form>
<form method="post" action="${action}/abort"><button class="secondary" type="submit">Deny</button></form>`);
}
