import { interactionPolicy } from 'oidc-provider';

/**
 * oidc-provider's interaction policy (login, then consent) with Auth0's
 * `prompt=select_account` added in front: a requestable prompt without checks,
 * so it is shown only when asked for (the login page lists the test users to
 * pick from). With `prompt=none` it answers `account_selection_required`.
 */
export function interactionPolicyWithAccountSelection(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  return policy;
}
