import type { KeyInfo } from '../../core/keys.js';
import type { MockEvent } from '../../core/events.js';
import type { OutboxEmail } from '../../core/outbox.js';
import type { Tenant } from '../../core/tenant/schema.js';
import { sha256Source } from '../../oidc/csp.js';
import { csrfField, esc, page } from './html.js';

export interface DebuggerView {
  issuer: string;
  tenant: Tenant;
  keys: KeyInfo[];
  /** Newest first. */
  events: MockEvent[];
  /** The token and audience last explained, and the explainer's verdict as HTML (tools/explain/explanation-view.ts). */
  explained?: { token: string; audience: string | undefined; html: string } | undefined;
  error?: string | undefined;
  /** The outbox, newest first. */
  emails?: OutboxEmail[] | undefined;
  /** Users blocked from an address by brute-force protection. */
  blocked?: { user: string; ip: string }[] | undefined;
  /** Time travel: the mock's clock (offset 0: the real time). */
  clock?: { offset: number; now: string } | undefined;
  /** The current one-time codes of users with an OTP authenticator (enrolled or being enrolled). */
  otp?: { user: string; sub: string; code: string; expiresIn: number; enrolled: boolean }[] | undefined;
  /** The per-process CSRF token its forms send (hidden field `_csrf`, as the login forms'), checked on POST /_mock/. */
  csrfToken: string;
}

/** What an event says beyond its type: a Management API call's method, path and status, an organization, or why it failed. */
const detailOf = (e: MockEvent) => {
  const d = e.detail;
  if (typeof d?.request === 'string') return `${d.request} → ${String(d.status)}`;
  if (typeof d?.organization === 'string') return `organization ${d.organization}`;
  const parts = [d?.reason, d?.grant_type, d?.via].filter((p): p is string => typeof p === 'string');
  return parts.join(' · ');
};

/** Who an event is about: the user's email (the one typed, for a failed login of an unknown user), with the sub. */
const userOf = (e: MockEvent, tenant: Tenant) => {
  const email = (e.sub ? tenant.users.find((u) => u.sub === e.sub)?.email : undefined) ?? (typeof e.detail?.email === 'string' ? e.detail.email : undefined);
  return email && e.sub ? `${email} (${e.sub})` : (email ?? e.sub ?? '');
};

const rows = (cells: unknown[][]) => cells.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');

const outbox = (emails: OutboxEmail[]) =>
  emails.length
    ? `<table id="outbox"><tr><th>at</th><th>to</th><th>kind</th><th>subject</th><th>link or code</th><th>expires</th></tr>${emails
        .map((e) => `<tr><td>${esc(e.created_at)}</td><td>${esc(e.to)}</td><td>${esc(e.kind)}</td><td>${esc(e.subject)}</td><td>${e.links.map((l) => `<a href="${esc(l)}">${esc(l)}</a>`).join(' ')}${e.code ? `<code>${esc(e.code)}</code>` : ''}</td><td>${esc(e.expires ?? '')}</td></tr>`)
        .join('')}</table>`
    : '<p class="muted">No email yet: sign-ups, "Forgot password?", brute-force blocks, MFA email challenges and passwordless codes (SMS too) put theirs here.</p>';

/**
 * The timeline's live view: polls `GET /_mock/timeline?since=` every second, adds the new entries on top and
 * counts each token's expiry down on the mock's clock. A fixed text, allowed by its hash (no inline handlers;
 * every value goes in through textContent).
 */
