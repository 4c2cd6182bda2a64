import { randomBytes } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';
import type { Directory } from './directory.js';
import type { Outbox, OutboxEmail } from './outbox.js';
import type { Application, Organization } from './tenant/schema.js';

/** Auth0's answers about `organization=` (`invalid_request` on the callback, before any login). */
export const ORGANIZATION_ERRORS = {
  /** Confirmed (public reports of Auth0's callback). */
  required: 'parameter organization is required for this client',
  /** Confirmed, with the tenant's "allow organization names" off. */
  mustBeId: 'authorization request parameter organization must be an organization id',
  notAllowed: 'parameter organization is not allowed for this client',
  unknown: 'parameter organization is invalid: no organization found',
} as const;

/** Auth0's refusal of a login through an organization the user is not a member of (`access_denied`). */
export function notAMember(sub: string, org: Organization): string {
  return `user ${sub} is not part of the ${org.id} organization`;
}

/**
 * The organization an authorization request names, as Auth0 checks `organization=` against the
 * application's "type of users" (`organizationUsage`): the organization, none, or the
 * `invalid_request` description to answer.
 */
export function requestedOrganization(directory: Directory, app: Application | undefined, value: string | undefined): { org?: Organization; error?: string } {
  if (value === undefined || value === '') {
    return app?.organizationUsage === 'require' && app.organizationRequireBehavior === 'no_prompt' ? { error: ORGANIZATION_ERRORS.required } : {};
  }
  if (!app || app.organizationUsage === 'deny') return { error: ORGANIZATION_ERRORS.notAllowed };
  if (!value.startsWith('org_') && !directory.tenant.allowOrganizationNameInAuthenticationApi) return { error: ORGANIZATION_ERRORS.mustBeId };
  const org = directory.organization(value);
  return org ? { org } : { error: ORGANIZATION_ERRORS.unknown };
}

/** `org_id`, and `org_name` when the tenant allows names, as Auth0 puts them in the ID and access tokens. */
export function organizationClaims(directory: Directory, orgId: string | undefined): Record<string, string> {
  const org = orgId ? directory.organization(orgId) : undefined;
  if (!org) return {};
  return { org_id: org.id, ...(directory.tenant.allowOrganizationNameInAuthenticationApi ? { org_name: org.name } : {}) };
}

/**
 * The organization each user last logged in to each application through (none: an individual login):
 * the tokens issued for that login and its refreshes carry it.
 */
export class LoginOrganizations {
  readonly #byLogin = new Map<string, string>();

  /** `onChange`: called after every change of the per-login organizations (persistence). */
  constructor(private readonly onChange: () => void = () => {}) {}

  set(sub: string, clientId: string, orgId: string | undefined): void {
    const key = `${sub}\n${clientId}`;
    if (this.#byLogin.get(key) === orgId) return;
    if (orgId) this.#byLogin.set(key, orgId);
    else this.#byLogin.delete(key);
    this.onChange();
  }

  /** The organization of each user's last login per application, as `[sub, clientId, orgId]` (a state snapshot). */
  exportState(): Array<[sub: string, clientId: string, orgId: string]> {
    return [...this.#byLogin].map(([key, orgId]) => {
      const [sub = '', clientId = ''] = key.split('\n');
      return [sub, clientId, orgId];
    });
  }

  importState(entries: ReadonlyArray<readonly [string, string, string]>): void {
    this.#byLogin.clear();
    for (const [sub, clientId, orgId] of entries) this.#byLogin.set(`${sub}\n${clientId}`, orgId);
  }

  get(sub: string, clientId: string): string | undefined {
    return this.#byLogin.get(`${sub}\n${clientId}`);
  }

  clear(): void {
    this.#byLogin.clear();
  }
}

