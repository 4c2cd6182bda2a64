import type Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { asksForMfa } from '../../core/mfa.js';
import { type Invitation, notAMember } from '../../core/organizations.js';
import { changeMemberRoles, changeOrganizationMembers } from '../../core/tenant/edits.js';
import type { MockState } from '../../core/state.js';
import type { Organization } from '../../core/tenant/schema.js';
import type { PostLoginOutcome } from '../../core/actions/types.js';
import { clientAddress } from '../../oidc/client-address.js';
import type { InteractionCsrf } from '../csrf.js';
import { fail } from '../errors.js';
import { organizationPickerPage } from '../views/organization-page.js';
import { isSignInPrompt, signInResult } from './authorize-parameters.js';
import type { InteractionSteps } from './interaction-steps.js';
import { startMfaStep } from './mfa-step.js';

/** The pending invitation an authorization request carries (`invitation=<ticket>` with its `organization=`). */
export function invitationOf(state: MockState, params: Record<string, unknown>): Invitation | undefined {
  const ticket = typeof params.invitation === 'string' ? params.invitation : undefined;
  const org = typeof params.organization === 'string' ? state.directory.organization(params.organization) : undefined;
  return ticket && org ? state.invitations.find(ticket, org.id) : undefined;
}

/** The invitee (same email) logging in or signing up joins the organization with the invitation's roles; the invitation is used up. */
function acceptInvitation(state: MockState, params: Record<string, unknown>, org: Organization, sub: string): { roles: string[] } | undefined {
  const invitation = invitationOf(state, params);
  const email = state.directory.person(sub)?.email.toLowerCase();
  if (!invitation || invitation.inviteeEmail !== email) return undefined;
  changeOrganizationMembers(state, org.id, { add: [sub] });
  if (invitation.roles.length) changeMemberRoles(state, org.id, sub, { add: invitation.roles });
  state.invitations.accept(invitation.ticketId);
  state.events.add({ type: 'organization.invitation_accepted', sub, clientId: invitation.clientId, detail: { organization: org.id, invitation: invitation.id } });
  return state.directory.membership(org.id, sub);
}

/** Logins waiting at the organization picker, per mock and login attempt (uid). */
const picking = new WeakMap<MockState, Map<string, { login: NonNullable<InteractionResults['login']>; options: SignInOptions }>>();
const MAX_PICKING = 1000;

/**
 * Auth0's `post_login_prompt`: after the login, the user picks one of their organizations (a user of one
 * goes straight on with it; a user of none is refused with `access_denied`).
 */
function pickOrganization(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: NonNullable<InteractionResults['login']>, options: SignInOptions): Promise<void> | void {
  const { state } = end;
  const organizations = state.tenant.organizations.filter((o) => state.directory.membership(o.id, login.accountId));
  if (organizations.length === 0) return end.finish(ctx, { error: 'access_denied', error_description: `user ${login.accountId} is not a member of any organization` });
  if (organizations.length === 1) {
    state.loginOrganizations.choose(attempt.uid, organizations[0]!.id);
    return completeSignIn(end, ctx, attempt, login, options);
  }
  const waiting = picking.get(state) ?? new Map();
  picking.set(state, waiting);
  waiting.set(attempt.uid, { login, options });
  if (waiting.size > MAX_PICKING) waiting.delete(waiting.keys().next().value!);
  const clientId = String(attempt.params.client_id);
  ctx.type = 'html';
  ctx.body = organizationPickerPage({ uid: attempt.uid, csrfToken: end.csrf.token(attempt.uid), appName: state.directory.application(clientId)?.name ?? clientId, organizations: organizations.map((o) => ({ id: o.id, name: o.displayName ?? o.name })) });
}

/** `POST /interaction/:uid/organization-picker`: the organization picked after the login; the sign-in goes on through it. */
export function organizationPickerRoute(router: Router, state: MockState, steps: InteractionSteps): void {
  router.post('/organization-picker', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { uid, prompt, params } = await steps.details(ctx);
    const pending = picking.get(state)?.get(uid);
    if (!isSignInPrompt(prompt.name) || !pending) fail(400, 'this login attempt is not waiting for an organization: start again from the application');
    const org = state.directory.organization(form.get('organization') ?? '');
    if (!org || !state.directory.membership(org.id, pending.login.accountId)) fail(400, 'pick one of your organizations', 'invalid_request');
    picking.get(state)?.delete(uid);
    state.loginOrganizations.choose(uid, org.id);
    await completeSignIn({ state, csrf: steps.csrf, finish: steps.finish }, ctx, { uid, params, promptName: prompt.name }, pending.login, pending.options);
  });
}

/** Auth0's "Membership On Authentication": a user of an enabled connection that assigns membership joins (no roles) by logging in through the organization. */
function assignMembership(state: MockState, org: Organization, sub: string, connection: string | undefined): { roles: string[] } | undefined {
  if (!connection || !org.connections.includes(connection) || !org.assignMembershipOnLogin.includes(connection)) return undefined;
  changeOrganizationMembers(state, org.id, { add: [sub] });
  state.events.add({ type: 'organization.member_assigned', sub, detail: { organization: org.id, connection } });
  return state.directory.membership(org.id, sub);
}

/** The organization a login attempt is for: `organization=` of the request, or the one typed at the organization prompt. */
export function organizationOfAttempt(state: MockState, ctx: Context, params: Record<string, unknown>): Organization | undefined {
  const named = typeof params.organization === 'string' && params.organization !== '' ? params.organization : state.loginOrganizations.chosen(String(ctx.params.uid));
  return named ? state.directory.organization(named) : undefined;
}

