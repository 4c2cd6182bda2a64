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

/** What `api.multifactor.enable` asked for: the one-time-code step follows the actions (the mock's only factor). */
export interface MultifactorRequest {
  provider: string;
  allowRememberBrowser: boolean;
}

/** `api.redirect.sendUserTo`: the login waits at `url` (with `state`) until the browser comes back to `/continue?state=`. */
export interface ActionRedirect {
  url: string;
  /** The opaque `state` of the paused run (also in `url`). */
  state: string;
}

export type ActionOutcome = { ok: true; changes: TokenChanges; multifactor?: MultifactorRequest | undefined } | { ok: false; failure: ActionFailure };

/** A post-login run may also pause for a redirect (interactive logins only). */
export type PostLoginOutcome = ActionOutcome | { ok: 'redirect'; redirect: ActionRedirect };

/** The paused run a `/continue?state=` resumes: the login attempt (interaction uid) it belongs to. */
export interface PausedLogin {
  uid: string;
  sub: string;
  clientId: string;
}

export interface Actions {
  /**
   * Runs the post-login actions; the changes are kept for the tokens of this user and application (`changesFor`).
   * `uid`: the login attempt of an interactive login, which an action may pause with a redirect.
   */
  postLogin(input: PostLoginInput, uid?: string): Promise<PostLoginOutcome>;
  /** The paused run of a `state` (undefined when unknown or expired). */
  paused(state: string): PausedLogin | undefined;
  /** Resumes a paused run at `onContinuePostLogin` of the action that redirected, with the `/continue` request; then the rest. */
  resume(state: string, request: ActionRequest): Promise<PostLoginOutcome>;
  credentialsExchange(input: CredentialsExchangeInput): Promise<ActionOutcome>;
  /** The changes of the last post-login run for this user and application. */
  changesFor(sub: string, clientId: string): TokenChanges | undefined;
  /** Every ID-token claim name an action has set so far (the provider must know them to release them). */
  readonly idTokenClaimNames: ReadonlySet<string>;
}

export const NO_CHANGES: TokenChanges = Object.freeze({ idToken: {}, accessToken: {}, addScopes: [], removeScopes: [] });
