import Router from '@koa/router';
import type { Context } from 'koa';
import { BLOCKED_MESSAGE } from '../../core/brute-force.js';
import { passwordLogin } from '../../core/password-login.js';
import type { MockState } from '../../core/state.js';
import { clientAddress } from '../../oidc/client-address.js';
import { applyRequestedScopes } from '../../oidc/granted-scopes.js';
import type { OidcHost } from '../../oidc/host.js';
import { MFA_STEP_UP } from '../../oidc/interaction-policy.js';
import { fail } from '../errors.js';
import type { InteractionCsrf } from '../csrf.js';
import { consentPage } from '../views/consent-page.js';
import { loginPage } from '../views/login-page.js';
import { organizationPage } from '../views/organization-page.js';
import { consentScopes, isSignInPrompt, loginPageOptions, requestedSocialConnection } from './authorize-parameters.js';
import { interactionSteps, notesOf, type SignInAttempt } from './interaction-steps.js';
import { continueRoutes } from './continue.js';
import { mfaRoutes } from './mfa-step.js';
import { finishMagicLink, passwordlessLoginRoutes } from './passwordless-login.js';
import { completeSignIn, organizationOfAttempt, organizationPickerRoute } from './post-login.js';
import { socialRoutes } from './social-provider.js';

function audiencesOf(params: Record<string, unknown>): string[] {
  const audience = params.resource ?? params.audience;
  return typeof audience === 'string' ? [audience] : [];
}

/** Auth0's message for a failed database login. */
const WRONG_CREDENTIALS = 'Wrong email or password.';

/** How many users the login page lists for one-click sign-in; the others sign in by email. */
export const ONE_CLICK_USERS = 20;

/** The one-click list: the first ONE_CLICK_USERS unblocked users (a page with hundreds of buttons helps nobody, and costs every login). */
function testUsersOf(state: MockState) {
  const users = state.directory.tenant.users.filter((u) => !u.blocked);
  return {
    testUsers: users.slice(0, ONE_CLICK_USERS).map((u) => ({ person: state.directory.person(u.sub)!, password: u.password })),
    moreTestUsers: users.length - Math.min(users.length, ONE_CLICK_USERS),
  };
}

/**
 * The login and consent pages: oidc-provider's interaction API
 * (`interactionDetails` → our page → `interactionResult`). Every POST
 * carries the interaction's CSRF token and no foreign Origin (`csrf`), checked
 * before anything else.
 */
