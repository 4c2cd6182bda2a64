import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Directory } from '../../core/directory.js';
import { TOO_MANY_CODES_MESSAGE, type CodeCheck } from '../../core/mfa.js';
import type { MockState } from '../../core/state.js';
import { resourceIndicators } from '../resource-servers.js';
import { type GrantHandler, issueUserTokens, param } from './password.js';

/** Auth0's grants that complete a password grant answered `mfa_required`, with the MFA token and a second factor. */
export const MFA_GRANTS = {
  otp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  oob: 'http://auth0.com/oauth/grant-type/mfa-oob',
  recoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;
export const MFA_GRANT_PARAMETERS = ['mfa_token', 'otp', 'oob_code', 'binding_code', 'recovery_code'];


/** Answers with Auth0's error body (and status) from inside a grant handler. */
function deny(ctx: KoaContextWithOIDC, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.body = { error, error_description: description };
}

/** A wrong or locked second factor as Auth0 answers it: 403 invalid_grant, or 429 too_many_attempts once locked. */
function denyCode(ctx: KoaContextWithOIDC, outcome: Exclude<CodeCheck, 'ok'>, wrong: string): void {
  if (outcome === 'too-many') deny(ctx, 429, 'too_many_attempts', TOO_MANY_CODES_MESSAGE);
  else deny(ctx, 403, 'invalid_grant', wrong);
}

/**
 * The MFA grants (`mfa-otp` with `otp`, `mfa-oob` with `oob_code` and `binding_code`,
 * `mfa-recovery-code` with `recovery_code`), each with the `mfa_token` of a password grant
 * answered `mfa_required`: a right factor spends the token and gives the tokens that grant
 * would have given, with `amr: ["mfa"]`; the recovery-code grant also returns the new
 * `recovery_code`. Wrong codes count towards Auth0's lock (10).
 */
export function mfaGrant(state: MockState, directory: Directory, kind: keyof typeof MFA_GRANTS): GrantHandler {
  const resources = resourceIndicators(directory);
  return async (ctx) => {
    const { client } = ctx.oidc;
    if (!client) throw new errors.InvalidClient('client authentication failed');
    const mfaToken = param(ctx, 'mfa_token');
    if (!mfaToken) throw new errors.InvalidRequest("missing required parameter 'mfa_token'");
    const grant = state.mfa.token(mfaToken);
    if (grant === 'expired') return deny(ctx, 403, 'expired_token', 'mfa_token is expired');
    const user = grant && grant.clientId === client.clientId ? directory.findUser(grant.sub) : undefined;
    if (!grant || !user) return deny(ctx, 403, 'invalid_grant', 'Malformed mfa_token');

    let extra: Record<string, unknown> = {};
    if (kind === 'otp') {
      const otp = param(ctx, 'otp');
      if (!otp) throw new errors.InvalidRequest("missing required parameter 'otp'");
      const outcome = state.mfa.check(user, otp);
      if (outcome !== 'ok') return denyCode(ctx, outcome, 'Invalid otp_code.');
    } else if (kind === 'oob') {
      const oobCode = param(ctx, 'oob_code');
      if (!oobCode) throw new errors.InvalidRequest("missing required parameter 'oob_code'");
      const outcome = state.mfa.checkEmailChallenge(user, mfaToken, oobCode, param(ctx, 'binding_code') ?? '');
      if (outcome === 'unknown') return deny(ctx, 403, 'invalid_grant', 'Invalid oob_code.');
      if (outcome !== 'ok') return denyCode(ctx, outcome, 'Invalid binding_code.');
    } else {
      const recoveryCode = param(ctx, 'recovery_code');
      if (!recoveryCode) throw new errors.InvalidRequest("missing required parameter 'recovery_code'");
      const outcome = state.mfa.spendRecoveryCode(user, recoveryCode);
      if (outcome !== 'ok') return denyCode(ctx, outcome, 'Invalid recovery_code.');
      extra = { recovery_code: state.mfa.recoveryCode(user) };
    }
    state.mfa.spendToken(mfaToken);
    state.events.add({ type: 'login.success', clientId: client.clientId, sub: user.sub, detail: { mfa: kind } });
    await issueUserTokens(ctx, directory, resources, user, { scope: grant.scope, audience: grant.audience, amr: ['mfa'], gty: 'mfa', idTokenClaims: state.actions?.changesFor(user.sub, client.clientId)?.idToken }, state.clock.nowSeconds(), extra);
  };
}