const TIMELINE_SCRIPT = `(function () {
  var table = document.getElementById('timeline');
  var rows = table.tBodies[0];
  var status = document.getElementById('timeline-status');
  var since = 0, offset = 0, counters = [];
  var WHAT = { login: 'login', logout: 'logout', issued: 'issued', rotated: 'rotated', reuse_detected: 'REUSE DETECTED', family_revoked: 'family revoked', revoked: 'revoked', keys: 'signing keys', clock: 'time travel' };
  var TOKEN = { id_token: 'ID token', access_token: 'access token', refresh_token: 'refresh token' };
  var FROM = { api: "the API's setting", application: "the application's setting", default: 'the default' };
  function duration(ms) {
    var s = Math.round(Math.abs(ms) / 1000), out = [];
    [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]].forEach(function (u) { if (s >= u[1] && out.length < 2) { out.push(Math.floor(s / u[1]) + u[0]); s %= u[1]; } });
    return out.join('') || '0s';
  }
  function cell(tr, text, name) { var td = document.createElement('td'); td.textContent = text || ''; if (name) td.className = name; tr.appendChild(td); return td; }
  function short(id) { return id ? id.slice(0, 8) : ''; }
  function add(e) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-kind', e.kind);
    if (e.token) tr.setAttribute('data-token', e.token);
    if (e.family) tr.setAttribute('data-family', e.family);
    cell(tr, e.at.slice(11, 19));
    cell(tr, e.user || e.sub);
    cell(tr, e.clientId);
    cell(tr, (e.token ? TOKEN[e.token] + ' ' : '') + (WHAT[e.kind] || e.kind) + (e.refresh && e.kind === 'issued' ? ' (rotation ' + e.refresh.rotations + ')' : ''), 'what ' + e.kind);
    cell(tr, (e.session ? 'session ' + short(e.session) : '') + (e.session && e.family ? ' · ' : '') + (e.family ? 'family ' + short(e.family) : ''));
    var expires = cell(tr, '', 'expires');
    cell(tr, e.lifetime ? duration(e.lifetime.seconds * 1000) + ' from ' + e.lifetime.setting + ' (' + FROM[e.lifetime.source] + ')' : '');
    cell(tr, e.note || (e.kid ? 'kid ' + e.kid : ''));
    rows.insertBefore(tr, rows.firstChild);
    if (e.expiresAt) counters.push({ row: tr, cell: expires, at: Date.parse(e.expiresAt), iso: e.expiresAt });
  }
  function tick() {
    var now = Date.now() + offset;
    counters.forEach(function (c) {
      var left = c.at - now;
      c.cell.textContent = c.iso.slice(5, 19).replace('T', ' ') + (left > 0 ? ' · expires in ' + duration(left) : ' · expired ' + duration(left) + ' ago');
      c.row.classList.toggle('expired', left <= 0);
    });
  }
  function poll() {
    fetch('/_mock/timeline?since=' + since, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (t) {
        offset = Date.parse(t.now) - Date.now();
        t.entries.forEach(function (e) { add(e); since = e.seq; });
        status.textContent = 'Live: mock time ' + t.now + (t.clockOffset ? ' (' + duration(t.clockOffset * 1000) + ' ahead of the real time)' : '');
        tick();
      })
      .catch(function (err) { status.textContent = 'Not updating (' + err.message + '): reload the page'; })
      .then(function () { setTimeout(poll, 1000); });
  }
  setInterval(tick, 1000);
  poll();
})();`;

/** The debugger page's one script (the timeline's live view), allowed by its hash; it reads `/_mock/timeline` (`connect-src 'self'`). */
export const DEBUGGER_SCRIPT_SOURCES: readonly string[] = [sha256Source(TIMELINE_SCRIPT)];

const TIMELINE = `<section id="timeline-section"><h2>Token timeline</h2>
<p class="muted">Each session and token family: when the ID, access and refresh tokens were issued, when each expires (counted down on the mock's clock) with the lifetime that applied and the tenant setting it came from; rotations, reuse detection and the family it revoked, logouts, key rotations. JSON: <code>GET /_mock/timeline?user=&amp;session=&amp;client=&amp;since=</code>; in tests <code>idp.timeline()</code>.</p>
<p id="timeline-status" class="muted" role="status">Loading…</p>
<noscript><p class="muted">The live view needs JavaScript: read <a href="/_mock/timeline">/_mock/timeline</a>.</p></noscript>
<table id="timeline"><thead><tr><th>at</th><th>user</th><th>client</th><th>what</th><th>session / family</th><th>expires</th><th>lifetime and where it came from</th><th>note</th></tr></thead><tbody></tbody></table></section>
<script>${TIMELINE_SCRIPT}</script>`;

