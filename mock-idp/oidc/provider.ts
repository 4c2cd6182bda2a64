import Provider, { errors, type Configuration } from 'oidc-provider';
import { claimsByScope, customClaimNames } from '../core/claims.js';
import { MFA_ACR } from '../core/mfa.js';
import type { Directory } from '../core/directory.js';
import type { MockState } from '../core/state.js';
import { accessTokenShape } from './access-token-shape.js';
import { actionTokenClaims } from './actions.js';
import { allowSources } from './csp.js';
import { findAccountIn } from './accounts.js';
import { adapterOn } from './adapter.js';
import { backchannelFetch } from './backchannel-logout.js';
import { ADVERTISED_RESPONSE_TYPES, RESPONSE_TYPES, toClientMetadata } from './clients.js';
import { connectionParameter, organizationParameter } from './connection-parameter.js';
import { interactionPolicyWithAccountSelection } from './interaction-policy.js';
import { unauthorizedClientAsOnAuth0 } from './errors.js';
import { tokenErrorsAsOnAuth0 } from './token-errors.js';
import { PASSWORDLESS_GRANT, PASSWORDLESS_GRANT_PARAMETERS, passwordlessGrant } from './grant-types/passwordless.js';
import { MFA_GRANT_PARAMETERS, MFA_GRANTS, mfaGrant } from './grant-types/mfa.js';
import { PASSWORD_GRANT_PARAMETERS, PASSWORD_GRANTS, passwordGrant } from './grant-types/password.js';
import { grantLoader } from './granted-scopes.js';
import { lifetimes, rotateRefreshToken } from './lifetimes.js';
import { discoveryAdditions, rewriteAuthorizationParameters } from './middleware/authorization-parameters.js';
import { corsPreflight } from './middleware/cors-preflight.js';
import { deviceSession } from './middleware/device-session.js';
import { tokenBody } from './middleware/token-body.js';
import { jwksAdditions } from './middleware/jwks-additions.js';
import { loginFaults } from './middleware/login-faults.js';
import { offlineAccessPrompt } from './middleware/offline-access-prompt.js';
import { pageSecurity } from './middleware/page-security.js';
import { settleWrites } from './middleware/settle-writes.js';
import { resumeWithoutParameters } from './middleware/resume-without-parameters.js';
import { userinfoForJwt } from './middleware/userinfo-jwt.js';
import { webMessageOrigin } from './middleware/web-message-origin.js';
import { expiresWithSession, issueRefreshToken } from './offline-access.js';
import { offersPlain, plainChallengeAsS256 } from './pkce-plain.js';
import { OIDC_SCOPES, resourceIndicators } from './resource-servers.js';
import { CookieSigner } from './cookie-signer.js';
import { COOKIE_NAMES, ROUTES } from './routes.js';
import { answerTokenOnly, TOKEN_ONLY_PARAM, tokenOnlyAccessToken, tokenOnlyAsIdTokenToken } from './token-only-response.js';
import type { OidcViews } from './views.js';

/**
 * The oidc-provider instance for one tenant (`directory`) and the current
 * keys. A tenant or key change builds a new instance over the same store, so
 * sessions, grants and refresh tokens survive it. Every Auth0 adaptation is
 * either a documented configuration hook or a `provider.use` middleware.
 */
