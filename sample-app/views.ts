/**
 * sample-app's pages. Everything that comes from a user, a token or the API goes through `esc`
 * (the project's one HTML escaper); the rest is fixed text.
 */
import { esc } from '../mock-idp/core/html.js';

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.7rem 1.5rem;display:flex;align-items:center;gap:1.5rem}
header strong{font-size:1.05rem}header nav{display:flex;gap:1rem;flex:1}header a{color:#cfd6e4;text-decoration:none}header a:hover{color:#fff}
header .who{color:#cfd6e4;font-size:.9rem}
main{max-width:46rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;border-top:1px solid #eee;padding:.45rem .5rem}th{color:#556;font-weight:600;font-size:.85rem}
pre{background:#f4f5f7;padding:.8rem;overflow:auto;font-size:.8rem;border-radius:4px}
details{margin:1rem 0}summary{cursor:pointer;color:#3b5bdb}
code{background:#f1f3f5;padding:0 .25rem;border-radius:3px}
.button,button{display:inline-block;cursor:pointer;border:0;border-radius:4px;padding:.55rem 1rem;font-size:.95rem;background:#3b5bdb;color:#fff;text-decoration:none}
.button.secondary{background:#e9ecef;color:#1d2330}
form.create{display:flex;gap:.5rem;align-items:center}form.create input{padding:.5rem;border:1px solid #bbb;border-radius:4px;flex:1}
.notice{background:#e6f4ea;color:#1e5b2c;padding:.6rem .8rem;border-radius:4px}
.explain{background:#fff4e5;color:#6b3d00;padding:.6rem .8rem;border-radius:4px}
.error{color:#9b1c1c}.muted{color:#667;font-size:.85rem}
footer{text-align:center;color:#667;font-size:.8rem;margin-bottom:2rem}`;

/** What the header shows of the signed-in user. */
export interface Viewer {
  name?: unknown;
  email?: unknown;
}

function layout(title: string, body: string, viewer?: Viewer): string {
  const who = viewer
    ? `<span class="who">${esc(viewer.name ?? viewer.email)} · <a href="/logout">Log out</a></span>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · sample-app</title><style>${STYLE}</style></head>
<body><header><strong>sample-app</strong><nav><a href="/">Home</a><a href="/profile">Profile</a><a href="/orders">Orders</a></nav>${who}</header>
<main>${body}</main>
<footer>Logs in through mock-idp, a local TEST identity provider: never use it for real users.</footer></body></html>`;
}

export function homePage(user: Viewer | undefined): string {
  return user
    ? layout(
        'Home',
        `<h1>Hello, ${esc(user.name ?? user.email)}</h1>
<p>You are logged in. Your <a href="/profile">profile</a> shows what the ID token says about you and where your tokens are kept; <a href="/orders">Orders</a> calls the Orders API with your access token.</p>
<p><a class="button" href="/orders">See the orders</a></p>`,
        user,
      )
    : layout(
        'Home',
        `<h1>Welcome to sample-app</h1>
<p>You are not logged in. Log in to see your profile and the orders (test users: <code>alice@example.com</code> / <code>alice-pass</code>, who may create orders, and <code>bob@example.com</code> / <code>bob-pass</code>, who may only read them).</p>
<p><a class="button" href="/login">Log in</a></p>`,
      );
}

/** What the app knows about its tokens, for the profile page; none of the tokens themselves. */
export interface TokenFacts {
  /** When the access token expires (the app refreshes it when it is needed after that). */
  accessTokenExpiresAt: Date | undefined;
  /** The `permissions` claim of the access token, when it is a JWT for the API. */
  permissions: string[] | undefined;
  hasRefreshToken: boolean;
}

export function profilePage(claims: Record<string, unknown>, tokens: TokenFacts): string {
  const rows: [string, unknown][] = [
    ['Name', claims.name],
    ['Email', claims.email === undefined ? undefined : `${String(claims.email)}${claims.email_verified === true ? ' (verified)' : claims.email_verified === false ? ' (not verified)' : ''}`],
    ['Nickname', claims.nickname],
    ['User ID (sub)', claims.sub],
  ];
  const expires = tokens.accessTokenExpiresAt;
  return layout(
    'Profile',
    `<h1>${esc(claims.name ?? claims.email ?? 'Your profile')}</h1>
<table>${rows
      .filter(([, value]) => value !== undefined)
      .map(([label, value]) => `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`)
      .join('')}</table>
<details><summary>Raw ID token claims</summary><pre>${esc(JSON.stringify(claims, null, 2))}</pre></details>
<h2>Where your tokens are</h2>
<p>This app keeps all three in its session cookie <code>appSession</code>, encrypted with its session secret and <code>HttpOnly</code>: your browser stores it but no script can read it.</p>
<table>
<tr><th>ID token</th><td>who you are: the claims above. The app read it once, at login.</td></tr>
<tr><th>Access token</th><td>for the Orders API (<code>aud</code> = the API); ${
      expires ? `expires at <time datetime="${esc(expires.toISOString())}">${esc(expires.toISOString())}</time>` : 'no expiry given'
    }; permissions: ${tokens.permissions ? (tokens.permissions.length ? tokens.permissions.map((p) => `<code>${esc(p)}</code>`).join(' ') : 'none') : 'unknown (not a JWT)'}</td></tr>
<tr><th>Refresh token</th><td>${
      tokens.hasRefreshToken
        ? 'present: when the access token has expired, the app exchanges it for a new access token and a new refresh token (rotation; the old one is dead from then on).'
        : 'none (the app did not ask for <code>offline_access</code>)'
    }</td></tr>
</table>`,
    claims,
  );
}

export interface OrdersView {
  orders: unknown;
  viewer: Viewer;
  /** The access token's permissions; undefined when the app cannot tell. */
  permissions: string[] | undefined;
  /** Shown above the list, e.g. after an order was created. */
  notice?: string;
}

function ordersTable(orders: unknown): string {
  const list = Array.isArray((orders as { orders?: unknown })?.orders) ? ((orders as { orders: unknown[] }).orders as Record<string, unknown>[]) : undefined;
  if (!list) return `<pre>${esc(JSON.stringify(orders, null, 2))}</pre>`;
  if (list.length === 0) return '<p>No orders yet.</p>';
  return `<table><tr><th>Order</th><th>Item</th><th>Quantity</th><th>Created by</th></tr>${list
    .map((o) => `<tr><td>${esc(o.id)}</td><td>${esc(o.item)}</td><td>${esc(o.quantity)}</td><td>${esc(o.createdBy)}</td></tr>`)
    .join('')}</table>`;
}

export const WRITE_PERMISSION = 'write:orders';

export function ordersPage(view: OrdersView): string {
  const canCreate = view.permissions === undefined || view.permissions.includes(WRITE_PERMISSION);
  const create = canCreate
    ? `<form class="create" method="post" action="/orders"><input name="item" aria-label="Item" value="Espresso cups" maxlength="200" required><button type="submit">Create order</button></form>`
    : `<p class="explain" data-testid="create-explained">Creating an order needs the <code>${WRITE_PERMISSION}</code> permission. Your access token grants ${
        view.permissions?.length ? (view.permissions ?? []).map((p) => `<code>${esc(p)}</code>`).join(', ') : 'no permission'
      } (from your roles in the tenant), so the app does not offer it; the Orders API would answer 403 <code>insufficient_scope</code> anyway. Log in as a user with that permission (in the seed tenant: <code>alice@example.com</code>) to create orders.</p>`;
  return layout(
    'Orders',
    `<h1>Orders</h1>
${view.notice ? `<p class="notice" role="status">${esc(view.notice)}</p>` : ''}
${ordersTable(view.orders)}
<details><summary>What the Orders API answered</summary><pre>${esc(JSON.stringify(view.orders, null, 2))}</pre></details>
<h2>New order</h2>
${create}`,
    view.viewer,
  );
}

export function messagePage(title: string, text: string, viewer?: Viewer): string {
  return layout(title, `<h1 class="error">${esc(title)}</h1><p>${esc(text)}</p><p><a class="button secondary" href="/">Home</a></p>`, viewer);
}

/** The callback's error (`error=access_denied` after Cancel or Deny on the login page), explained. */
export function loginFailedPage(error: string, description: string | undefined): string {
  const why =
    error === 'access_denied'
      ? `<p>The identity provider sent you back without logging you in: <code>error=access_denied</code>. That is its answer when you click <strong>Cancel</strong> on the login page or <strong>Deny</strong> on a consent page, or when a rule or Action refuses the login. You are not logged in and the app stored nothing.</p>`
      : `<p>The identity provider sent you back with <code>error=${esc(error)}</code> instead of a login.</p>`;
  return layout(
    'Login failed',
    `<h1 class="error">Login failed: ${esc(error)}</h1>${why}${description ? `<p class="muted">Its description: ${esc(description)}</p>` : ''}
<p><a class="button" href="/login">Log in again</a> <a class="button secondary" href="/">Home</a></p>`,
  );
}

export function notFoundPage(path: string, viewer?: Viewer): string {
  return layout('Not found', `<h1>Page not found</h1><p>sample-app has no page at <code>${esc(path)}</code>.</p><p><a class="button" href="/">Home</a></p>`, viewer);
}