/** GET /_mock/: what the mock holds and what happened, and a token explainer. */
export function debuggerPage(view: DebuggerView): string {
  const firstApi = view.tenant.apis[0]?.identifier ?? '';
  const body = `<h1>mock-idp debugger</h1>
<p class="muted">Issuer <code>${esc(view.issuer)}</code> · <a href="${esc(view.issuer)}.well-known/openid-configuration">discovery</a> · <a href="${esc(view.issuer)}.well-known/jwks.json">JWKS</a> · JSON: <code>POST /_mock/explain</code>, <code>GET /_mock/events</code></p>
${view.clock && view.clock.offset > 0 ? `<p><strong>Time travel:</strong> the mock's clock is ${esc(view.clock.offset)} s ahead of the real time (now <code>${esc(view.clock.now)}</code>; <code>POST /_mock/reset</code> goes back). The explainer below judges on the real time, as an API does.</p>` : ''}
<h2>Why would an API accept or refuse this token?</h2>
<form method="post" action="/_mock/">
${csrfField(view.csrfToken)}
<label for="token">Token (JWT)</label><textarea id="token" name="token" rows="5" required>${esc(view.explained?.token ?? '')}</textarea>
<label for="audience">API identifier (audience) the API expects</label><input id="audience" type="text" name="audience" value="${esc(view.explained?.audience ?? firstApi)}">
<button type="submit">Explain</button>
</form>
${view.error ? `<p class="error">${esc(view.error)}</p>` : ''}${view.explained?.html ?? ''}
${TIMELINE}
<h2>Signing keys</h2><table><tr><th>kid</th><th>status</th></tr>${rows(view.keys.map((k) => [k.kid, k.status]))}</table>
<h2>Applications</h2><table><tr><th>client id</th><th>type</th><th>callbacks</th><th>web origins</th></tr>${rows(view.tenant.applications.map((a) => [a.clientId, a.appType, a.callbacks.join(' '), a.webOrigins.join(' ')]))}</table>
<h2>Users</h2><table><tr><th>email</th><th>sub</th><th>roles</th><th>blocked</th></tr>${rows(view.tenant.users.map((u) => [u.email, u.sub, u.roles.join(', '), u.blocked ? 'yes' : '']))}</table>
${view.tenant.organizations.length ? `<h2>Organizations</h2><table id="organizations"><tr><th>id</th><th>name</th><th>connections</th><th>members (organization roles)</th></tr>${rows(view.tenant.organizations.map((o) => [o.id, o.displayName ? `${o.name} (${o.displayName})` : o.name, o.connections.join(' '), o.members.map((m) => (m.roles.length ? `${m.user} (${m.roles.join(', ')})` : m.user)).join('; ')]))}</table>` : ''}
${view.blocked?.length ? `<h2>Blocked by brute-force protection</h2><p class="muted">Unblock: <code>POST /_mock/users/&lt;id&gt;/unblock</code>, or the link in the <code>user.blocked</code> event.</p><table id="blocked"><tr><th>user</th><th>address</th></tr>${rows(view.blocked.map((b) => [b.user, b.ip]))}</table>` : ''}
${view.otp?.length ? `<h2>One-time codes (MFA)</h2><p class="muted">The code each authenticator shows now. JSON: <code>GET /_mock/users/&lt;id&gt;/otp</code>; in tests <code>idp.otp(user)</code>.</p><table id="otp"><tr><th>user</th><th>sub</th><th>code</th><th>changes in (s)</th><th>enrolled</th></tr>${rows(view.otp.map((o) => [o.user, o.sub, o.code, o.expiresIn, o.enrolled ? 'yes' : 'enrolling']))}</table>` : ''}
<h2>Outbox (emails kept, not sent)</h2><p class="muted">JSON: <code>GET /_mock/emails?to=&lt;email&gt;</code>; in tests <code>idp.emails()</code>.</p>${outbox(view.emails ?? [])}
<h2>Recent events</h2><table id="events"><tr><th>#</th><th>at</th><th>type</th><th>client</th><th>user</th><th>error</th><th>detail</th></tr>${rows(view.events.map((e) => [e.seq, e.at, e.type, e.clientId ?? '', userOf(e, view.tenant), e.error ?? '', detailOf(e)]))}</table>`;
  return page('Debugger', body, { wide: true });
}
