import type { KeyInfo } from '../../core/keys.js';
import type { MockEvent } from '../../core/events.js';
import type { OutboxEmail } from '../../core/outbox.js';
import type { Tenant } from '../../core/tenant/schema.js';
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

/** A Management API call's method, path and status (`management.api` events). */
const requestOf = (e: MockEvent) =>
  typeof e.detail?.request === 'string' ? `${e.detail.request} → ${String(e.detail.status)}` : typeof e.detail?.organization === 'string' ? `organization ${e.detail.organization}` : '';

const rows = (cells: unknown[][]) => cells.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');

const outbox = (emails: OutboxEmail[]) =>
  emails.length
    ? `<table id="outbox"><tr><th>at</th><th>to</th><th>kind</th><th>subject</th><th>link or code</th><th>expires</th></tr>${emails
        .map((e) => `<tr><td>${esc(e.created_at)}</td><td>${esc(e.to)}</td><td>${esc(e.kind)}</td><td>${esc(e.subject)}</td><td>${e.links.map((l) => `<a href="${esc(l)}">${esc(l)}</a>`).join(' ')}${e.code ? `<code>${esc(e.code)}</code>` : ''}</td><td>${esc(e.expires ?? '')}</td></tr>`)
        .join('')}</table>`
    : '<p class="muted">No email yet: sign-ups, "Forgot password?", brute-force blocks, MFA email challenges and passwordless codes (SMS too) put theirs here.</p>';

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
<h2>Signing keys</h2><table><tr><th>kid</th><th>status</th></tr>${rows(view.keys.map((k) => [k.kid, k.status]))}</table>
<h2>Applications</h2><table><tr><th>client id</th><th>type</th><th>callbacks</th><th>web origins</th></tr>${rows(view.tenant.applications.map((a) => [a.clientId, a.appType, a.callbacks.join(' '), a.webOrigins.join(' ')]))}</table>
<h2>Users</h2><table><tr><th>email</th><th>sub</th><th>roles</th><th>blocked</th></tr>${rows(view.tenant.users.map((u) => [u.email, u.sub, u.roles.join(', '), u.blocked ? 'yes' : '']))}</table>
${view.tenant.organizations.length ? `<h2>Organizations</h2><table id="organizations"><tr><th>id</th><th>name</th><th>connections</th><th>members (organization roles)</th></tr>${rows(view.tenant.organizations.map((o) => [o.id, o.displayName ? `${o.name} (${o.displayName})` : o.name, o.connections.join(' '), o.members.map((m) => (m.roles.length ? `${m.user} (${m.roles.join(', ')})` : m.user)).join('; ')]))}</table>` : ''}
${view.blocked?.length ? `<h2>Blocked by brute-force protection</h2><p class="muted">Unblock: <code>POST /_mock/users/&lt;id&gt;/unblock</code>, or the link in the <code>user.blocked</code> event.</p><table id="blocked"><tr><th>user</th><th>address</th></tr>${rows(view.blocked.map((b) => [b.user, b.ip]))}</table>` : ''}
${view.otp?.length ? `<h2>One-time codes (MFA)</h2><p class="muted">The code each authenticator shows now. JSON: <code>GET /_mock/users/&lt;id&gt;/otp</code>; in tests <code>idp.otp(user)</code>.</p><table id="otp"><tr><th>user</th><th>sub</th><th>code</th><th>changes in (s)</th><th>enrolled</th></tr>${rows(view.otp.map((o) => [o.user, o.sub, o.code, o.expiresIn, o.enrolled ? 'yes' : 'enrolling']))}</table>` : ''}
<h2>Outbox (emails kept, not sent)</h2><p class="muted">JSON: <code>GET /_mock/emails?to=&lt;email&gt;</code>; in tests <code>idp.emails()</code>.</p>${outbox(view.emails ?? [])}
<h2>Recent events</h2><table id="events"><tr><th>#</th><th>at</th><th>type</th><th>client</th><th>user</th><th>error</th><th>request</th></tr>${rows(view.events.map((e) => [e.seq, e.at, e.type, e.clientId ?? '', e.sub ?? '', e.error ?? '', requestOf(e)]))}</table>`;
  return page('Debugger', body, { wide: true });
}
