import { sha256Source } from '../../oidc/csp.js';
import { CSRF_FIELD } from '../csrf.js';

import { esc } from '../../core/html.js';

export { esc };

/** The hidden CSRF field of a login-attempt form (http/csrf.ts checks it). */
export function csrfField(token: string): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
.banner{background:#b42318;color:#fff;padding:.6rem 1rem;font-weight:600;text-align:center}
main{max-width:26rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}
input[type=email],input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #bbb;border-radius:4px}
button{cursor:pointer;border:0;border-radius:4px;padding:.6rem 1rem;font-size:.95rem;background:#3b5bdb;color:#fff;width:100%;margin-top:1rem}
button.secondary{background:#e9ecef;color:#1d2330}button.link{background:none;color:#3b5bdb;width:auto;padding:0;margin:0}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px}.muted{color:#667;font-size:.85rem}
ul.users{list-style:none;padding:0}ul.users li{display:flex;justify-content:space-between;align-items:center;border-top:1px solid #eee;padding:.4rem 0}
ul.users button{width:auto;margin:0;padding:.3rem .7rem;font-size:.85rem}
code{background:#f1f3f5;padding:0 .2rem;border-radius:3px}
main.wide{max-width:64rem}main.wide button{width:auto}textarea{width:100%;box-sizing:border-box;font-family:monospace;font-size:.8rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}th,td{text-align:left;border-top:1px solid #eee;padding:.3rem .4rem;vertical-align:top}
td.pass{color:#1e7b34;font-weight:600}td.fail{color:#b42318;font-weight:600}td.skip{color:#667}pre{background:#f4f5f7;padding:.6rem;overflow:auto;font-size:.8rem}
h2{font-size:1.05rem;margin-top:1.5rem}.user-code{font-size:1.6rem;text-align:center}
#timeline td{font-size:.8rem}tr.expired td.expires{color:#b42318}td.what.reuse_detected,td.what.family_revoked{color:#b42318;font-weight:600}td.what.rotated{color:#1e7b34}`;

/** The page shell's one stylesheet, allowed by hash in the Content-Security-Policy (http/security-headers.ts); pages have no style attributes. */
export const STYLE_SOURCE = sha256Source(STYLE);

/** Every page of the mock carries the same banner: this is a test identity provider. */
export function page(title: string, body: string, options: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="/favicon.ico" type="image/svg+xml"><title>${esc(title)} · mock-idp (test IdP)</title><style>${STYLE}</style></head>
<body><div class="banner" role="alert">mock-idp — a local TEST identity provider. Not a real login: never enter real credentials here.</div>
<main${options.wide ? ' class="wide"' : ''}>${body}</main></body></html>`;
}