/** What ends a sign-in: the interaction's result (oidc-provider sends it to the callback), the MFA step's page, or an Action's redirect. */
export interface SignInEnd {
  state: MockState;
  csrf: InteractionCsrf;
  finish(ctx: Context, result: InteractionResults): Promise<void>;
}

/** The login attempt a sign-in completes: its interaction uid, the authorization request and the prompt it answers. */
export interface SignInAttempt {
  uid: string;
  params: Record<string, unknown>;
  promptName: string;
}

export interface SignInOptions {
  /** The tenant's MFA policy applies (password logins): the one-time-code step when `mfa.policy` asks for it. */
  mfaPolicy?: boolean;
  /** Called when the login completes with no MFA step after it (the password route's `login.success`). */
  onSignedIn?: () => void;
}

/** The request of a trigger run: Auth0's `event.request` (the authorization request's query, or the `/continue` request's). */
function actionRequest(ctx: Context, query: Record<string, unknown>, body: Record<string, unknown> = {}) {
  return { ip: clientAddress(ctx.req, ctx.app.proxy), hostname: ctx.hostname, user_agent: ctx.get('user-agent'), query: Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'string')), body };
}

/**
 * Completes a sign-in: the organization it is for (not a member, a connection it does not enable: refused),
 * the tenant's post-login Actions (a deny or failure refused, which oidc-provider sends to the application's
 * callback as `error=access_denied&error_description=<reason>` with no session created; a redirect pauses
 * the login until `/continue`), then the MFA step when an Action enabled it (or the tenant policy asks for
 * it), else the login.
 */
export async function completeSignIn(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: NonNullable<InteractionResults['login']>, options: SignInOptions = {}): Promise<void> {
  const { state } = end;
  const { params, uid } = attempt;
  const clientId = String(params.client_id);
  const org = organizationOfAttempt(state, ctx, params);
  const app = state.directory.application(clientId);
  if (!org && app?.organizationUsage === 'require' && app.organizationRequireBehavior === 'post_login_prompt') return pickOrganization(end, ctx, attempt, login, options);
  if (org) {
    const connection = state.directory.person(login.accountId)?.connection;
    const membership = state.directory.membership(org.id, login.accountId) ?? acceptInvitation(state, params, org, login.accountId) ?? assignMembership(state, org, login.accountId, connection);
    if (!membership) return end.finish(ctx, { error: 'access_denied', error_description: notAMember(login.accountId, org) });
    if (connection && !org.connections.includes(connection)) return end.finish(ctx, { error: 'access_denied', error_description: `the connection ${connection} is not enabled for the ${org.id} organization` });
  }
  state.loginOrganizations.set(login.accountId, clientId, org?.id);
  if (org) state.events.add({ type: 'login.organization', clientId, sub: login.accountId, detail: { organization: org.id } });
  const outcome = state.actions
    ? await state.actions.postLogin(
        {
          sub: login.accountId,
          clientId,
          organization: org?.id,
          protocol: 'oidc-basic-profile',
          requestedScopes: String(params.scope ?? '').split(' ').filter(Boolean),
          audience: typeof params.audience === 'string' ? params.audience : undefined,
          request: actionRequest(ctx, params),
        },
        uid,
      )
    : undefined;
  await afterActions(end, ctx, attempt, login, outcome, options);
}

/**
 * `GET|POST /interaction/:uid/continue?state=`: a login paused by an Action's redirect resumes at that
 * action's `onContinuePostLogin` (with this request as `event.request`), then the rest of the trigger.
 */
export async function continueSignIn(end: SignInEnd, ctx: Context, attempt: SignInAttempt, continueState: string, body: Record<string, unknown>): Promise<void> {
  const actions = end.state.actions;
  const paused = actions?.paused(continueState);
  if (!actions || !paused || paused.uid !== attempt.uid) return end.finish(ctx, { error: 'invalid_request', error_description: 'the state of this /continue is unknown or expired, or belongs to another login' });
  const outcome = await actions.resume(continueState, actionRequest(ctx, ctx.query as Record<string, unknown>, body));
  await afterActions(end, ctx, attempt, { accountId: paused.sub }, outcome, {});
}

async function afterActions(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: NonNullable<InteractionResults['login']>, outcome: PostLoginOutcome | undefined, options: SignInOptions): Promise<void> {
  const { state } = end;
  if (outcome?.ok === false) return end.finish(ctx, { error: outcome.failure.code, error_description: outcome.failure.description });
  if (outcome?.ok === 'redirect') {
    ctx.status = 303;
    return ctx.redirect(outcome.redirect.url);
  }
  const clientId = String(attempt.params.client_id);
  const user = state.directory.findUser(login.accountId);
  // The one-time-code step after the Actions, as on Auth0: an action's api.multifactor.enable, acr_values asking
  // for the multi-factor policy, or the tenant policy.
  if (user && (outcome?.multifactor || (options.mfaPolicy && (asksForMfa(attempt.params.acr_values) || state.mfa.required({ user, clientId }))))) {
    return startMfaStep(state, end.csrf, ctx, attempt.uid, clientId, user, outcome?.multifactor);
  }
  options.onSignedIn?.();
  await end.finish(ctx, signInResult(attempt.promptName, login));
}
