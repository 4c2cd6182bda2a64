import { interactionPolicy } from 'oidc-provider';
import { asksForMfa, MFA_ACR } from '../core/mfa.js';

/** The login prompt's reason when `acr_values` ask for MFA and the session has none: the login page goes straight to the MFA step. */
export const MFA_STEP_UP = 'mfa_step_up';

/**
 * oidc-provider's interaction policy (login, then consent) with Auth0's
 * `prompt=select_account` added in front: a requestable prompt without checks,
 * so it is shown only when asked for (the login page lists the test users to
 * pick from). With `prompt=none` it answers `account_selection_required`. The login
 * prompt also asks again when `acr_values` want MFA that the session lacks (step-up).
 */
export function interactionPolicyWithAccountSelection(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  // Auth0's step-up: `acr_values` with the multi-factor policy over a session without MFA asks for the second factor again.
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(MFA_STEP_UP, 'multi-factor authentication was requested', ({ oidc }) =>
      asksForMfa(oidc.params?.acr_values) && oidc.session?.acr !== MFA_ACR ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return policy;
}
