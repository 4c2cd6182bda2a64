import Router from '@koa/router';
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { BLOCKED_MESSAGE } from '../../core/brute-force.js';
import { passwordLogin } from '../../core/password-login.js';
import type { MockState } from '../../core/state.js';
import { clientAddress } from '../../oidc/client-address.js';
import { applyRequestedScopes } from '../../oidc/granted-scopes.js';
import type { OidcHost } from '../../oidc/host.js';
import { MFA_STEP_UP } from '../../oidc/interaction-policy.js';
import { fail } from '../errors.js';
import { readForm } from '../body.js';
import type { InteractionCsrf } from '../csrf.js';
import { consentPage } from '../views/consent-page.js';
import { loginPage } from '../views/login-page.js';
import { organizationPage } from '../views/organization-page.js';
import { consentScopes, isSignInPrompt, type LoginPageOptions, loginPageOptions, requestedSocialConnection } from './authorize-parameters.js';
import { continueRoutes } from './continue.js';
import { mfaRoutes } from './mfa-step.js';
import { finishMagicLink, passwordlessLoginRoutes } from './passwordless-login.js';
import { completeSignIn, organizationOfAttempt, organizationPickerRoute } from './post-login.js';
import { finishSocialLogin, socialRoutes } from './social-provider.js';

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

  /** The POSTed form, once its Origin and CSRF token are checked (a 403 otherwise). */
  async function checkedForm(ctx: Context): Promise<URLSearchParams> {
    const form = await readForm(ctx);
    csrf.check(ctx, ctx.params.uid!, form);
    return form;
  }

  async function details(ctx: Context) {
    const found = await oidc.provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== ctx.params.uid) fail(400, 'this login page belongs to another login attempt: start again from the application');
    return found;
  }

  /** `mergeWithLastSubmission`: keep what the earlier steps of this authorization resolved (the consent step after a requested login or account selection). */
  async function finish(ctx: Context, result: InteractionResults, mergeWithLastSubmission = false) {
    const to = await oidc.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
    ctx.status = 303;
    ctx.redirect(to);
  }

  /** `options`: what the authorization request's parameters change (loginPageOptions). */
  function renderLogin(ctx: Context, clientId: string, uid: string, error?: string, username?: string, options?: LoginPageOptions, params: Record<string, unknown> = {}) {
    const { social, loginHint, selectAccount } = options ?? loginPageOptions(state.directory, {}, 'login');
    const org = organizationOfAttempt(state, ctx, params);
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
  function needsOrganizationPrompt(ctx: Context, params: Record<string, unknown>): boolean {
    const app = state.directory.application(String(params.client_id));
    return app?.organizationUsage === 'require' && app.organizationRequireBehavior === 'pre_login_prompt' && !organizationOfAttempt(state, ctx, params);
  }

  function renderOrganizationPrompt(ctx: Context, clientId: string, uid: string, error?: string, name?: string) {
    ctx.type = 'html';
    ctx.body = organizationPage({ uid, csrfToken: csrf.token(uid), appName: state.directory.application(clientId)?.name ?? clientId, error, name });
  }

  const steps = { checkedForm, details, finish, csrf };

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
      // connection=google-oauth2 (any enabled social connection): straight to the provider, here its simulated user.
      const social = requestedSocialConnection(state.directory, params);
      if (await finishMagicLink(state, steps, ctx, uid, prompt.name, params)) return;
      // Step-up (acr_values asking for MFA over a session without it): the session's user gives the second factor
      // only, after the post-login Actions as at every login.
      const stepUpUser = prompt.reasons.includes(MFA_STEP_UP) && session ? state.directory.findUser(session.accountId) : undefined;
      if (stepUpUser) return completeSignIn({ state, csrf, finish }, ctx, { uid, params, promptName: prompt.name }, { accountId: stepUpUser.sub }, { mfaPolicy: true });
      if (needsOrganizationPrompt(ctx, params)) return renderOrganizationPrompt(ctx, clientId, uid);
      if (social) return finishSocialLogin(state, steps, ctx, prompt.name, clientId, social);
      return renderLogin(ctx, clientId, uid, undefined, undefined, loginPageOptions(state.directory, params, prompt.name), params);
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
    const form = await checkedForm(ctx);
    const { uid, prompt, params } = await details(ctx);
    if (!isSignInPrompt(prompt.name)) fail(400, 'this login attempt is not waiting for credentials');
    const username = form.get('username') ?? '';
    const clientId = String(params.client_id);
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
      return renderLogin(ctx, clientId, uid, message, username, loginPageOptions(state.directory, params, prompt.name), params);
    }
    // The post-login Actions, then the one-time-code step (or enrolment) when the policy or an action asks for it.
    const onSignedIn = () => state.events.add({ type: 'login.success', clientId, sub: login.user.sub });
    await completeSignIn({ state, csrf, finish }, ctx, { uid, params, promptName: prompt.name }, { accountId: login.user.sub }, { mfaPolicy: true, onSignedIn });
  });

  router.post('/organization', async (ctx) => {
    const form = await checkedForm(ctx);
    const { uid, prompt, params } = await details(ctx);
    if (!isSignInPrompt(prompt.name)) fail(400, 'this login attempt is not waiting for an organization');
    const name = (form.get('organization') ?? '').trim();
    const org = name ? state.directory.organization(name) : undefined;
    if (!org) {
      ctx.status = 400;
      return renderOrganizationPrompt(ctx, String(params.client_id), uid, 'No organization with that name.', name);
    }
    state.loginOrganizations.choose(uid, org.id);
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}`);
  });

  socialRoutes(router, state, csrf, steps);
  mfaRoutes(router, state, csrf, steps);
  continueRoutes(router, state, steps);
  organizationPickerRoute(router, state, steps);
  passwordlessLoginRoutes(router, state, csrf, steps);

  router.post('/consent', async (ctx) => {
    await checkedForm(ctx);
    const found = await details(ctx);
    if (found.prompt.name !== 'consent') fail(400, 'this login attempt is not waiting for consent');
    await grantConsent(ctx, found);
  });

  router.post('/abort', async (ctx) => {
    await checkedForm(ctx);
    await details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  });

  return router;
}
