import { sha256Source } from '../../oidc/csp.js';
import { esc, page } from './html.js';

/** Error pages and logout pages: a title, a line, an optional code. */
export function messagePage(title: string, text: string, detail?: { error: string; description?: string | undefined }): string {
  return page(title, `<h1>${esc(title)}</h1><p>${esc(text)}</p>${detail ? `<p class="error"><code>${esc(detail.error)}</code> ${esc(detail.description ?? '')}</p>` : ''}`);
}

const LOGOUT_SCRIPT = "var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();";

/** The logout page's one inline script, allowed by its hash on that page only (a fixed text: no nonce needed). */
export const LOGOUT_SCRIPT_SOURCES: readonly string[] = [sha256Source(LOGOUT_SCRIPT)];

/** oidc-provider's logout confirmation form, submitted at once (Auth0 asks no question). */
export function logoutPage(form: string): string {
  return page('Logging out', `<h1>Logging out</h1>${form}<p>If nothing happens, <button form="op.logoutForm" name="logout" value="yes" type="submit">log out</button></p>
<script>${LOGOUT_SCRIPT}</script>`);
}
