import { csrfField, esc, page } from './html.js';

/** Auth0's organization picker after the login (`post_login_prompt`): one button per organization the user is a member of. */
export function organizationPickerPage({ uid, csrfToken, appName, organizations }: { uid: string; csrfToken: string; appName: string; organizations: readonly { id: string; name: string }[] }): string {
  const action = `/interaction/${esc(uid)}`;
  const buttons = organizations.map((o) => `<form method="post" action="${action}/organization-picker">${csrfField(csrfToken)}<input type="hidden" name="organization" value="${esc(o.id)}"><button type="submit">${esc(o.name)}</button></form>`).join('\n');
  return page(`Log in to ${appName}`, `
<h1>${esc(`Select your organization to continue to ${appName}`)}</h1>
${buttons}
<form method="post" action="${action}/abort">${csrfField(csrfToken)}<button class="link" type="submit">Cancel and return to ${esc(appName)}</button></form>`);
}

/** Auth0's organization prompt ("Enter your organization name"), shown before the login page when the application requires one. */
export function organizationPage({ uid, csrfToken, appName, error, name }: { uid: string; csrfToken: string; appName: string; error?: string | undefined; name?: string | undefined }): string {
  const action = `/interaction/${esc(uid)}`;
  return page(`Log in to ${appName}`, `
<h1>${esc(`Enter your organization name to continue to ${appName}`)}</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${action}/organization" autocomplete="off">${csrfField(csrfToken)}
<label for="organization">Organization name</label><input id="organization" name="organization" value="${esc(name ?? '')}" required autofocus>
<button type="submit">Continue</button>
</form>
<form method="post" action="${action}/abort">${csrfField(csrfToken)}<button class="link" type="submit">Cancel and return to ${esc(appName)}</button></form>`);
}
