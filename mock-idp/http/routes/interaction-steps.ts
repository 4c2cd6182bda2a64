import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { MockState } from '../../core/state.js';
import type { OidcHost } from '../../oidc/host.js';
import { readForm } from '../../oidc/body.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { isSignInPrompt } from './authorize-parameters.js';

/** The login oidc-provider is told of when a sign-in completes (its interaction result's `login`). */
export type LoginResult = NonNullable<InteractionResults['login']>;

export interface SignInOptions {
  /** The tenant's MFA policy applies (password logins): the one-time-code step when `mfa.policy` asks for it. */
  mfaPolicy?: boolean;
  /** The `login.success` event's detail: `connection` (default: the user's own), `magicLink`. */
  detail?: Record<string, string | boolean>;
}

/**
 * What the mock keeps in a login attempt between its pages: the organization typed at the organization prompt,
 * the login waiting at the organization picker or at the one-time-code step. Kept in the interaction itself (its `result`, which
 * oidc-provider's adapter stores and only reads at the resume step), so a restart with a data directory or
 * another replica on Redis carries it on; the interaction's expiry bounds it.
 */
export interface AttemptNotes {
  organization?: string;
  picking?: { login: LoginResult; options: SignInOptions };
  /** The options of a login paused by an Action's redirect (post-login.ts), for its `/continue`. */
  redirected?: SignInOptions;
  /** The login waiting at the one-time-code step (mfa-step.ts): who, to which application, its `login.success` detail. */
  mfa?: { sub: string; clientId: string; detail?: SignInOptions['detail'] };
}

/** The key of the notes in the interaction's result: nothing oidc-provider reads (a resume with it alone asks for the login again). */
const NOTES = 'mock_idp';

/** The notes of an interaction (none when its result holds none). */
export function notesOf(result: unknown): AttemptNotes {
  const notes = typeof result === 'object' && result !== null ? (result as Record<string, unknown>)[NOTES] : undefined;
  return typeof notes === 'object' && notes !== null ? (notes as AttemptNotes) : {};
}

/** The interaction result that keeps `notes` (and no login: oidc-provider's resume step would ask for it again). */
export const noting = (notes: AttemptNotes): InteractionResults => ({ [NOTES]: notes });

/** The login attempt a sign-in completes: its interaction uid, the authorization request, the prompt it answers, the mock's notes. */
export interface SignInAttempt {
  uid: string;
  params: Record<string, unknown>;
  promptName: string;
  notes: AttemptNotes;
}

/** What ends a sign-in: the interaction's result (oidc-provider sends it to the callback), the MFA step's page, or an Action's redirect. */
export interface SignInEnd {
  state: MockState;
  csrf: InteractionCsrf;
  /** `mergeWithLastSubmission`: keep what the earlier steps of this authorization resolved (the consent step after a requested login or account selection). */
  finish(ctx: Context, result: InteractionResults, mergeWithLastSubmission?: boolean): Promise<void>;
  /** Keeps `notes` in the login attempt (AttemptNotes), for the next page of this attempt. */
  note(ctx: Context, notes: AttemptNotes): Promise<void>;
}

/** The steps of a login attempt the login routes share (interactionSteps below): its CSRF-checked form, the interaction, the sign-in it waits for, its result and notes, the CSRF tokens of its pages. */
export interface InteractionSteps extends SignInEnd {
  /** The POSTed form, once its Origin and CSRF token are checked (a 403 otherwise). */
  checkedForm(ctx: Context): Promise<URLSearchParams>;
  /** This request's interaction (oidc-provider's), which must be the one of the page's uid. */
  details(ctx: Context): ReturnType<OidcHost['provider']['interactionDetails']>;
  /**
   * The login attempt of this request, which must be waiting for a sign-in (the login or account-selection
   * prompt): a 400 naming what it is not waiting for (`waitingFor`) otherwise.
   */
  signingIn(ctx: Context, waitingFor?: string, error?: string): Promise<SignInAttempt>;
}

/** The one `login.success` of a sign-in, when it completes (after the Actions and any MFA step); its detail names the connection (the user's own unless `detail` names the one used). */
export function signedIn(state: MockState, clientId: string, sub: string, detail: Record<string, string | boolean> = {}): void {
  state.events.add({ type: 'login.success', clientId, sub, detail: { connection: state.directory.person(sub)?.connection ?? '', ...detail } });
}

/** The steps over oidc-provider's interaction API (`interactionDetails` → a page → `interactionResult`) for the login routes. */
export function interactionSteps(state: MockState, oidc: OidcHost, csrf: InteractionCsrf): InteractionSteps {
  const details = async (ctx: Context) => {
    const found = await oidc.provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== ctx.params.uid) fail(400, 'this login page belongs to another login attempt: start again from the application');
    return found;
  };
  return {
    state,
    csrf,
    details,
    async checkedForm(ctx) {
      const form = await readForm(ctx);
      csrf.check(ctx, ctx.params.uid!, form);
      return form;
    },
    async signingIn(ctx, waitingFor = 'credentials', error) {
      const { uid, prompt, params, result } = await details(ctx);
      if (!isSignInPrompt(prompt.name)) fail(400, `this login attempt is not waiting for ${waitingFor}`, error);
      return { uid, params, promptName: prompt.name, notes: notesOf(result) };
    },
    async finish(ctx, result, mergeWithLastSubmission = false) {
      const to = await oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
      ctx.status = 303;
      ctx.redirect(to);
    },
    // oidc-provider keeps a result in the interaction and sends the browser on only when told to: the notes stay for the attempt's next page.
    async note(ctx, notes) {
      await oidc.provider.interactionResult(ctx.req, ctx.res, noting(notes), { mergeWithLastSubmission: false });
    },
  };
}
