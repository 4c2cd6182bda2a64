import { errors } from 'oidc-provider';
import type { Directory } from '../../core/directory.js';
import { isPasswordlessConnection, passwordlessFailure } from '../../core/passwordless.js';
import type { MockState } from '../../core/state.js';
import { checkPasswordlessCode } from '../../core/tenant/edits.js';
import { resourceIndicators } from '../resource-servers.js';
import { type GrantHandler, issueUserTokens, param } from './password.js';

/** Auth0's grant that exchanges a passwordless code (`otp`) for tokens; `realm` is the connection, `username` the email or phone number. */
export const PASSWORDLESS_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
export const PASSWORDLESS_GRANT_PARAMETERS = ['username', 'otp', 'realm', 'scope', 'audience'];

/**
 * The passwordless grant: a right code signs the user in (tokens as after a login, `amr` none);
 * Auth0's 403 invalid_grant for a wrong, expired or spent code (3 wrong codes spend it).
 */
export function passwordlessGrant(state: MockState, directory: Directory): GrantHandler {
  const resources = resourceIndicators(directory);
  return async (ctx) => {
    const { client } = ctx.oidc;
    if (!client) throw new errors.InvalidClient('client authentication failed');
    const username = param(ctx, 'username');
    const otp = param(ctx, 'otp');
    const realm = param(ctx, 'realm');
    if (!username || !otp || !realm) throw new errors.InvalidRequest(`missing required parameter '${!username ? 'username' : !otp ? 'otp' : 'realm'}'`);
    if (!isPasswordlessConnection(realm)) throw new errors.InvalidRequest(`unknown realm '${realm}': the passwordless connections are email and sms`);
    const connection = realm;
    const checked = checkPasswordlessCode(state, connection, username, otp);
    if (checked.outcome !== 'ok') {
      const description = passwordlessFailure(connection, checked.outcome);
      state.events.add({ type: 'login.failed', clientId: client.clientId, error: 'invalid_grant', detail: { connection, ...(connection === 'email' ? { email: username } : { phone_number: username }), reason: checked.outcome } });
      ctx.status = 403;
      ctx.body = { error: 'invalid_grant', error_description: description };
      return;
    }
    state.events.add({ type: 'login.success', clientId: client.clientId, sub: checked.sub, detail: { connection } });
    // state.directory: a first login has just created the user (a new directory).
    await issueUserTokens(ctx, state.directory, resources, { sub: checked.sub }, { scope: param(ctx, 'scope'), audience: param(ctx, 'audience'), amr: [], gty: 'passwordless', idTokenClaims: state.actions?.changesFor(checked.sub, client.clientId)?.idToken }, state.clock.nowSeconds());
  };
}
