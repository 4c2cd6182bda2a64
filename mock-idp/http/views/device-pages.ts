import { esc, page } from './html.js';

/**
 * The device flow's pages at /activate (Auth0's verification URI). `form` is
 * oidc-provider's own form (with its xsrf token); the buttons submit it.
 */
/**
 * oidc-provider's code input selects its text on focus with an inline
 * `onfocus` handler, which the pages' Content-Security-Policy refuses (it
 * allows no inline script): the attribute is left out rather than allowed
 * with 'unsafe-hashes'.
 */
function withoutInlineHandlers(form: string): string {
  return form.replace(/\s+on[a-z]+="[^"]*"/gi, '');
}

export function deviceCodeInputPage(form: string, error?: string): string {
  return page('Activate your device', `<h1>Activate your device</h1>
<p>Enter the code shown on your device.</p>${error ? `<p class="error">${esc(error)}</p>` : ''}
${withoutInlineHandlers(form)}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

export function deviceConfirmPage(form: string, appName: string, userCode: string): string {
  return page('Confirm your device', `<h1>Confirm your device</h1>
<p><strong>${esc(appName)}</strong> asks to sign in. Check that your device shows this code:</p>
<p class="user-code"><code id="user-code">${esc(userCode)}</code></p>
${form}<button type="submit" form="op.deviceConfirmForm">Confirm</button>
<button type="submit" class="secondary" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button>`);
}

export function deviceSuccessPage(appName: string): string {
  return page('Device activated', `<h1>Device activated</h1><p>You are signed in to <strong>${esc(appName)}</strong> on your device. You can close this page.</p>`);
}
