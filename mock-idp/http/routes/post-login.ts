import type Router from '@koa/router';
import type { Context } from 'koa';
import { asksForMfa } from '../../core/mfa.js';
import { type Invitation, notAMember } from '../../core/organizations.js';
import { changeMemberRoles, changeOrganizationMembers } from '../../core/tenant/edits.js';
import type { MockState } from '../../core/state.js';
import type { Organization } from '../../core/tenant/schema.js';
import type { PostLoginOutcome } from '../../core/actions/types.js';
import { clientAddress } from '../../oidc/client-address.js';
import { fail } from '../errors.js';
import { organizationPickerPage } from '../views/organization-page.js';
import { signInResult } from './authorize-parameters.js';
import { type InteractionSteps, type LoginResult, type SignInAttempt, type SignInEnd, type SignInOptions, signedIn } from './interaction-steps.js';
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

/**
 * Auth0's `post_login_prompt`: after the login, the user picks one of their organizations (a user of one
 * goes straight on with it; a user of none is refused with `access_denied`). The login waits in the
 * interaction's notes (interaction-steps.ts), so the picker's answer may come to another replica or after a restart.
 */
async function pickOrganization(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: LoginResult, options: SignInOptions): Promise<void> {
  const { state } = end;
  const organizations = state.tenant.organizations.filter((o) => state.directory.membership(o.id, login.accountId));
  if (organizations.length === 0) return refuse(end, ctx, attempt, login.accountId, `user ${login.accountId} is not a member of any organization`);
  if (organizations.length === 1) return completeSignIn(end, ctx, { ...attempt, notes: { ...attempt.notes, organization: organizations[0]!.id } }, login, options);
  await end.note(ctx, { ...attempt.notes, picking: { login, options } });
  const clientId = String(attempt.params.client_id);
  ctx.type = 'html';
  ctx.body = organizationPickerPage({ uid: attempt.uid, csrfToken: end.csrf.token(attempt.uid), appName: state.directory.application(clientId)?.name ?? clientId, organizations: organizations.map((o) => ({ id: o.id, name: o.displayName ?? o.name })) });
}

/** `POST /interaction/:uid/organization-picker`: the organization picked after the login; the sign-in goes on through it. */
export function organizationPickerRoute(router: Router, steps: InteractionSteps): void {
  const { state } = steps;
  router.post('/organization-picker', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const attempt = await steps.signingIn(ctx);
    const { picking, ...notes } = attempt.notes;
    if (!picking) fail(400, 'this login attempt is not waiting for an organization: start again from the application');
    const org = state.directory.organization(form.get('organization') ?? '');
    if (!org || !state.directory.membership(org.id, picking.login.accountId)) fail(400, 'pick one of your organizations', 'invalid_request');
    await completeSignIn(steps, ctx, { ...attempt, notes: { ...notes, organization: org.id } }, picking.login, picking.options);
  });
}

/** Auth0's "Membership On Authentication": a user of an enabled connection that assigns membership joins (no roles) by logging in through the organization. */
function assignMembership(state: MockState, org: Organization, sub: string, connection: string | undefined): { roles: string[] } | undefined {
  if (!connection || !org.connections.includes(connection) || !org.assignMembershipOnLogin.includes(connection)) return undefined;
  changeOrganizationMembers(state, org.id, { add: [sub] });
  state.events.add({ type: 'organization.member_assigned', sub, detail: { organization: org.id, connection } });
  return state.directory.membership(org.id, sub);
}

/** The organization a login attempt is for: `organization=` of the request, or the one typed at the organization prompt or picked after the login. */
export function organizationOfAttempt(state: MockState, attempt: Pick<SignInAttempt, 'params' | 'notes'>): Organization | undefined {
  const { params, notes } = attempt;
  const named = typeof params.organization === 'string' && params.organization !== '' ? params.organization : notes.organization;
  return named ? state.directory.organization(named) : undefined;
}

/** A sign-in refused after the credentials (organization, Actions): `login.failed`, and the error at the application's callback. */
function refuse(end: SignInEnd, ctx: Context, attempt: SignInAttempt, sub: string, description: string, error = 'access_denied'): Promise<void> {
  end.state.events.add({ type: 'login.failed', clientId: String(attempt.params.client_id), sub, error, detail: { reason: description } });
  return end.finish(ctx, { error, error_description: description });
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
export async function completeSignIn(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: LoginResult, options: SignInOptions = {}): Promise<void> {
  const { state } = end;
  const { params, uid } = attempt;
  const clientId = String(params.client_id);
  const org = organizationOfAttempt(state, attempt);
  const app = state.directory.application(clientId);
  if (!org && app?.organizationUsage === 'require' && app.organizationRequireBehavior === 'post_login_prompt') return pickOrganization(end, ctx, attempt, login, options);
  if (org) {
    const connection = state.directory.person(login.accountId)?.connection;
    const membership = state.directory.membership(org.id, login.accountId) ?? acceptInvitation(state, params, org, login.accountId) ?? assignMembership(state, org, login.accountId, connection);
    if (!membership) return refuse(end, ctx, attempt, login.accountId, notAMember(login.accountId, org));
    if (connection && !org.connections.includes(connection)) return refuse(end, ctx, attempt, login.accountId, `the connection ${connection} is not enabled for the ${org.id} organization`);
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
  // The login goes on as it started (the tenant's MFA policy for a password login, its login.success detail).
  const { redirected: options = {}, ...notes } = attempt.notes;
  await afterActions(end, ctx, { ...attempt, notes }, { accountId: paused.sub }, outcome, options);
}

async function afterActions(end: SignInEnd, ctx: Context, attempt: SignInAttempt, login: LoginResult, outcome: PostLoginOutcome | undefined, options: SignInOptions): Promise<void> {
  const { state } = end;
  if (outcome?.ok === false) return refuse(end, ctx, attempt, login.accountId, outcome.failure.description, outcome.failure.code);
  if (outcome?.ok === 'redirect') {
    await end.note(ctx, { ...attempt.notes, redirected: options });
    ctx.status = 303;
    return ctx.redirect(outcome.redirect.url);
  }
  const clientId = String(attempt.params.client_id);
  const user = state.directory.findUser(login.accountId);
  // The one-time-code step after the Actions, as on Auth0: an action's api.multifactor.enable, acr_values asking
  // for the multi-factor policy, or the tenant policy.
  if (user && (outcome?.multifactor || (options.mfaPolicy && (asksForMfa(attempt.params.acr_values) || state.mfa.required({ user, clientId }))))) {
    return startMfaStep(end, ctx, attempt, clientId, user, outcome?.multifactor, options.detail);
  }
  signedIn(state, clientId, login.accountId, options.detail);
  await end.finish(ctx, signInResult(attempt.promptName, login));
}