export function buildProvider(state: MockState, directory: Directory, views: OidcViews): Provider {
  const { issuer, keys, store, offlineRequests, cookieKeys, events } = state;
  const configuration: Configuration = {
    adapter: adapterOn(store),
    clients: directory.tenant.applications.map(toClientMetadata),
    jwks: { keys: keys.signingKeys },
    cookies: { keys: new CookieSigner(cookieKeys), names: COOKIE_NAMES },
    // The ID-token claims Actions set are learnt as they run (state.rebuild() when a new one appears).
    claims: claimsByScope([...customClaimNames(directory), ...(state.actions?.idTokenClaimNames ?? [])]),
    scopes: [...OIDC_SCOPES],
    extraParams: { audience: null, connection: connectionParameter(directory), organization: organizationParameter(directory), invitation: null, screen_hint: null, [TOKEN_ONLY_PARAM]: null },
    conformIdTokenClaims: false,
    // Auth0's one ACR: `acr_values` with it ask for MFA, and the ID token then carries it as `acr` (only when asked).
    acrValues: [MFA_ACR],
    responseTypes: [...RESPONSE_TYPES],
    findAccount: findAccountIn(directory, state),
    extraTokenClaims: actionTokenClaims(state),
    loadExistingGrant: grantLoader(directory, state.loginOrganizations),
    rotateRefreshToken: rotateRefreshToken(directory),
    issueRefreshToken: issueRefreshToken(directory, offlineRequests),
    expiresWithSession: expiresWithSession(directory, offlineRequests),
    ttl: lifetimes(directory, state.clock),
    routes: ROUTES,
    interactions: { policy: interactionPolicyWithAccountSelection(), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    formats: { customizers: { jwt: tokenOnlyAccessToken(accessTokenShape(directory, state.loginOrganizations)) } },
    fetch: backchannelFetch(directory),
    clientBasedCORS: (_ctx, origin, client) => directory.allowsWebOrigin(origin, client.clientId),
    // Auth0's /userinfo takes the access token as `?access_token=` too: passport-auth0 sends it
    // there (node-oauth's GET). Only /userinfo reads access tokens here (no registration API).
    acceptQueryParamAccessTokens: true,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: {
        enabled: true,
        // oidc-provider's own default rule, stated here so that it does not print a NOTICE on every start:
        // only the application a token was issued to may revoke it.
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      // Auth0's device authorization flow: POST /oauth/device/code, the user confirms at /activate.
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => {
          ctx.type = 'html';
          ctx.body = views.deviceCodeInput(form, err ? (err.name === 'AbortedError' ? 'The sign-in was cancelled.' : 'That code is not valid (wrong, expired or used). Try again.') : undefined);
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = views.deviceConfirm(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = views.deviceSuccess(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'the application');
        },
      },
      // auth0-spa-js's silent authentication without refresh tokens: a hidden iframe posts the answer to its parent.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      resourceIndicators: resourceIndicators(directory),
      // Auth0's per-application Back-Channel Logout URI; /v2/logout and the admin API send through it too (backchannel-logout.ts).
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          allowSources(ctx, 'script-src', views.logoutScriptSources);
          ctx.body = views.logout(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = views.message('Logged out', 'You are signed out of mock-idp.');
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = views.message('Something went wrong', 'The request could not be completed.', {
        error: String(out.error),
        description: out.error_description,
      });
    },
  };
  const provider = new Provider(issuer, configuration);
  // Outermost: the answer waits for the shared-state writes of everything below.
  provider.use(settleWrites(state));
  // First, so that it sees every page last: the headers of oidc-provider's own pages (form_post, web_message).
  provider.use(pageSecurity(directory));
  provider.use(async (ctx, next) => {
    // How often relying parties fetch the keys: the conformance harness watches refetches (RS-32, RS-33).
    if (ctx.method === 'GET' && ctx.path === ROUTES.jwks) state.jwksFetches++;
    await next();
  });
  provider.use(jwksAdditions(() => state.loginFaults.jwksAdditions()));
  // After pageSecurity, so that a rewritten form_post page still gets its headers.
  provider.use(loginFaults(state.loginFaults, events));
  provider.use(corsPreflight(directory, events));
  provider.use(tokenBody);
  provider.use(userinfoForJwt(issuer, directory, keys, state.clock));
  provider.use(discoveryAdditions(ADVERTISED_RESPONSE_TYPES, () => offersPlain(directory)));
  // Before webMessageOrigin, offlineAccessPrompt and the rest, which read the parameters oidc-provider will see.
  provider.use(rewriteAuthorizationParameters(tokenOnlyAsIdTokenToken, plainChallengeAsS256(directory)));
  provider.use(webMessageOrigin(directory, events, views));
  provider.use(offlineAccessPrompt(offlineRequests));
  provider.use(deviceSession(views, async (id) => (await store.get('Session', id)) !== undefined));
  provider.use(resumeWithoutParameters(views));
  provider.use(unauthorizedClientAsOnAuth0);
  provider.use(tokenErrorsAsOnAuth0(provider));
  answerTokenOnly(provider);
  const password = passwordGrant(state, directory);
  for (const grantType of PASSWORD_GRANTS) provider.registerGrantType(grantType, password, PASSWORD_GRANT_PARAMETERS);
  for (const [kind, grantType] of Object.entries(MFA_GRANTS)) provider.registerGrantType(grantType, mfaGrant(state, directory, kind as keyof typeof MFA_GRANTS), MFA_GRANT_PARAMETERS);
  provider.registerGrantType(PASSWORDLESS_GRANT, passwordlessGrant(state, directory), PASSWORDLESS_GRANT_PARAMETERS);
  return provider;
}
