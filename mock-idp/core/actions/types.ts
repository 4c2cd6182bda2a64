/**
 * What the rest of the mock sees of Actions (core/actions/run.ts runs them): the inputs of a
 * trigger and what it changes. No import of the runner here, so MockState can hold one.
 */

/** The request a trigger runs for (Auth0's `event.request`). */
export interface ActionRequest {
  ip?: string | undefined;
  hostname?: string | undefined;
  user_agent?: string | undefined;
  query?: Record<string, unknown> | undefined;
  body?: Record<string, unknown> | undefined;
}

export interface PostLoginInput {
  sub: string;
  clientId: string;
  /** The organization (id) the user logs in through. */
  organization?: string | undefined;
  /** Auth0's `event.transaction.protocol`: `oidc-basic-profile` for an interactive login, `oauth2-refresh-token`, `oauth2-password`. */
  protocol: string;
  requestedScopes: string[];
  audience?: string | undefined;
  request: ActionRequest;
}

export interface CredentialsExchangeInput {
  clientId: string;
  audience: string;
  requestedScopes: string[];
  request: ActionRequest;
}

/** Claims and scopes an action run adds to the tokens of one login (or one client-credentials token). */
export interface TokenChanges {
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  addScopes: string[];
  removeScopes: string[];
}

/** Why a trigger's run refused the login or token: a deny (`code`: Auth0's OAuth error), a thrown error or the timeout. */
export interface ActionFailure {
  code: string;
  description: string;
}

export type ActionOutcome = { ok: true; changes: TokenChanges } | { ok: false; failure: ActionFailure };

export interface Actions {
  /** Runs the post-login actions; the changes are kept for the tokens of this user and application (`changesFor`). */
  postLogin(input: PostLoginInput): Promise<ActionOutcome>;
  credentialsExchange(input: CredentialsExchangeInput): Promise<ActionOutcome>;
  /** The changes of the last post-login run for this user and application. */
  changesFor(sub: string, clientId: string): TokenChanges | undefined;
  /** Every ID-token claim name an action has set so far (the provider must know them to release them). */
  readonly idTokenClaimNames: ReadonlySet<string>;
}

export const NO_CHANGES: TokenChanges = Object.freeze({ idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] });
