import type { Account, FindAccount } from 'oidc-provider';
import { profileClaims } from '../core/claims.js';
import { organizationClaims } from '../core/organizations.js';
import type { Directory } from '../core/directory.js';
import type { MockState } from '../core/state.js';

/**
 * The provider's account lookup. The ID token's `sid` (Auth0 always sends it)
 * is the login session's id, read from the code or refresh token being redeemed.
 * The ID-token claims of the application's last post-login Action run for this
 * user are added (to /userinfo too, as on Auth0), and to the ID token the
 * organization of the login (`org_id`, `org_name`).
 */
export function findAccountIn(directory: Directory, state: Pick<MockState, 'actions' | 'loginOrganizations'>): FindAccount {
  return (ctx, sub): Account | undefined => {
    const person = directory.person(sub);
    if (!person || person.blocked) return undefined;
    const { entities } = ctx.oidc;
    const sid = entities.AuthorizationCode?.sessionUid ?? entities.RefreshToken?.sessionUid ?? entities.Session?.uid;
    return {
      accountId: person.sub,
      claims: (use) => {
        const clientId = ctx.oidc.client?.clientId;
        const fromActions = clientId ? state.actions?.changesFor(person.sub, clientId)?.idToken : undefined;
        const org = use === 'id_token' && clientId ? organizationClaims(directory, state.loginOrganizations.get(person.sub, clientId)) : {};
        return { ...profileClaims(person), ...fromActions, ...org, ...(use === 'id_token' && sid ? { sid } : {}) };
      },
    };
  };
}
