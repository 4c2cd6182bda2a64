import type { SocialConnection } from '../../core/tenant/schema.js';
import { csrfField, esc, page } from './html.js';

export interface SocialProviderPageInput {
  uid: string;
  /** The interaction's CSRF token (http/csrf.ts). */
  csrfToken: string;
  appName: string;
  connection: SocialConnection;
  error?: string | undefined;
  /** What was typed, kept after an error. */
  typed?: { email: string; name: string; emailVerified: boolean } | undefined;
}

/**
 * The simulated provider's own page (where Auth0 would send the browser to Google or GitHub):
 * pick a known identity of the connection (its fixed user first) or type a new one, whose
 * first login creates a `<connection>|<id>` user.
 */
export function socialProviderPage({ uid, csrfToken, appName, connection, error, typed }: SocialProviderPageInput): string {
  const action = `/interaction/${esc(uid)}/social`;
  const csrf = `${csrfField(csrfToken)}<input type="hidden" name="connection" value="${esc(connection.name)}">`;
  const known = [connection.user, ...connection.users]
    .map((u) => `<li><span>${esc(u.email)} <span class="muted">${esc(u.name)}</span></span>
<form method="post" action="${action}">${csrf}<input type="hidden" name="account" value="${esc(u.sub)}"><button type="submit">Continue</button></form></li>`)
    .join('\n');
  const name = `${connection.displayName} (simulated)`;
  return page(`Sign in with ${name}`, `
<h1>Sign in with ${esc(name)}</h1>
<p>This page stands in for ${esc(connection.displayName)}'s: choose who signs in to <strong>${esc(appName)}</strong>.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<h2 class="muted">Known accounts</h2><ul class="users">${known}</ul>
<h2 class="muted">Another account</h2>
<form method="post" action="${action}" autocomplete="off">${csrf}
<label for="email">Email</label><input id="email" type="email" name="email" value="${esc(typed?.email ?? '')}" required>
<label for="name">Name</label><input id="name" type="text" name="name" value="${esc(typed?.name ?? '')}" placeholder="the part of the email before @">
<label><input type="checkbox" name="email_verified" value="true"${typed?.emailVerified === false ? '' : ' checked'}> Email verified</label>
<button type="submit">Sign in as this ${esc(connection.displayName)} user</button>
</form>`);
}
