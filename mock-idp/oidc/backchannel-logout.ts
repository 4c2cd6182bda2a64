import type Provider from 'oidc-provider';
import type { Directory } from '../core/directory.js';
import type { EventLog } from '../core/events.js';

/** What a login session holds, as far as back-channel logout reads it (oidc-provider's Session, or its stored payload). */
export interface EndedSession {
  accountId?: string | undefined;
  authorizations?: Record<string, { sid?: string | undefined } | undefined> | undefined;
}

/**
 * oidc-provider's Client model sends the logout token itself (`backchannelLogout(sub, sid)`: a signed
 * `logout+jwt` with `events`, `jti`, `sub` and, with `backchannel_logout_session_required`, `sid`);
 * its RP-initiated logout calls it for every application of the session. @types/oidc-provider does not
 * declare the method, hence this narrow view of it.
 */
interface BackchannelClient {
  clientId: string;
  backchannelLogoutUri?: string | undefined;
  backchannelLogout(sub: string, sid: string | undefined): Promise<void>;
}

/** One line in the event log per logout token sent: `backchannel.success`, or `backchannel.error` with why the application's endpoint failed. */
export function logBackchannelLogout(events: EventLog, client: { clientId: string; backchannelLogoutUri?: string | undefined }, sub: string | undefined, sid: string | undefined, err?: unknown): void {
  const detail = { uri: client.backchannelLogoutUri, ...(sid ? { sid } : {}) };
  if (err === undefined) {
    events.add({ type: 'backchannel.success', clientId: client.clientId, ...(sub ? { sub } : {}), detail });
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  events.add({ type: 'backchannel.error', clientId: client.clientId, ...(sub ? { sub } : {}), error: 'backchannel_logout_failed', detail: { ...detail, message } });
  console.warn(`mock-idp: back-channel logout to ${client.backchannelLogoutUri} (${client.clientId}) failed: ${message}`);
}

/**
 * Back-channel logout for a login session the mock ended itself (Auth0's /v2/logout, the admin API):
 * a logout token to every application the session signed in to that has a back-channel logout URI,
 * as oidc-provider's own /oidc/logout sends them. A failing application is logged, never thrown.
 */
export async function sendBackchannelLogout(provider: Provider, events: EventLog, session: EndedSession): Promise<void> {
  const { accountId } = session;
  if (!accountId) return;
  await Promise.all(
    Object.entries(session.authorizations ?? {}).map(async ([clientId, authorization]) => {
      const client = (await provider.Client.find(clientId)) as unknown as BackchannelClient | undefined;
      if (!client?.backchannelLogoutUri) return;
      const sid = authorization?.sid;
      try {
        await client.backchannelLogout(accountId, sid);
        logBackchannelLogout(events, client, accountId, sid);
      } catch (err) {
        logBackchannelLogout(events, client, accountId, sid, err);
      }
    }),
  );
}

/**
 * oidc-provider's `fetch` setting. Its outgoing requests refuse loopback and private addresses (its SSRF guard,
 * passed in as the `dispatcher`), but a local mock's applications listen on localhost: requests to a
 * back-channel logout URI the tenant file registers go out without that guard, every other request keeps it.
 */
export function backchannelFetch(directory: Directory): (url: URL | string | Request, options?: RequestInit) => Promise<Response> {
  return (url, options = {}) => {
    const href = url instanceof Request ? url.url : new URL(url).href;
    const registered = directory.tenant.applications.some((app) => app.backchannelLogoutUri !== undefined && new URL(app.backchannelLogoutUri).href === href);
    if (!registered) return globalThis.fetch(url, options);
    const { dispatcher: _ssrfGuard, ...unguarded } = options as RequestInit & { dispatcher?: unknown };
    return globalThis.fetch(url, unguarded);
  };
}