/** An invitation to join an organization (Auth0's `POST /organizations/{id}/invitations`). */
export interface Invitation {
  id: string;
  ticketId: string;
  organizationId: string;
  clientId: string;
  inviterName: string;
  inviteeEmail: string;
  /** Role names the member gets on joining. */
  roles: string[];
  createdAt: number;
  expiresAt: number;
}

/**
 * The invitation link as Auth0 builds it: the application's Application Login URI (`initiateLoginUri`;
 * the issuer without one) with `invitation`, `organization` and `organization_name`.
 */
export function invitationUrl(directory: Directory, issuer: string, invitation: Invitation): string {
  const org = directory.organization(invitation.organizationId);
  const url = new URL(directory.application(invitation.clientId)?.initiateLoginUri ?? issuer);
  url.search = new URLSearchParams({ invitation: invitation.ticketId, organization: invitation.organizationId, organization_name: org?.name ?? '' }).toString();
  return url.href;
}

/** Auth0's invitation email (`send_invitation_email`), kept in the outbox: who invites, to which organization, the link. */
export function sendInvitationEmail(state: { readonly directory: Directory; readonly issuer: string; readonly outbox: Outbox }, invitation: Invitation): OutboxEmail {
  const org = state.directory.organization(invitation.organizationId);
  const orgName = org?.displayName ?? org?.name ?? invitation.organizationId;
  const appName = state.directory.application(invitation.clientId)?.name ?? invitation.clientId;
  const url = invitationUrl(state.directory, state.issuer, invitation);
  return state.outbox.add({
    to: invitation.inviteeEmail,
    kind: 'organization_invitation',
    subject: `You've been invited to join ${orgName}`,
    text: `${invitation.inviterName} has invited you to join ${orgName} on ${appName}. Accept the invitation: ${url}`,
    links: [url],
    expires: new Date(invitation.expiresAt).toISOString(),
  });
}

/** Auth0's default lifetime of an invitation: 7 days. */
export const INVITATION_TTL = 7 * 24 * 3600;
const MAX_INVITATIONS = 1000;

/** The pending invitations (in memory, as the mock's other tickets): accepted once, by a login or sign-up with the invitee's email. */
export class Invitations {
  readonly #byTicket: BoundedMap<string, Invitation>;

  constructor(
    private readonly now: () => number,
    /** Called after every change (persistence). */
    private readonly onChange: () => void = () => {},
  ) {
    this.#byTicket = new BoundedMap(MAX_INVITATIONS, { now });
  }

  create(input: Omit<Invitation, 'id' | 'ticketId' | 'createdAt' | 'expiresAt'>, ttlSeconds = INVITATION_TTL): Invitation {
    const createdAt = this.now();
    const invitation: Invitation = { ...input, id: `uinv_${randomBytes(8).toString('hex')}`, ticketId: randomBytes(16).toString('base64url'), createdAt, expiresAt: createdAt + ttlSeconds * 1000 };
    this.#byTicket.set(invitation.ticketId, invitation, invitation.expiresAt);
    this.onChange();
    return invitation;
  }

  /** A pending, unexpired invitation of this organization by its ticket. */
  find(ticketId: string, organizationId: string): Invitation | undefined {
    const found = this.#byTicket.get(ticketId);
    return found?.organizationId === organizationId ? found : undefined;
  }

  of(organizationId: string): Invitation[] {
    return [...this.#byTicket.values()].filter((i) => i.organizationId === organizationId);
  }

  accept(ticketId: string): void {
    this.#byTicket.delete(ticketId);
    this.onChange();
  }

  clear(): void {
    this.#byTicket.clear();
  }

  /** The pending invitations, oldest first (a state snapshot; expired ones are dropped on import). */
  exportState(): Invitation[] {
    return [...this.#byTicket.values()].map((i) => structuredClone(i));
  }

  importState(invitations: readonly Invitation[]): void {
    this.#byTicket.clear();
    for (const i of invitations) if (i.expiresAt > this.now()) this.#byTicket.set(i.ticketId, structuredClone(i), i.expiresAt);
  }
}