export function interactionRoutes(state: MockState, oidc: OidcHost, csrf: InteractionCsrf): Router {
  const router = new Router({ prefix: '/interaction/:uid', sensitive: true });

  const steps = interactionSteps(state, oidc, csrf);
  const { details, finish } = steps;

  /** The login page of an attempt: what its authorization request's parameters change (loginPageOptions), its organization, an error. */
  function renderLogin(ctx: Context, attempt: SignInAttempt, error?: string, username?: string) {
    const { uid, params } = attempt;
    const clientId = String(params.client_id);
    const { social, loginHint, selectAccount } = loginPageOptions(state.directory, params, attempt.promptName);
    const org = organizationOfAttempt(state, attempt);
    ctx.type = 'html';
    ctx.body = loginPage({
      uid,
      csrfToken: csrf.token(uid),
      appName: state.directory.application(clientId)?.name ?? clientId,
      error,
      username: username ?? loginHint,
      ...testUsersOf(state),
      social,
      selectAccount,
      signupEnabled: !state.tenant.databaseConnection.disableSignup,
      organization: org ? (org.displayName ?? org.name) : undefined,
    });
  }

  /** Auth0's "pre-login prompt": the application requires an organization and the request named none. */
  function needsOrganizationPrompt(attempt: SignInAttempt): boolean {
    const app = state.directory.application(String(attempt.params.client_id));
    return app?.organizationUsage === 'require' && app.organizationRequireBehavior === 'pre_login_prompt' && !organizationOfAttempt(state, attempt);
  }

  function renderOrganizationPrompt(ctx: Context, clientId: string, uid: string, error?: string, name?: string) {
    ctx.type = 'html';
    ctx.body = organizationPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, error, name });
  }

  async function grantConsent(ctx: Context, found: Awaited<ReturnType<typeof details>>) {
    const { params, session, grantId } = found;
    if (!session) fail(400, 'this login attempt is not waiting for consent');
    const { Grant } = oidc.provider;
    const grant = (grantId ? await Grant.find(grantId) : undefined) ?? new Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    applyRequestedScopes(grant, { accountId: session.accountId, scope: params.scope as string | undefined, audiences: audiencesOf(params) }, state.directory);
    // With prompt=login or select_account the login step's result must stay, else the resumed request asks for it again.
    await finish(ctx, { consent: { grantId: await grant.save() } }, true);
  }

  router.get('/', async (ctx) => {
    const found = await details(ctx);
    const { uid, prompt, params, session } = found;
    const clientId = String(params.client_id);
    if (isSignInPrompt(prompt.name)) {
      const attempt: SignInAttempt = { uid, params, promptName: prompt.name, notes: notesOf(found.result) };
      if (await finishMagicLink(steps, ctx, attempt)) return;
      // Step-up (acr_values asking for MFA over a session without it): the session's user gives the second factor
      // only, after the post-login Actions as at every login.
      const stepUpUser = prompt.reasons.includes(MFA_STEP_UP) && session ? state.directory.findUser(session.accountId) : undefined;
      if (stepUpUser) return completeSignIn(steps, ctx, attempt, { accountId: stepUpUser.sub }, { mfaPolicy: true });
      if (needsOrganizationPrompt(attempt)) return renderOrganizationPrompt(ctx, clientId, uid);
      // connection=google-oauth2 (any enabled social connection): straight to the provider, here its simulated user.
      const social = requestedSocialConnection(state.directory, params);
      if (social) return completeSignIn(steps, ctx, attempt, { accountId: social.user.sub });
      return renderLogin(ctx, attempt);
    }
    // First-party applications are never asked for consent (Auth0's default).
    if (state.directory.application(clientId)?.firstParty) return grantConsent(ctx, found);
    ctx.type = 'html';
    ctx.body = consentPage({
      uid,
      csrfToken: csrf.token(uid),
      appName: state.directory.application(clientId)?.name ?? clientId,
      userEmail: state.directory.person(session?.accountId ?? '')?.email ?? '',
      scopes: consentScopes(state.directory, String(params.scope ?? ''), audiencesOf(params)),
      audiences: audiencesOf(params),
    });
  });

  router.post('/login', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const attempt = await steps.signingIn(ctx);
    const username = form.get('username') ?? '';
    const clientId = String(attempt.params.client_id);
    // Brute-force protection counts per user and the caller's address (the socket's; behind a trusted proxy, the one it adds to X-Forwarded-For).
    // A failure is a login.failed event with the email and why (core/password-login.ts).
    const login = passwordLogin(state, { username, password: form.get('password'), ip: clientAddress(ctx.req, ctx.app.proxy), clientId, via: 'login page' });
    if (login.outcome === 'user-blocked') {
      // Auth0 ends the login at the application's callback: error=unauthorized, "user is blocked".
      return finish(ctx, { error: 'unauthorized', error_description: 'user is blocked' });
    }
    if (login.outcome !== 'success') {
      // Auth0's Universal Login shows the block on the page; 429 as the password grant answers.
      ctx.status = login.outcome === 'too-many-attempts' ? 429 : 401;
      const message = login.outcome === 'too-many-attempts' ? BLOCKED_MESSAGE : login.user?.blocked ? 'user is blocked' : WRONG_CREDENTIALS;
      return renderLogin(ctx, attempt, message, username);
    }
    // The post-login Actions, then the one-time-code step (or enrolment) when the policy or an action asks for it.
    await completeSignIn(steps, ctx, attempt, { accountId: login.user.sub }, { mfaPolicy: true });
  });

  router.post('/organization', async (ctx) => {
    const form = await steps.checkedForm(ctx);
    const { uid, params, notes } = await steps.signingIn(ctx, 'an organization');
    const name = (form.get('organization') ?? '').trim();
    const org = name ? state.directory.organization(name) : undefined;
    if (!org) {
      ctx.status = 400;
      return renderOrganizationPrompt(ctx, String(params.client_id), uid, 'No organization with that name.', name);
    }
    await steps.note(ctx, { ...notes, organization: org.id });
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}`);
  });

  socialRoutes(router, steps);
  mfaRoutes(router, steps);
  continueRoutes(router, steps);
  organizationPickerRoute(router, steps);
  passwordlessLoginRoutes(router, steps);

  router.post('/consent', async (ctx) => {
    await steps.checkedForm(ctx);
    const found = await details(ctx);
    if (found.prompt.name !== 'consent') fail(400, 'this login attempt is not waiting for consent');
    await grantConsent(ctx, found);
  });

  router.post('/abort', async (ctx) => {
    await steps.checkedForm(ctx);
    await details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  });

  return router;
}
