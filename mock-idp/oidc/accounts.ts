import type { Account, FindAccount } from 'oidc-provider';
import { profileClaims } from '../core/claims.js';
import type { Directory } from '../core/directory.js';

/**
 * The provider's account lookup. The ID token's `sid` (Auth0 always sends it)
 * is the login session's id, read from the code or refresh token being redeemed.
 */
export function findAccountIn(directory: Directory): FindAccount {
  return (ctx, sub): Account | undefined => {
    const person = directory.person(sub);
    if (!person || person.blocked) return undefined;
    const { entities } = ctx.oidc;
    const sid = entities.AuthorizationCode?.sessionUid ?? entities.RefreshToken?.sessionUid ?? entities.Session?.uid;
    return {
      accountId: person.sub,
      claims: (use) => ({ ...profileClaims(person), ...(use === 'id_token' && sid ? { sid } : {}) }),
    };
  };
}
