import type Provider from 'oidc-provider';
import type { EventLog } from '../core/events.js';
import { logBackchannelLogout } from './backchannel-logout.js';
import { disallowedGrantType } from './errors.js';
import { auth0TokenError } from './token-errors.js';

/** oidc-provider events worth a line in the event log. */
const LOGGED_EVENTS = [
  'authorization.success', 'authorization.error', 'grant.success', 'grant.error', 'grant.revoked',
  'end_session.success', 'revocation.success', 'userinfo.error', 'server_error', 'refresh_token.consumed',
] as const;

interface OidcOfEvent {
  route?: string;
  client?: { clientId: string; grantTypeAllowed(type: string): boolean };
  session?: { accountId?: string };
  /** The user a token request is for (the code's, the refresh token's): the token endpoint has no session. */
  account?: { accountId?: string };
  params?: { grant_type?: unknown };
}

/** Copies the provider's events into the mock's event log, through its documented `on()`. */
export function logProviderEvents(provider: Provider, events: EventLog): void {
  const on = provider.on.bind(provider) as (event: string, listener: (...args: unknown[]) => void) => void;
  for (const name of LOGGED_EVENTS) {
    on(name, (ctx, second) => {
      const oidc = (ctx as { oidc?: OidcOfEvent } | undefined)?.oidc;
      const grantType = name.startsWith('grant.') && typeof oidc?.params?.grant_type === 'string' ? oidc.params.grant_type : undefined;
      // The answer to a disallowed grant type is rewritten to Auth0's unauthorized_client (oidc/errors.ts); so is its event.
      // So are the token errors oidc/token-errors.ts gives Auth0's bodies (e.g. a wrong secret: access_denied).
      const rewritten = name === 'grant.error' ? (disallowedGrantType(oidc) ? 'unauthorized_client' : auth0TokenError(oidc, second)?.error) : undefined;
      const error = rewritten ?? (second instanceof Error ? ((second as { error?: string }).error ?? second.message) : undefined);
      // Why, in oidc-provider's words (e.g. "refresh token already used"): the reason a learner looks for.
      const reason = second instanceof Error ? (second as { error_detail?: unknown }).error_detail : undefined;
      const sub = oidc?.session?.accountId ?? oidc?.account?.accountId;
      const detail = {
        ...(typeof second === 'string' ? { id: second } : {}),
        ...(grantType ? { grant_type: grantType } : {}),
        ...(typeof reason === 'string' ? { reason } : {}),
      };
      events.add({
        type: name,
        ...(oidc?.client ? { clientId: oidc.client.clientId } : {}),
        ...(sub ? { sub } : {}),
        ...(error ? { error } : {}),
        ...(Object.keys(detail).length ? { detail } : {}),
      });
      if (name === 'server_error') console.error('mock-idp: server error', second);
    });
  }
  // oidc-provider's own RP-initiated logout (/oidc/logout) sends the logout tokens; its outcome per application:
  type Client = { clientId: string; backchannelLogoutUri?: string };
  on('backchannel.success', (_ctx, client, sub, sid) => logBackchannelLogout(events, client as Client, sub as string, sid as string | undefined));
  on('backchannel.error', (_ctx, err, client, sub, sid) => logBackchannelLogout(events, client as Client, sub as string, sid as string | undefined, err ?? 'failed'));
}
