import { lifetimeLines } from '../../core/token-lifetimes.js';
import type { Directory } from '../../core/directory.js';
import { esc, page } from './html.js';

export interface FrontDoorView {
  issuer: string;
  directory: Pick<Directory, 'tenant'>;
  /** At most this many users are listed (as on the login page). */
  maxUsers: number;
  /** The admin API needs a bearer token: the debugger link says so. */
  adminToken: boolean;
}

const rows = (cells: string[][]) => cells.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
const code = (value: string) => `<code>${esc(value)}</code>`;
const link = (href: string, text = href) => `<a href="${esc(href)}">${esc(text)}</a>`;

/** The settings of Auth0's SDKs, filled with this mock's URLs (the README's table, "Point your own Auth0 app at it"). */
function sdkSettings(issuer: string, audience: string | undefined): string[][] {
  const base = issuer.replace(/\/$/, '');
  const { host, protocol } = new URL(issuer);
  const https = protocol === 'https:';
  return [
    ['express-openid-connect', code('issuerBaseURL'), `${code(base)} (discovery gives the issuer ${code(issuer)})`],
    ['express-jwt / jwks-rsa', `${code('issuer')} / ${code('jwksUri')}`, `${code(issuer)} <strong>with the trailing slash</strong> / ${code(`${issuer}.well-known/jwks.json`)}`],
    ['express-oauth2-jwt-bearer', code('issuerBaseURL'), code(issuer)],
    ['@auth0/auth0-react, auth0-spa-js', code('domain'), `${code(base)}; list the SPA's origin in the application's ${code('webOrigins')}`],
    ['auth0 (node-auth0), passport-auth0', code('domain'), https ? `${code(host)} (they build ${code('https://')} themselves; trust the mock's CA: ${code('NODE_EXTRA_CA_CERTS=$(npx mock-idp ca)')})` : `${code(host)}, with the mock on HTTPS (${code('mock-idp start --https')}): they always build ${code('https://')}`],
    ['a quickstart\'s .env', `${code('AUTH0_DOMAIN')}, ${code('ISSUER_BASE_URL')}, ${code('AUDIENCE')}`, `${code(host)}, ${code(base)}, ${audience ? code(audience) : '(an API identifier of the tenant)'}`],
  ];
}

/** GET /: what this is, where everything is, who can log in, and how to point an Auth0 app at it. */
export function frontDoorPage({ issuer, directory, maxUsers, adminToken }: FrontDoorView): string {
  const { tenant } = directory;
  const users = tenant.users.slice(0, maxUsers);
  const more = tenant.users.length - users.length;
  const interactive = tenant.applications;
  const body = `<h1>mock-idp: a local test identity provider</h1>
<p>This server stands in for an Auth0 tenant on this machine, for development and tests. It is <strong>not Auth0</strong> and not a real login: its users, passwords and keys are test data. Never enter real credentials here.</p>
<p>Issuer ${code(issuer)} · ${link(`${issuer}.well-known/openid-configuration`, 'discovery')} · ${link(`${issuer}.well-known/jwks.json`, 'JWKS')} · ${link('/_mock/', 'debugger')} (tokens, events, the token timeline${adminToken ? '; needs the admin token' : ''}) · ${link('/docs', 'docs')} (the README)</p>
<h2>Endpoints (Auth0's paths)</h2>
<ul>
<li>${code('GET /authorize')}, ${code('POST /oauth/token')}, ${code('GET /userinfo')}, ${code('POST /oauth/revoke')}, ${code('POST /oauth/device/code')} + ${link('/activate')}</li>
<li>${code('GET /v2/logout?client_id&returnTo')}, ${code('GET /oidc/logout')}</li>
<li>Management API ${code(`${issuer}api/v2/`)}; the mock's own admin API ${code('/_mock/')}: ${link('/_mock/events', 'events')}, ${link('/_mock/timeline', 'token timeline')}, ${link('/_mock/emails', 'outbox')}, ${link('/_mock/clock', 'clock')}${adminToken ? ' (with the admin token)' : ''}</li>
</ul>
<h2>Test users</h2>
<table id="users"><tr><th>email</th><th>password</th><th>roles</th></tr>${rows(users.map((u) => [code(u.email), code(u.password), esc(u.roles.join(', ') || '(none)')]))}</table>
${more > 0 ? `<p class="muted">and ${more} more in the tenant.</p>` : ''}
<h2>Applications</h2>
<table id="applications"><tr><th>client id</th><th>type</th><th>callbacks</th><th>logout URLs</th><th>web origins</th></tr>${rows(interactive.map((a) => [code(a.clientId), esc(a.appType), a.callbacks.map(code).join(' '), a.allowedLogoutUrls.map(code).join(' '), a.webOrigins.map(code).join(' ')]))}</table>
<p class="muted">APIs (${code('audience')}): ${tenant.apis.map((a) => code(a.identifier)).join(', ') || '(none)'}. Secrets are in the tenant file.</p>
<h2>Point an Auth0 app at it</h2>
<p>Change only where the app finds its tenant; keep the code:</p>
<table id="settings"><tr><th>SDK</th><th>setting</th><th>value</th></tr>${rows(sdkSettings(issuer, tenant.apis[0]?.identifier))}</table>
<h2>Token lifetimes</h2>
<pre>${esc(lifetimeLines(tenant).map((l) => l.trim()).join('\n'))}</pre>`;
  return page('mock-idp', body, { wide: true });
}

/** An unknown path, for a browser (the JSON answer is `{ error: "not_found" }`). */
export function notFoundPage(method: string, path: string): string {
  return page('Not found', `<h1>Not found</h1><p>This mock has no page at ${code(`${method} ${path}`)}.</p>
<p class="error"><code>not_found</code></p>
<p>${link('/', 'The front door')} lists what it serves: discovery, the JWKS, the debugger, the test users and applications.</p>`);
}

/** The favicon: a key on the banner's red, marked TEST. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#b42318"/><circle cx="22" cy="26" r="10" fill="none" stroke="#fff" stroke-width="6"/><path d="M30 30l20 20m-8-8l6-6m-12 0l6-6" stroke="#fff" stroke-width="6" stroke-linecap="round"/><text x="32" y="60" font-family="sans-serif" font-size="13" font-weight="700" fill="#fff" text-anchor="middle">TEST</text></svg>`;
