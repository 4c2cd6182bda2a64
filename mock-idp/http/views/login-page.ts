import type { Person } from '../../core/directory.js';
import type { SocialConnection } from '../../core/tenant/schema.js';
import { csrfField, esc, page } from './html.js';
import { accountLinks, SIGNUP_HINT } from './signup-page.js';

export interface LoginPageInput {
  uid: string;
  /** The interaction's CSRF token (http/csrf.ts), a hidden field of every form. */
  csrfToken: string;
  appName: string;
  error?: string | undefined;
  username?: string | undefined;
  testUsers: { person: Person; password: string }[];
  /** Users not in the one-click list (they sign in with the form). */
  moreTestUsers?: number;
  social: SocialConnection[];
  /** `prompt=select_account`: headed "Choose an account", the test users first. */
  selectAccount?: boolean | undefined;
  /** The database connection allows sign-ups: the page links to the sign-up screen. */
  signupEnabled?: boolean | undefined;
  /** The organization the login is for (its display name), as Auth0's page names it. */
  organization?: string | undefined;
}

/** The Universal-Login-like page: a username/password form, one-click test users, simulated social buttons. */
export function loginPage({ uid, csrfToken, appName, error, username, testUsers, moreTestUsers = 0, social, selectAccount, signupEnabled = false, organization }: LoginPageInput): string {
  const action = `/interaction/${esc(uid)}`;
  const csrf = csrfField(csrfToken);
  const users = testUsers
    .map(({ person, password }) => `<li><span>${esc(person.email)} <span class="muted">${esc(person.roles.join(', ') || 'no roles')}</span></span>
<form method="post" action="${action}/login">${csrf}<input type="hidden" name="username" value="${esc(person.email)}"><input type="hidden" name="password" value="${esc(password)}"><button type="submit">Sign in</button></form></li>`)
    .join('\n');
  const socials = social
    .map((c) => `<form method="post" action="${action}/social">${csrf}<input type="hidden" name="connection" value="${esc(c.name)}"><button class="secondary" type="submit">Continue with ${esc(c.displayName)} (simulated)</button></form>
<p class="muted"><a href="${action}/social/${esc(c.name)}">Another ${esc(c.displayName)} account…</a></p>`)
    .join('\n');
  const more = moreTestUsers ? `\n<p class="muted">and ${moreTestUsers} more test users: sign in with their email above.</p>` : '';
  const usersList = users ? `<h2 class="muted">Test users (one click)</h2><ul class="users">${users}</ul>${more}` : '';
  const target = organization ? `${organization} to continue to ${appName}` : appName;
  const title = selectAccount ? `Choose an account for ${target}` : `Log in to ${target}`;
  return page(title, `
<h1>${esc(title)}</h1>
${selectAccount ? usersList : ''}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${action}/login" autocomplete="off">${csrf}
<label for="username">Email</label><input id="username" type="email" name="username" value="${esc(username ?? '')}" required autofocus>
<label for="password">Password</label><input id="password" type="password" name="password" required>
<button type="submit">Continue</button>
</form>
${accountLinks(uid, signupEnabled)}
${socials}
${selectAccount ? '' : usersList}
${SIGNUP_HINT}
<form method="post" action="${action}/abort">${csrf}<button class="link" type="submit">Cancel and return to ${esc(appName)}</button></form>`);
}
