import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { type Invitation, notAMember } from '../../core/organizations.js';
import { changeMemberRoles, changeOrganizationMembers } from '../../core/tenant/edits.js';
import type { MockState } from '../../core/state.js';
import type { Organization } from '../../core/tenant/schema.js';
import { clientAddress } from '../../oidc/client-address.js';
import { signInResult } from './authorize-parameters.js';

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

/** The organization a login attempt is for: `organization=` of the request, or the one typed at the organization prompt. */
export function organizationOfAttempt(state: MockState, ctx: Context, params: Record<string, unknown>): Organization | undefined {
  const named = typeof params.organization === 'string' && params.organization !== '' ? params.organization : state.loginOrganizations.chosen(String(ctx.params.uid));
  return named ? state.directory.organization(named) : undefined;
}

/**
 * The interaction result of a sign-in once the tenant's post-login Actions ran for it: the login
 * (signInResult), or the refusal of the organization it is for (not a member, a connection it does not
 * enable) or of the Actions, which oidc-provider sends to the application's callback
 * (`error=access_denied&error_description=<reason>`) with no session created.
 */
export async function signInAfterActions(state: MockState, ctx: Context, params: Record<string, unknown>, promptName: string, login: NonNullable<InteractionResults['login']>): Promise<InteractionResults> {
  const clientId = String(params.client_id);
  const org = organizationOfAttempt(state, ctx, params);
  if (org) {
    const membership = state.directory.membership(org.id, login.accountId) ?? acceptInvitation(state, params, org, login.accountId);
    if (!membership) return { error: 'access_denied', error_description: notAMember(login.accountId, org) };
    const connection = state.directory.person(login.accountId)?.connection;
    if (connection && !org.connections.includes(connection)) return { error: 'access_denied', error_description: `the connection ${connection} is not enabled for the ${org.id} organization` };
  }
  state.loginOrganizations.set(login.accountId, clientId, org?.id);
  if (org) state.events.add({ type: 'login.organization', clientId, sub: login.accountId, detail: { organization: org.id } });
  const actions = state.actions;
  if (actions) {
    const query = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string'));
    const outcome = await actions.postLogin({
      sub: login.accountId,
      clientId,
      organization: org?.id,
      protocol: 'oidc-basic-profile',
      requestedScopes: String(params.scope ?? '').split(' ').filter(Boolean),
      audience: typeof params.audience === 'string' ? params.audience : undefined,
      request: { ip: clientAddress(ctx.req, ctx.app.proxy), hostname: ctx.hostname, user_agent: ctx.get('user-agent'), query },
    });
    if (!outcome.ok) return { error: outcome.failure.code, error_description: outcome.failure.description };
  }
  return signInResult(promptName, login);
}
